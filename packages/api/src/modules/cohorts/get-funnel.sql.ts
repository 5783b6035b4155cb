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
 * then one level per step left-joining the users of the level before to that step's events by
 * user, the earliest at or after the previous match and by the entry's deadline (a min, so no
 * sort of all step events), grouped by user. Each level is a subquery the next one reads once,
 * so nothing is materialized and the last level holds one row per entering user with every
 * step's time (null from the first step they missed): step i's users are the non-null `at{i}`,
 * its median the median of `at{i} - at{i-1}` (nulls skipped). Plain joins and groups by user (no
 * lateral LIMIT, which Citus cannot run), so the matching stays per user. The covering (event,
 * time) index (Migration20261208100000) answers each step's scan — name and time range, user,
 * filter columns — without reading the table.
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
  /** What level i carries on: the entry, every step's time, the numbers of repeated names' matches. */
  const carried = (i: number) =>
    steps.slice(0, i + 1).flatMap((_, j) => [`p.at${j}`, ...(repeated(j) ? [`p.seq${j}`] : [])]);
  let level = `(
  select e.user_id_hash, ${match(0)}
  from ${source(0)}${repeated(0) ? ' where e.event_name = :step0' : ''}
  group by e.user_id_hash
) p`;
  for (let i = 1; i < steps.length; i++) {
    const earlier = steps.slice(0, i).lastIndexOf(steps[i]!);
    const sameName = repeated(i) ? ` and e.event_name = :step${i}` : '';
    const notTaken = earlier >= 0 ? ` and e.seq > p.seq${earlier}` : '';
    // p has one row per user, so min() of a carried column is that row's value (see settingsFor)
    const kept = carried(i - 1).map((column) => `min(${column}) as ${column.slice(2)}`);
    level = `(
select p.user_id_hash, ${kept.join(', ')}, ${match(i)}
from ${level}
left join ${source(i)} on e.user_id_hash = p.user_id_hash${sameName}
  and e.at >= p.at${i - 1} and e.at <= p.at0 + :windowDays::int * interval '24 hours'${notTaken}
group by p.user_id_hash
) p`;
  }
  /** Per step: its users (the non-null times) and, from step 1, the median time from the step before. */
  const totals = steps.map((_, i) =>
    i === 0
      ? 'count(*)::int as users0'
      : `count(p.at${i})::int as users${i},
  percentile_cont(0.5) within group (order by extract(epoch from p.at${i} - p.at${i - 1})::float8) as median${i}`,
  );
  const rows = steps.map(
    (_, i) => `(${i}, f.users${i}, ${i === 0 ? 'null::float8' : `f.median${i}`})`,
  );
  const names = [...new Set(steps.filter((_, i) => repeated(i)))];
  const numbered =
    names.length === 0
      ? ''
      : `with repeated_events as (
  select user_id_hash, event_name, "timestamp" as at,
    row_number() over (partition by user_id_hash, event_name order by "timestamp", id) as seq
  from telemetry_events
  where event_name in (${names.map((name) => `:step${steps.indexOf(name)}`).join(', ')})
    and "timestamp" >= :windowStart::timestamptz and "timestamp" < :windowEnd::timestamptz
    and ${filterSql()}
)
`;
  return `${numbered}select s.step, s.users, s.median_seconds
from (select ${totals.join(',\n  ')}
from ${level}) f
cross join lateral (values ${rows.join(', ')}) as s(step, users, median_seconds)
order by s.step`;
};

export interface FunnelRow {
  step: number;
  users: number;
  /** Null for step 0 and for a step nobody reached. */
  median_seconds: number | null;
}

/**
 * Hash joins only, each hashing the level before (the users still in the funnel) and streaming
 * the step's window events past it. The planner cannot see a level's size: grouped by the user
 * alone it takes the default (200 groups), so it builds its hash on the level — the right side,
 * tens of thousands of users against hundreds of thousands of events at 10M. Grouped by the user
 * and the carried times it guessed ten times more and hashed the 416k events instead (5.7 s
 * instead of 3.9 s, loaded), and with nested loops allowed it probed the (user, time) index per
 * user and filtered the name from the table (6 s for one step). Measured 2026-12-07 at 10M:
 * see README's speed table.
 *
 * Without a repeated name, no sort either: the planner would sort the step's window events
 * for a merge join (180k–420k rows at 10M). A repeated name's numbering needs its sort, and with
 * sorting off the planner's way round costs more than the sort (2.6 s of CPU instead of 1.8 s).
 */
const HASH_ONLY = { ...KPI_SETTINGS, enable_nestloop: 'off', enable_mergejoin: 'off' } as const;
const settingsFor = (steps: readonly EventName[]) =>
  new Set(steps).size === steps.length ? { ...HASH_ONLY, enable_sort: 'off' } : HASH_ONLY;

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
