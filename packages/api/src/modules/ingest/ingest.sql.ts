import { noteDayFactsSql } from '../kpi/day-sets.sql.js';
import { commonColumnsSql, commonRecordsetSql } from './columns.js';

/**
 * Set-based writes: one statement per pipeline per batch. Rows travel as one JSON parameter
 * (`json_to_recordset`), conflicts on `(user_id_hash, id)` are skipped (idempotency), and the
 * statement returns the keys it actually inserted so duplicates are counted, not stored.
 * Parameters of every statement here: `:rows` (the rows as JSON) and `:receivedAt`.
 */
const COMMON_COLUMNS = commonRecordsetSql();
const COMMON_NAMES = commonColumnsSql();

/**
 * Events also note their KPI day facts in the same statement (see modules/kpi/day-sets.sql.ts):
 * only rows that `inserted` returned count, so a duplicate never adds a day. The day sets
 * themselves are folded later, off this path (modules/kpi/fold.ts).
 */
export const insertEventsSql = `
with input as (
  select * from json_to_recordset(:rows::json) as r(${COMMON_COLUMNS},
    event_name text, result text, duration_ms integer)
),
inserted as (
  insert into telemetry_events (${COMMON_NAMES}, received_at, event_name, result, duration_ms)
  select ${COMMON_NAMES}, :receivedAt::timestamptz, event_name, result, duration_ms from input
  on conflict do nothing
  returning id, user_id_hash, "timestamp", session_id, channel, phase, event_name
),
${noteDayFactsSql('inserted')}
select id, user_id_hash from inserted`;

export const insertErrorsSql = `
with input as (
  select * from json_to_recordset(:rows::json) as r(${COMMON_COLUMNS}, error_type text,
    error_message text, stack_trace text, stack_hash text, severity text, related_event_name text)
)
insert into telemetry_errors (${COMMON_NAMES}, received_at, error_type, error_message,
  stack_trace, stack_hash, severity, related_event_name)
select ${COMMON_NAMES}, :receivedAt::timestamptz, error_type, error_message, stack_trace, stack_hash,
  severity, related_event_name
from input
on conflict do nothing
returning id, user_id_hash`;

export const insertTracesSql = `
with input as (
  select * from json_to_recordset(:rows::json) as r(${COMMON_COLUMNS}, operation_name text,
    duration_ms double precision, success boolean, result_count integer)
)
insert into telemetry_traces (${COMMON_NAMES}, received_at, operation_name, duration_ms, success,
  result_count)
select ${COMMON_NAMES}, :receivedAt::timestamptz, operation_name, duration_ms, success, result_count
from input
on conflict do nothing
returning id, user_id_hash`;

export const insertFailedItemsSql = `
with input as (
  select * from json_to_recordset(:rows::json) as r(pipeline text, mutation text, item_index integer,
    reason text, payload text, payload_truncated boolean, scrub_rules text[])
)
insert into telemetry_failed_items (pipeline, mutation, item_index, reason, payload,
  payload_truncated, scrub_rules, received_at)
select pipeline, mutation, item_index, reason, payload, payload_truncated, scrub_rules,
  :receivedAt::timestamptz
from input`;
