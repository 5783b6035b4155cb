import { ACTIVITY_EVENTS } from '@cortex-telemetry/events';
import type { NaiveParams, Queryable } from './kpi-naive.sql.js';

/**
 * The baseline for retention, lifecycle and funnels: docs/kpis.md sections 5–7 as direct SQL over
 * the raw `telemetry_events` table, no day sets, one statement each, returning the GraphQL result
 * shape as JSON (only the fields the benchmark asks for). Straightforward rather than tuned, like
 * `kpi-naive.sql.ts`. The benchmark times it beside the engine, and the cohort property test
 * (packages/api/test/cohorts-property.test.ts) checks it against the engine and the reference,
 * pending days included: this file is the one definition of the baseline for both.
 */
const ACTIVITY = ACTIVITY_EVENTS.map((v) => `'${v}'`).join(', ');
const DAY = `("timestamp" at time zone 'UTC')::date`;
/** $1 windowStart, $2 windowEnd, $3 phase, $4 channel in every statement. */
const FILTERS = `($3::text is null or phase = $3::text) and ($4::text is null or channel = $4::text)`;
const START_DAY = `($1::timestamptz at time zone 'UTC')::date`;
const END_DAY = `($2::timestamptz at time zone 'UTC')::date`;

export type CohortPeriod = 'DAY' | 'WEEK';
export type CohortType = 'FIRST_TIME' | 'RECURRING';

/** The period a UTC day falls in: itself, or its ISO week's Monday. */
const periodOf = (period: CohortPeriod, day: string) =>
  period === 'DAY' ? day : `date_trunc('week', ${day})::date`;
const step = (period: CohortPeriod) => (period === 'DAY' ? 1 : 7);

/**
 * Every user's periods with an event of the parameter `name` (a wire event name), or of any
 * activity without one, over all history before the window's end, in the filter scope.
 */
const eventPeriods = (period: CohortPeriod, name?: string) => `
  select distinct user_id_hash, ${periodOf(period, DAY)} as period from telemetry_events
  where ${name ? `event_name = ${name}::text` : `event_name in (${ACTIVITY})`}
    and "timestamp" < $2::timestamptz and ${FILTERS}`;
const activePeriods = (period: CohortPeriod) => eventPeriods(period);

/** The periods whose first day lies in the window: days, or Mondays. */
const windowPeriods = (period: CohortPeriod) => `
  select d::date as period from generate_series(${START_DAY}, ${END_DAY} - 1, interval '1 day') d
  where ${period === 'DAY' ? 'true' : 'extract(isodow from d) = 1'}`;

/**
 * $5: intervals, then the start and return events given (wire names; none: any activity). A
 * user is a member of the cohort of their first start (FIRST_TIME) or of every period they
 * started in (RECURRING); values[0] is the cohort's size, values[k] its members back in
 * period + k.
 */
const retentionSql = (
  period: CohortPeriod,
  type: CohortType,
  startParam: string | undefined,
  returnParam: string | undefined,
) => `
with starts as (${eventPeriods(period, startParam)}),
returns as (${
  startParam || returnParam ? eventPeriods(period, returnParam) : 'select * from starts'
}),
members as (${
  type === 'FIRST_TIME'
    ? 'select user_id_hash, min(period) as cohort from starts group by 1'
    : 'select user_id_hash, period as cohort from starts'
}),
cohorts as (${windowPeriods(period)}),
-- the period containing asOf: later periods are left out of every row
last_period as (select ${periodOf(period, `${END_DAY} - 1`)} as period),
-- each member once at k = 0, and once for every later period they came back in
counts as (
  select cohort, 0 as k, count(*) as value from members group by 1
  union all
  select m.cohort, (r.period - m.cohort) / ${step(period)}, count(*)
  from members m join returns r using (user_id_hash)
  where r.period > m.cohort group by 1, 2
),
cells as (
  select c.period as cohort, g.k, coalesce(n.value, 0)::int as value
  from cohorts c cross join generate_series(0, $5::int) as g(k)
  left join counts n on n.cohort = c.period and n.k = g.k
  where c.period + g.k * ${step(period)} <= (select period from last_period)
),
rows as (
  select cohort, json_agg(value order by k) as "values", max(k) as last_k,
    min(value) filter (where k = 0) as size
  from cells group by cohort
),
average as (
  select k, sum(value)::float8 / nullif(sum(size), 0) as value
  from cells join rows using (cohort) group by k
)
select json_build_object(
  'cohorts', (select coalesce(json_agg(json_build_object('start', cohort::text, 'size', size,
    'values', "values", 'incomplete', cohort + last_k * ${step(period)} =
      (select period from last_period)) order by cohort), '[]') from rows),
  'average', json_build_object('values',
    (select coalesce(json_agg(value order by k), '[]') from average))) as result`;

const lifecycleSql = (period: CohortPeriod) => `
with active as (${activePeriods(period)}),
first_period as (select user_id_hash, min(period) as first from active group by 1),
periods as (${windowPeriods(period)}),
-- who is active in each listed period, and who was in the period before it
cur as (select user_id_hash, period from active join periods using (period)),
prev as (
  select user_id_hash, a.period + ${step(period)} as period from active a
  join periods p on p.period = a.period + ${step(period)}
),
users as (
  select period, user_id_hash, c.user_id_hash is not null as now,
    v.user_id_hash is not null as before
  from cur c full join prev v using (user_id_hash, period)
),
rows as (
  select p.period,
    count(*) filter (where u.now and f.first = p.period)::int as "new",
    count(*) filter (where u.now and u.before)::int as "returning",
    count(*) filter (where u.now and not u.before and f.first < p.period)::int as resurrecting,
    count(*) filter (where u.before and not u.now)::int as dormant,
    count(*) filter (where u.now)::int as "active"
  from periods p left join users u using (period)
  left join first_period f using (user_id_hash)
  group by p.period
)
select coalesce(json_agg(json_build_object('start', period::text, 'new', "new",
  'returning', "returning", 'resurrecting', resurrecting, 'dormant', dormant, 'active', "active")
  order by period), '[]') as result from rows`;

/**
 * $5: the steps (text[]), $6: windowDays. One CTE per step, each the greedy match: the earliest
 * event of the step at or after the previous match, by entry + windowDays × 24 h, in the window,
 * not an event an earlier step already matched (so a repeated step needs a second event).
 */
const funnelSql = (steps: number) => {
  const matches = [
    `m0 as (
  select distinct on (user_id_hash) user_id_hash, "timestamp" as at, "timestamp" as entry,
    array[id] as used, null::float8 as seconds
  from telemetry_events
  where event_name = ($5::text[])[1] and "timestamp" >= $1::timestamptz
    and "timestamp" < $2::timestamptz and ${FILTERS}
  order by user_id_hash, "timestamp", id)`,
  ];
  for (let i = 1; i < steps; i++) {
    matches.push(`m${i} as (
  select distinct on (p.user_id_hash) p.user_id_hash, e."timestamp" as at, p.entry,
    p.used || e.id as used, extract(epoch from e."timestamp" - p.at)::float8 as seconds
  from m${i - 1} p join telemetry_events e using (user_id_hash)
  where e.event_name = ($5::text[])[${i + 1}] and e."timestamp" >= p.at
    and e."timestamp" <= p.entry + $6::int * interval '24 hours' and e."timestamp" < $2::timestamptz
    and not e.id = any(p.used) and (($3::text is null or e.phase = $3::text)
    and ($4::text is null or e.channel = $4::text))
  order by p.user_id_hash, e."timestamp", e.id)`);
  }
  const counts = Array.from(
    { length: steps },
    (_, i) => `select ${i} as i, count(*)::int as users,
    percentile_cont(0.5) within group (order by seconds) as median from m${i}`,
  ).join('\n  union all ');
  return `
with ${matches.join(',\n')},
counts as (${counts})
select json_agg(json_build_object('eventName', upper(($5::text[])[c.i + 1]), 'users', c.users,
  'conversionFromStart', c.users::float8 / nullif(s.users, 0),
  'conversionFromPrevious', c.users::float8 / nullif(p.users, 0),
  'medianSecondsFromPrevious', case when c.i = 0 then null else c.median end) order by c.i)
  as result
from counts c cross join (select users from counts where i = 0) s
left join counts p on p.i = c.i - 1`;
};

export type NaiveCohort =
  | {
      kind: 'retention';
      period: CohortPeriod;
      intervals: number;
      /** Default FIRST_TIME, any activity as start and return (wire event names). */
      type?: CohortType;
      startEvent?: string | null;
      returnEvent?: string | null;
    }
  | { kind: 'lifecycle'; period: CohortPeriod }
  | { kind: 'funnel'; steps: string[]; windowDays: number };

/** Runs one naive statement; the answer has the GraphQL shape of the fields the bench asks. */
export async function naiveCohort(db: Queryable, q: NaiveCohort, p: NaiveParams): Promise<any> {
  const common = [p.windowStart.toISOString(), p.windowEnd.toISOString(), p.phase, p.channel];
  const run = async (sql: string, extra: unknown[]) =>
    (await db.query(sql, [...common, ...extra])).rows[0].result;
  switch (q.kind) {
    case 'retention': {
      // only the events given become parameters: an unused one would have no type
      const events = [q.startEvent, q.returnEvent].filter((e): e is string => !!e);
      const param = (event: string | null | undefined) =>
        event ? `$${6 + events.indexOf(event)}` : undefined;
      return run(
        retentionSql(q.period, q.type ?? 'FIRST_TIME', param(q.startEvent), param(q.returnEvent)),
        [q.intervals, ...events],
      );
    }
    case 'lifecycle':
      return { periods: await run(lifecycleSql(q.period), []) };
    case 'funnel':
      return { steps: await run(funnelSql(q.steps.length), [q.steps, q.windowDays]) };
  }
}
