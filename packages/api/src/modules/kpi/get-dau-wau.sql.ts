import type { EntityManager } from '@mikro-orm/postgresql';
import { filterSql, type KpiFilter, runKpiQuery } from './query.js';
import { type KpiWindow, shiftDay } from './window.js';

/*
 * SPEC §4.1 — DAU/WAU. "A user is active on day d if they have an event of the activity set
 * on d. DAU(d) = users active on d. WAU(d) = users active on any of d−6…d. MAU(d) = users
 * active on any of d−29…d."
 *
 * An active day p makes its user count in WAU for days [p, p+7) and in MAU for [p, p+30).
 * Each user's coverage is cut into disjoint intervals — an active day only adds the part its
 * previous active day q did not cover, [max(p, q+7), p+7) — so WAU(d) is a running sum of +1/−1
 * marks: one sorted pass over the rollup rows of [windowStart−29, windowEnd), no per-day
 * recount. Marks at or after windowEnd are dropped; earlier days only feed the running sums.
 */
const sql = `
with active_days as (
  select user_id_hash, day, lag(day) over (partition by user_id_hash order by day) as previous_day
  from kpi_user_days
  where activity_events > 0 and day >= :lookbackDay::date and day < :endDay::date
    and ${filterSql()}
  group by user_id_hash, day
),
marks as (
  select m.day, sum(m.dau) as dau, sum(m.wau) as wau, sum(m.mau) as mau
  from active_days a
  cross join lateral (values
    (a.day, 1, 0, 0),
    (greatest(a.day, a.previous_day + 7), 0, 1, 0),
    (a.day + 7, 0, -1, 0),
    (greatest(a.day, a.previous_day + 30), 0, 0, 1),
    (a.day + 30, 0, 0, -1)
  ) as m(day, dau, wau, mau)
  where m.day < :endDay::date
  group by m.day
),
series as (
  select d.day, coalesce(m.dau, 0) as dau,
    sum(coalesce(m.wau, 0)) over (order by d.day) as wau,
    sum(coalesce(m.mau, 0)) over (order by d.day) as mau
  from (
    select g::date as day
    from generate_series(:lookbackDay::date, :endDay::date - 1, interval '1 day') as g
  ) as d
  left join marks m on m.day = d.day
)
select to_char(day, 'YYYY-MM-DD') as day, dau::int as dau, wau::int as wau, mau::int as mau
from series
where day >= :startDay::date
order by day`;

export interface DauWauRow {
  day: string;
  dau: number;
  wau: number;
  mau: number;
}

/** One row per day of the window, ascending (the series is complete by construction). */
export const getDauWau = (em: EntityManager, window: KpiWindow, filter: KpiFilter) =>
  runKpiQuery<DauWauRow>(em, sql, {
    lookbackDay: shiftDay(window.startDay, -29),
    startDay: window.startDay,
    endDay: window.endDay,
    ...filter,
  });
