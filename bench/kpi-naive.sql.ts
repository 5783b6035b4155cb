import {
  ACTIVITY_EVENTS,
  DEPENDENCY_SIGNAL_EVENTS,
  RESURRECTION_SIGNAL_EVENTS,
  SUBSCRIPTION_CANCEL,
  SUBSCRIPTION_START,
} from '@cortex-telemetry/events';

/**
 * The baseline of the KPI benchmark: docs/kpis.md as direct SQL over the raw `telemetry_events`
 * table, no rollups, one statement per KPI, each returning the GraphQL result shape as JSON
 * (without `window`). Straightforward rather than tuned: this is what you would write first.
 */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface NaiveParams {
  windowStart: Date;
  windowEnd: Date;
  /** Wire values, or null for no filter. */
  phase: string | null;
  channel: string | null;
  inactiveDays: number;
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const ACTIVITY = list(ACTIVITY_EVENTS);
const DEPENDENCY = list(DEPENDENCY_SIGNAL_EVENTS);
const RESUMED = list(RESURRECTION_SIGNAL_EVENTS);

const DAY = `("timestamp" at time zone 'UTC')::date`;
/** $1 windowStart, $2 windowEnd, $3 phase, $4 channel in every statement. */
const FILTERS = `($3::text is null or phase = $3::text) and ($4::text is null or channel = $4::text)`;
const IN_WINDOW = `"timestamp" >= $1::timestamptz and "timestamp" < $2::timestamptz`;
const WINDOW_DAYS = `select generate_series(($1::timestamptz at time zone 'UTC')::date,
  ($2::timestamptz at time zone 'UTC')::date - 1, interval '1 day')::date as day`;

/** $5: windowStart − 29 days, the look-back MAU needs. */
const dauWauSql = `
with active as (
  select distinct user_id_hash, ${DAY} as day from telemetry_events
  where event_name in (${ACTIVITY}) and "timestamp" >= $5::timestamptz
    and "timestamp" < $2::timestamptz and ${FILTERS}
),
days as (${WINDOW_DAYS}),
-- each active day counts for itself and the 29 days after it; nearest says how long ago
coverage as (
  select a.user_id_hash, a.day + o as day, min(o) as nearest
  from active a cross join generate_series(0, 29) o
  where a.day + o >= ($1::timestamptz at time zone 'UTC')::date
    and a.day + o < ($2::timestamptz at time zone 'UTC')::date
  group by 1, 2
),
per_day as (
  select day, count(*) filter (where nearest = 0)::int as dau,
    count(*) filter (where nearest < 7)::int as wau, count(*)::int as mau
  from coverage group by day
),
series as (
  select d.day, coalesce(p.dau, 0) as dau, coalesce(p.wau, 0) as wau, coalesce(p.mau, 0) as mau
  from days d left join per_day p using (day)
)
select json_build_object(
  'dau', (select dau from series order by day desc limit 1),
  'avgDau', (select avg(dau)::float8 from series),
  'wau', (select wau from series order by day desc limit 1),
  'mau', (select mau from series order by day desc limit 1),
  'stickiness', (select avg(dau::float8 / wau) filter (where wau > 0) from series),
  'series', (select json_agg(json_build_object('day', day::text, 'dau', dau, 'wau', wau,
    'mau', mau) order by day) from series)) as result`;

// sessions are (user, session id); user ids cannot contain '|', so the key is unambiguous
const cdrSql = `
with s as (
  select user_id_hash || '|' || session_id as session, ${DAY} as day,
    event_name in (${DEPENDENCY}) as dependent
  from telemetry_events
  where session_id <> '' and ${IN_WINDOW} and ${FILTERS}
),
days as (${WINDOW_DAYS}),
series as (
  select d.day, count(distinct s.session)::int as sessions,
    count(distinct s.session) filter (where s.dependent)::int as dependent_sessions
  from days d left join s on s.day = d.day group by d.day
),
total as (
  select count(distinct session)::int as sessions,
    count(distinct session) filter (where dependent)::int as dependent_sessions from s
)
select json_build_object(
  'rate', (select dependent_sessions::float8 / nullif(sessions, 0) from total),
  'sessions', (select sessions from total),
  'dependentSessions', (select dependent_sessions from total),
  'series', (select json_agg(json_build_object('day', day::text,
    'rate', dependent_sessions::float8 / nullif(sessions, 0), 'sessions', sessions,
    'dependentSessions', dependent_sessions) order by day) from series)) as result`;

/** $5: inactiveDays. */
const resurrectionSql = `
with active as (
  select distinct user_id_hash, ${DAY} as day from telemetry_events
  where event_name in (${ACTIVITY}) and "timestamp" < $2::timestamptz and ${FILTERS}
),
gaps as (
  select user_id_hash, day,
    day - lag(day) over (partition by user_id_hash order by day) - 1 as idle_days
  from active
),
in_window as (select * from gaps where day >= ($1::timestamptz at time zone 'UTC')::date),
resurrected as (select user_id_hash, day from in_window where idle_days >= $5::int),
resumed as (
  select distinct user_id_hash, ${DAY} as day from telemetry_events
  where event_name in (${RESUMED}) and ${IN_WINDOW} and ${FILTERS}
),
days as (${WINDOW_DAYS}),
per_day as (
  select day, count(*) filter (where idle_days >= $5::int)::int as resurrected_users,
    count(*)::int as active_users
  from in_window group by day
),
series as (
  select d.day, coalesce(p.resurrected_users, 0) as resurrected_users,
    coalesce(p.active_users, 0) as active_users
  from days d left join per_day p using (day)
),
total as (
  select (select count(distinct user_id_hash) from resurrected)::int as resurrected_users,
    (select count(distinct user_id_hash) from in_window)::int as active_users,
    (select count(distinct user_id_hash) from resurrected join resumed using (user_id_hash, day))::int
      as via_context_users
)
select json_build_object(
  'inactiveDays', $5::int,
  'rate', (select resurrected_users::float8 / nullif(active_users, 0) from total),
  'resurrectedUsers', (select resurrected_users from total),
  'activeUsers', (select active_users from total),
  'viaContextUsers', (select via_context_users from total),
  'series', (select json_agg(json_build_object('day', day::text,
    'resurrectedUsers', resurrected_users, 'activeUsers', active_users) order by day)
    from series)) as result`;

// "paid at t": the latest monetization event strictly before t is a start, a cancel winning ties
const latestBefore = (instant: string) => `
  select distinct on (user_id_hash) user_id_hash, event_name from monetization
  where "timestamp" < ${instant}
  order by user_id_hash, "timestamp" desc, (event_name = '${SUBSCRIPTION_CANCEL}') desc`;

const paidConversionSql = `
with monetization as (
  select user_id_hash, "timestamp", event_name from telemetry_events
  where event_name in ('${SUBSCRIPTION_START}', '${SUBSCRIPTION_CANCEL}') and ${FILTERS}
),
paid_at_start as (
  select user_id_hash from (${latestBefore('$1::timestamptz')}) l
  where event_name = '${SUBSCRIPTION_START}'
),
paid_at_end as (
  select user_id_hash from (${latestBefore('$2::timestamptz')}) l
  where event_name = '${SUBSCRIPTION_START}'
),
starts as (
  select user_id_hash, min(${DAY}) as first_day from monetization
  where event_name = '${SUBSCRIPTION_START}' and ${IN_WINDOW} group by user_id_hash
),
active as (
  select distinct user_id_hash from telemetry_events
  where event_name in (${ACTIVITY}) and ${IN_WINDOW} and ${FILTERS}
),
eligible as (
  (select user_id_hash from active union select user_id_hash from starts)
  except select user_id_hash from paid_at_start
),
conversions as (select s.* from starts s join eligible e using (user_id_hash)),
cancels as (
  select distinct user_id_hash, ${DAY} as day from monetization
  where event_name = '${SUBSCRIPTION_CANCEL}' and ${IN_WINDOW}
),
days as (${WINDOW_DAYS}),
series as (
  select d.day, coalesce(c.conversions, 0) as conversions,
    coalesce(x.cancellations, 0) as cancellations
  from days d
  left join (select first_day as day, count(*)::int as conversions from conversions
    group by 1) c using (day)
  left join (select day, count(*)::int as cancellations from cancels group by 1) x using (day)
),
total as (
  select (select count(*) from conversions)::int as conversions,
    (select count(*) from eligible)::int as eligible_users,
    (select count(distinct user_id_hash) from cancels)::int as cancellations,
    (select count(*) from paid_at_end)::int as paid_users_at_end
)
select json_build_object(
  'rate', (select conversions::float8 / nullif(eligible_users, 0) from total),
  'conversions', (select conversions from total),
  'eligibleUsers', (select eligible_users from total),
  'cancellations', (select cancellations from total),
  'paidUsersAtEnd', (select paid_users_at_end from total),
  'series', (select json_agg(json_build_object('day', day::text, 'conversions', conversions,
    'cancellations', cancellations) order by day) from series)) as result`;

export type NaiveKpi = 'cdr' | 'resurrection' | 'dauWau' | 'paidConversion';

const DAY_MS = 86_400_000;

/** Runs one KPI's naive statement; the answer has the GraphQL shape minus `window`. */
export async function naiveKpi(db: Queryable, kpi: NaiveKpi, p: NaiveParams): Promise<any> {
  const common = [p.windowStart.toISOString(), p.windowEnd.toISOString(), p.phase, p.channel];
  const run = async (sql: string, extra: unknown[]) =>
    (await db.query(sql, [...common, ...extra])).rows[0].result;
  switch (kpi) {
    case 'dauWau':
      return run(dauWauSql, [new Date(p.windowStart.getTime() - 29 * DAY_MS).toISOString()]);
    case 'cdr':
      return run(cdrSql, []);
    case 'resurrection':
      return run(resurrectionSql, [p.inactiveDays]);
    case 'paidConversion':
      return run(paidConversionSql, []);
  }
}

/** The window of docs/kpis.md: from 00:00 UTC of the day after asOf's day, back `days` days. */
export function naiveWindow(asOf: Date, days: number): { windowStart: Date; windowEnd: Date } {
  const end = (Math.floor(asOf.getTime() / DAY_MS) + 1) * DAY_MS;
  return { windowStart: new Date(end - days * DAY_MS), windowEnd: new Date(end) };
}
