import type { EntityManager } from '@mikro-orm/postgresql';
import { filterSql, type KpiFilter, runKpiQuery } from './query.js';
import { type KpiWindow, shiftDay } from './window.js';

/*
 * SPEC §4.3 — Resurrection (`inactiveDays` k). "A user is *resurrected on day d* if they are
 * active on d, have an earlier active day, and their latest earlier active day p satisfies
 * d − p − 1 ≥ k (at least k whole idle days in between). `resurrectedUsers` = users
 * resurrected on some day of the window; `activeUsers` = users active on some day of the
 * window; `rate` = resurrectedUsers / activeUsers (null if 0); `viaContextUsers` = resurrected
 * users with a `session_resumed_from_context` event (any session) on a day of the window on
 * which they were resurrected. `session_resumed_from_context` is not itself activity. Series
 * per day: users resurrected that day, and DAU."
 *
 * Only [windowStart−k, windowEnd) is read in one sorted pass: within it `lag` gives p exactly
 * whenever p ≥ windowStart−k. When it finds none, any earlier active day lies before
 * windowStart−k, so d − p − 1 ≥ k holds and all that matters is whether one exists — an
 * index probe on (user_id_hash, day) that stops at the first row, made only for such users.
 * Users are partitioned under the "C" collation: a partition only needs byte equality, and
 * skipping locale-aware comparison makes the sort markedly cheaper.
 */
const sql = `
with active_days as (
  select user_id_hash, day,
    bool_or(resumed_from_context_events > 0) as resumed_from_context,
    lag(day) over (partition by user_id_hash collate "C" order by day) as previous_day
  from kpi_user_days
  where day >= :lookbackDay::date and day < :endDay::date and ${filterSql()}
  group by day, user_id_hash
  having bool_or(activity_events > 0)
),
window_days as materialized (
  select * from active_days where day >= :startDay::date
),
resurrected as materialized (
  select user_id_hash, day, resumed_from_context
  from window_days
  where previous_day is not null and day - previous_day - 1 >= :inactiveDays
  union all
  select user_id_hash, day, resumed_from_context
  from window_days w
  where w.previous_day is null and exists (
    select 1 from kpi_user_days h
    where h.user_id_hash = w.user_id_hash and h.day < :lookbackDay::date
      and h.activity_events > 0 and ${filterSql('h.')})
),
per_day as (
  select day, sum(active_users) as active_users, sum(resurrected_users) as resurrected_users
  from (
    select day, count(*) as active_users, 0 as resurrected_users from window_days group by day
    union all
    select day, 0, count(*) from resurrected group by day
  ) as counts
  group by day
)
select
  (select count(*) from (select distinct user_id_hash from window_days) as u)::int
    as active_users,
  (select count(*) from (select distinct user_id_hash from resurrected) as u)::int
    as resurrected_users,
  (select count(*) from (
    select distinct user_id_hash from resurrected where resumed_from_context) as u)::int
    as via_context_users,
  (select coalesce(json_agg(json_build_object(
      'day', to_char(day, 'YYYY-MM-DD'),
      'activeUsers', active_users,
      'resurrectedUsers', resurrected_users) order by day), '[]'::json)
   from per_day) as series`;

export interface ResurrectionRow {
  active_users: number;
  resurrected_users: number;
  via_context_users: number;
  /** Days with at least one active user only; the service zero-fills the rest. */
  series: { day: string; activeUsers: number; resurrectedUsers: number }[];
}

export const getResurrection = async (
  em: EntityManager,
  window: KpiWindow,
  inactiveDays: number,
  filter: KpiFilter,
) =>
  (
    await runKpiQuery<ResurrectionRow>(em, sql, {
      lookbackDay: shiftDay(window.startDay, -inactiveDays),
      startDay: window.startDay,
      endDay: window.endDay,
      inactiveDays,
      ...filter,
    })
  )[0] as ResurrectionRow;
