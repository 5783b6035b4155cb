import { noteDayFactsSql } from '../kpi/day-sets.sql.js';
import {
  COMMON_COLUMNS,
  commonColumnsSql,
  PIPELINE_COLUMNS,
  positionalColumnsSql,
  quoted,
} from './columns.js';

/**
 * Set-based writes: one statement per pipeline per batch. Rows travel as one JSON parameter, an
 * array of positional rows (rows.ts: the columns of columns.ts in order, no keys), read by
 * position from `jsonb_array_elements`. Keys repeated 500 times were a quarter of the parameter
 * (issue #19), and PostgreSQL reads a batch's positions from jsonb about a quarter faster than it
 * matched keys in `json_to_recordset`. Conflicts on `(user_id_hash, id)` are
 * skipped (idempotency), and the statement answers how many rows it inserted, so duplicates are
 * counted, not stored (answerSql). Parameters of every statement here: `:rows`, `:receivedAt`
 * and `:expected` (how many rows `:rows` holds).
 */
const COMMON_NAMES = commonColumnsSql();

const inputSql = (pipeline: keyof typeof PIPELINE_COLUMNS) =>
  `select ${positionalColumnsSql([...COMMON_COLUMNS, ...PIPELINE_COLUMNS[pipeline]])}
  from jsonb_array_elements(:rows::jsonb) as r`;

/**
 * One row: `inserted`, the count, and `keys`, the `[user_id_hash, id]` of every inserted row,
 * only when fewer rows were inserted than given (a duplicate or a twin in the batch): the usual
 * clean batch then costs one row to answer, not one per item, which Node had to parse (issue
 * #19). The keys' subquery runs only when the CASE needs it.
 */
const answerSql = (inserted: string) => `
select n as inserted,
  case when n < :expected
    then (select json_agg(json_build_array(user_id_hash, id)) from ${inserted}) end as keys
from (select count(*)::int as n from ${inserted}) as counted`;

/** The answer of every insert statement here (answerSql). */
export interface InsertAnswer {
  inserted: number;
  keys: [userIdHash: string, id: string][] | null;
}

const namesOf = (pipeline: keyof typeof PIPELINE_COLUMNS) =>
  PIPELINE_COLUMNS[pipeline].map(([column]) => quoted(column)).join(', ');

/**
 * Events also note their KPI day facts in the same statement (see modules/kpi/day-sets.sql.ts):
 * only rows that `inserted` returned count, so a duplicate never adds a day. The day sets
 * themselves are folded later, off this path (modules/kpi/fold.ts).
 */
export const insertEventsSql = `
with input as (
  ${inputSql('event')}
),
inserted as (
  insert into telemetry_events (${COMMON_NAMES}, received_at, ${namesOf('event')})
  select ${COMMON_NAMES}, :receivedAt::timestamptz, ${namesOf('event')} from input
  on conflict do nothing
  returning id, user_id_hash, "timestamp", session_id, channel, phase, event_name
),
${noteDayFactsSql('inserted')}
${answerSql('inserted')}`;

/** Errors and traces: stored as sent, no day facts to note. */
const insertPlainSql = (pipeline: 'error' | 'trace', table: string) => `
with input as (
  ${inputSql(pipeline)}
),
inserted as (
  insert into ${table} (${COMMON_NAMES}, received_at, ${namesOf(pipeline)})
  select ${COMMON_NAMES}, :receivedAt::timestamptz, ${namesOf(pipeline)}
  from input
  on conflict do nothing
  returning id, user_id_hash
)
${answerSql('inserted')}`;

export const insertErrorsSql = insertPlainSql('error', 'telemetry_errors');
export const insertTracesSql = insertPlainSql('trace', 'telemetry_traces');

/** Failed items are rare (rejections only): they keep keyed rows, read by `json_to_recordset`. */
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
