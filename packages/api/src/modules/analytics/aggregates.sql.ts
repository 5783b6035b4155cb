import { SEVERITIES } from '@cortex-telemetry/events';
import { isoMillis } from './filters.sql.js';

/**
 * The analyst aggregates over a time window. Filters arrive as a ready `where` clause with
 * `:named` parameters (filters.sql.ts); the caller binds them with db/sql.ts.
 */

export const EVENT_COUNT_DIMENSIONS = [
  'DAY',
  'EVENT_NAME',
  'CHANNEL',
  'PHASE',
  'USER_TIER',
] as const;
export type EventCountDimension = (typeof EVENT_COUNT_DIMENSIONS)[number];

/** Days are UTC calendar days (docs/kpis.md); sent as text so no driver turns them into local time. */
const DIMENSION_SQL: Record<EventCountDimension, { expression: string; alias: string }> = {
  DAY: { expression: `(("timestamp" at time zone 'UTC')::date)::text`, alias: 'day' },
  EVENT_NAME: { expression: 'event_name', alias: 'event_name' },
  CHANNEL: { expression: 'channel', alias: 'channel' },
  PHASE: { expression: 'phase', alias: 'phase' },
  USER_TIER: { expression: 'user_tier', alias: 'user_tier' },
};

/** Grouped in the order given, ordered by the same keys; users = distinct user_id_hash. */
export function eventCountsSql(dimensions: readonly EventCountDimension[], where: string): string {
  const keys = dimensions.map((d) => `${DIMENSION_SQL[d].expression} as ${DIMENSION_SQL[d].alias}`);
  const positions = dimensions.map((_, i) => String(i + 1)).join(', ');
  return `
select ${keys.join(', ')}, count(*) as count, count(distinct user_id_hash) as users
from telemetry_events
${where}
group by ${positions}
order by ${positions}`;
}

/** 1 = info … 4 = critical, from the one severity list, so max() is the worst. */
const SEVERITY_LIST = `array[${SEVERITIES.map((s) => `'${s}'`).join(', ')}]`;

/**
 * Groups by stack hash, the most frequent first; the sample (type and message) is the latest
 * error of the group inside the same filters (the highest id among those at its last_seen),
 * fetched only for the groups returned: a join on (stack_hash, "timestamp"), which the
 * (stack_hash, "timestamp") index serves and which runs distributed (no LIMIT in a lateral).
 * Parameters: the filters' (shared by both clauses) and `:first`.
 */
export const errorGroupsSql = (where: string, latestWhere: string) => `
with groups as (
  select stack_hash, count(*) as count, count(distinct user_id_hash) as users_affected,
    min("timestamp") as first_seen, max("timestamp") as last_seen,
    max(array_position(${SEVERITY_LIST}, severity)) as worst_severity_rank
  from telemetry_errors
  ${where}
  group by stack_hash
  order by count desc, last_seen desc, stack_hash
  limit :first
),
-- the latest error of each group within the filters: its timestamp is the group's last_seen
latest as (
  select distinct on (e.stack_hash) e.stack_hash, e.error_type, e.error_message
  from telemetry_errors e
  join groups g on e.stack_hash = g.stack_hash and e."timestamp" = g.last_seen
  ${latestWhere}
  order by e.stack_hash, e.id desc
)
select g.stack_hash, g.count, g.users_affected, ${isoMillis('g.first_seen')} as first_seen,
  ${isoMillis('g.last_seen')} as last_seen, (${SEVERITY_LIST})[g.worst_severity_rank] as worst_severity,
  latest.error_type, latest.error_message
from groups g
join latest on latest.stack_hash = g.stack_hash
order by g.count desc, g.last_seen desc, g.stack_hash`;

/** percentile_cont interpolates between the two nearest durations, as analysts expect. */
export const traceStatsSql = (where: string) => `
select operation_name, count(*) as count,
  (count(*) filter (where success))::float8 / count(*) as success_rate,
  percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration_ms) as percentiles,
  max(duration_ms) as max_duration_ms
from telemetry_traces
${where}
group by operation_name
order by count desc, operation_name`;
