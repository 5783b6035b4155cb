import type { Pipeline } from '@cortex-telemetry/events';
import { commonColumnsSql } from '../ingest/columns.js';
import { isoMillis } from './filters.sql.js';

/**
 * The analyst lists: one page of a pipeline's rows, newest first, by keyset on
 * (timestamp, id, user_id_hash). The user closes the key because ids are unique per user only;
 * the (timestamp, id) index still serves both the order and the cursor condition.
 */
const TABLES: Record<Pipeline, string> = {
  event: 'telemetry_events',
  error: 'telemetry_errors',
  trace: 'telemetry_traces',
};

const PIPELINE_COLUMNS: Record<Pipeline, string> = {
  event: 'event_name, result, duration_ms',
  error: 'error_type, error_message, stack_trace, stack_hash, severity, related_event_name',
  trace: 'operation_name, duration_ms, success, result_count',
};

/** Sorting in SQL and cursor text both need microseconds; a JS Date keeps milliseconds only. */
export const SORT_TIMESTAMP = `to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const AFTER_KEY_CONDITION =
  '("timestamp", id, user_id_hash) < (:afterTimestamp::timestamptz, :afterId::uuid, :afterUser::text)';

const COMMON_SELECT = commonColumnsSql({
  id: 'id::text',
  timestamp: `${isoMillis('"timestamp"')} as "timestamp"`,
});

/** Parameters: those of the `where` clause and `:limit`. */
export const listRecordsSql = (pipeline: Pipeline, where: string) => `
select ${COMMON_SELECT}, ${SORT_TIMESTAMP} as sort_timestamp,
  ${isoMillis('received_at')} as received_at, ${PIPELINE_COLUMNS[pipeline]}
from ${TABLES[pipeline]}
${where}
order by "timestamp" desc, id desc, user_id_hash desc
limit :limit`;
