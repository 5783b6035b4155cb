import type { Pipeline } from '@cortex-telemetry/events';
import { isoMillis } from '../analytics/filters.sql.js';
import { commonColumnsSql } from '../ingest/columns.js';

/**
 * The live feed: the newest rows of the events, errors and traces tables together, newest first
 * by the time the server received them, for "did my event arrive?".
 *
 * Order: `received_at` desc (the server clock at ingest; every item of one request shares it),
 * then `timestamp` desc (the client's order inside a batch), then the pipeline (traces, errors,
 * events), `id` desc and `user_id_hash` desc, which make the key total (ids are unique per user
 * and pipeline only). The cursor is that whole key, so a page never repeats or skips a row while
 * new rows arrive.
 *
 * Each pipeline is one `union all` branch that takes at most `:limit` rows in index order
 * (`(received_at, "timestamp", id, user_id_hash)`, Migration20261206200000: the whole key, since
 * the demo seed and big batches give many rows one `received_at`), so a page reads at most
 * 3 × `:limit` index entries whatever the table sizes (200k rows a table: 0.5 ms, against 2 s for
 * a sort of every row). Filtered by a user, the planner takes the user's own index instead. On Citus every branch is a distributed top-N (each shard returns its
 * newest `:limit`), planned on its own; with `userIdHash` given each reads only that user's
 * shard (the tables are colocated by user). The merge of three short lists runs on the coordinator.
 *
 * Parameters: `:limit`, those of the branch conditions (filters.sql.ts names), and with a cursor
 * `:afterReceived`, `:afterTimestamp`, `:afterId`, `:afterUser`.
 */
export interface LiveFeedDbRow {
  pipeline: Pipeline;
  sort_received: string;
  sort_timestamp: string;
  rank: number;
  [column: string]: unknown;
}

const TABLES: Record<Pipeline, string> = {
  event: 'telemetry_events',
  error: 'telemetry_errors',
  trace: 'telemetry_traces',
};

/** The tie-break between pipelines inside one key; part of the cursor. */
export const PIPELINE_RANK: Record<Pipeline, number> = { event: 1, error: 2, trace: 3 };

/** Every branch returns the same columns; a column another pipeline has not is null. */
const PIPELINE_COLUMNS: Record<Pipeline, Record<string, string>> = {
  event: { event_name: 'event_name', result: 'result', duration_ms: 'duration_ms::float8' },
  error: {
    error_type: 'error_type',
    error_message: 'error_message',
    stack_trace: 'stack_trace',
    stack_hash: 'stack_hash',
    severity: 'severity',
    related_event_name: 'related_event_name',
  },
  trace: {
    operation_name: 'operation_name',
    duration_ms: 'duration_ms::float8',
    success: 'success',
    result_count: 'result_count',
  },
};

const TYPES: Record<string, string> = {
  event_name: 'text',
  result: 'text',
  duration_ms: 'float8',
  error_type: 'text',
  error_message: 'text',
  stack_trace: 'text',
  stack_hash: 'text',
  severity: 'text',
  related_event_name: 'text',
  operation_name: 'text',
  success: 'boolean',
  result_count: 'integer',
};

const micros = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * "After the cursor" for one branch. The pipeline rank is a constant per branch, so the key
 * comparison becomes a row comparison on a prefix of the `received_idx` index, which the index
 * can answer (a constant inside the row would make it a filter over every row):
 * a branch ranked below the cursor's keeps the cursor's own instant, one ranked above does not,
 * and the cursor's own branch compares the whole key.
 */
export function afterKeyCondition(rank: number, afterRank: number): string {
  if (rank < afterRank) {
    return '(received_at, "timestamp") <= (:afterReceived::timestamptz, :afterTimestamp::timestamptz)';
  }
  if (rank > afterRank) {
    return '(received_at, "timestamp") < (:afterReceived::timestamptz, :afterTimestamp::timestamptz)';
  }
  return `(received_at, "timestamp", id, user_id_hash)
    < (:afterReceived::timestamptz, :afterTimestamp::timestamptz, :afterId::uuid, :afterUser::text)`;
}

function branchSql(pipeline: Pipeline, conditions: readonly string[]): string {
  const own = PIPELINE_COLUMNS[pipeline];
  const columns = Object.keys(TYPES)
    .map((name) => `${own[name] ?? `null::${TYPES[name]}`} as ${name}`)
    .join(', ');
  const common = commonColumnsSql({
    id: 'id::text',
    timestamp: `${isoMillis('"timestamp"')} as "timestamp"`,
  });
  return `(select '${pipeline}' as pipeline, ${PIPELINE_RANK[pipeline]} as rank,
    received_at as received_key, "timestamp" as timestamp_key, id as id_key, user_id_hash as user_key,
    ${micros('received_at')} as sort_received, ${micros('"timestamp"')} as sort_timestamp,
    ${isoMillis('received_at')} as received_at, ${common}, ${columns}
  from ${TABLES[pipeline]}
  ${conditions.length ? `where ${conditions.join(' and ')}` : ''}
  -- the key's own columns: "timestamp", received_at and id are also output names (as text)
  order by received_key desc, timestamp_key desc, id_key desc, user_key desc
  limit :limit)`;
}

/** `branches`: the pipelines to read, each with its `where` conditions. */
export const getLiveFeedSql = (
  branches: readonly { pipeline: Pipeline; conditions: readonly string[] }[],
) => `
select * from (
  ${branches.map((b) => branchSql(b.pipeline, b.conditions)).join('\n  union all\n  ')}
) feed
order by received_key desc, timestamp_key desc, rank desc, id_key desc, user_key desc
limit :limit`;
