import type { EventName } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { filterSql, KPI_SETTINGS, type KpiFilter } from '../kpi/query.js';
import type { KpiWindow } from '../shared/window.js';

/*
 * docs/kpis.md#7-funnel--where-do-they-drop-off-on-the-way-to-value — Funnel. "A user enters
 * with their earliest `steps[0]` event inside the window. Each next step is matched greedily:
 * the earliest event of that step at or after the previous step's matched time, and no later
 * than `windowDays` × 24 h after the entry. A user who reaches step i is counted at every step
 * ≤ i. Ties: an event at exactly the previous step's timestamp counts (≥), and one at exactly
 * entry + `windowDays` × 24 h too; each event matches one step. The median of an even count is
 * the mean of the two middle values."
 *
 * Each step reads its own name's events of the window: step 0 per user the earliest (the entry),
 * then one CTE per step joining the users who reached the previous step to that step's events by
 * user, the earliest at or after the previous match and by the entry's deadline (a min, so no
 * sort of all step events). Plain joins and groups by user (no lateral LIMIT, which Citus cannot
 * run), so the matching stays per user. The covering (event, time) index
 * (Migration20261208100000) answers each step's scan — name and time range, user, filter columns —
 * without reading the table.
 *
 * "Each event matches one step" matters only for a name the steps repeat: greedy matching takes
 * that name's events in (timestamp, id) order, so its events are numbered per user (`seq`), and
 * a step whose name an earlier step j had takes only events after step j's (`seq > seq_j`); the
 * earliest candidate is then the least `seq`, and so also the least timestamp. Names that occur
 * once need no numbering: the earliest candidate by timestamp is the match, equal instants
 * included (any of them gives the same time).
 */
const sql = (steps: readonly EventName[]) => {
  const repeated = (i: number) => steps.indexOf(steps[i]!) !== steps.lastIndexOf(steps[i]!);
  /** Step i's candidates as `e`: `at` (and `seq` for a repeated name), in the window. */
  const source = (i: number) =>
    repeated(i)
      ? 'repeated_events e'
      : `(select user_id_hash, "timestamp" as at from telemetry_events
    where event_name = :step${i} and "timestamp" >= :windowStart::timestamptz
      and "timestamp" < :windowEnd::timestamptz and ${filterSql()}) e`;
  const match = (i: number) => `min(e.at) as at${i}${repeated(i) ? `, min(e.seq) as seq${i}` : ''}`;
  /** What s{i} carries on: the entry, step i's time and the numbers of repeated names' matches. */
  const carried = (i: number) => [
    'p.user_id_hash',
    ...(i > 0 ? ['p.at0'] : []),
    `p.at${i}`,
    ...steps.slice(0, i + 1).flatMap((_, j) => (repeated(j) ? [`p.seq${j}`] : [])),
  ];
  const stepCtes = steps.slice(1).map((name, index) => {
    const i = index + 1;
    const earlier = steps.slice(0, i).lastIndexOf(name);
    const sameName = repeated(i) ? ` and e.event_name = :step${i}` : '';
    const notTaken = earlier >= 0 ? ` and e.seq > p.seq${earlier}` : '';
    return `
s${i} as (
  select ${carried(i - 1).join(', ')}, ${match(i)}
  from s${i - 1} p
  join ${source(i)} on e.user_id_hash = p.user_id_hash${sameName}
    and e.at >= p.at${i - 1} and e.at <= p.at0 + :windowDays::int * interval '24 hours'${notTaken}
  group by ${carried(i - 1).join(', ')}
)`;
  });
  const counts = steps.map((_, i) =>
    i === 0
      ? 'select 0 as step, count(*)::int as users, null::float8 as median_seconds from s0'
      : `select ${i}, count(*)::int,
    percentile_cont(0.5) within group (order by extract(epoch from at${i} - at${i - 1})::float8)
  from s${i}`,
  );
  const names = [...new Set(steps.filter((_, i) => repeated(i)))];
  const numbered =
    names.length === 0
      ? ''
      : `
repeated_events as (
  select user_id_hash, event_name, "timestamp" as at,
    row_number() over (partition by user_id_hash, event_name order by "timestamp", id) as seq
  from telemetry_events
  where event_name in (${names.map((name) => `:step${steps.indexOf(name)}`).join(', ')})
    and "timestamp" >= :windowStart::timestamptz and "timestamp" < :windowEnd::timestamptz
    and ${filterSql()}
),`;
  return `
with${numbered}
s0 as (
  select e.user_id_hash, ${match(0)}
  from ${source(0)}${repeated(0) ? ' where e.event_name = :step0' : ''}
  group by e.user_id_hash
),${stepCtes.join(',')}
${counts.join('\nunion all\n')}
order by step`;
};

export interface FunnelRow {
  step: number;
  users: number;
  /** Null for step 0 and for a step nobody reached. */
  median_seconds: number | null;
}

/**
 * Without a repeated name, no sort: the planner cannot see the step CTEs' sizes (it takes the
 * range join at the previous match and the deadline for 20–50× more selective than it is), so
 * it sorts the step's window events for a merge join and the matches for a group aggregate —
 * 180k–420k rows at 10M events, a third of the statement's time. Sorting off, it hashes them.
 * A repeated name's numbering needs its sort, and with sorting off the planner's way round it
 * costs more than the sort (2.6 s of CPU instead of 1.8 s at 10M).
 */
const settingsFor = (steps: readonly EventName[]) =>
  new Set(steps).size === steps.length ? { ...KPI_SETTINGS, enable_sort: 'off' } : KPI_SETTINGS;

export const getFunnel = (
  em: EntityManager,
  window: KpiWindow,
  steps: readonly EventName[],
  windowDays: number,
  filter: KpiFilter,
) =>
  runSql<FunnelRow>(
    em,
    sql(steps),
    {
      ...Object.fromEntries(steps.map((name, i) => [`step${i}`, name])),
      windowStart: window.from.toISOString(),
      windowEnd: window.to.toISOString(),
      windowDays,
      ...filter,
    },
    { name: 'getFunnel', read: true, settings: settingsFor(steps) },
  );
