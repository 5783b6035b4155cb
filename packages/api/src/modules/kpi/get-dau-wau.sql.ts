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
 * previous active day q did not cover, [max(p, q+7), p+7) — so WAU(d) = (intervals started by
 * d) − (intervals ended by d), and every interval ends 7 days after its active day:
 * WAU(d) = Σ starts(x ≤ d) − Σ DAU(x ≤ d−7), likewise MAU with 30. One sorted pass over the
 * rollup rows of [windowStart−29, windowEnd), then one small group by (day, WAU start, MAU
 * start) spread over the three counts; no per-day recount.
 * A user's other rows of the same day (other phase or channel) follow it in that order, with
 * previous_day = day, and are dropped instead of being grouped first.
 * Users are partitioned under the "C" collation: a partition only needs byte equality, and
 * skipping locale-aware comparison makes the sort markedly cheaper.
 */
const sql = `
with active_days as (
  select day, previous_day
  from (
    select day, lag(day) over (partition by user_id_hash collate "C" order by day) as previous_day
    from kpi_user_days
    where activity_events > 0 and day >= :lookbackDay::date and day < :endDay::date
      and ${filterSql()}
  ) as active_rows
  where previous_day is distinct from day
),
marks as (
  select day as active_day, greatest(day, previous_day + 7) as wau_start,
    greatest(day, previous_day + 30) as mau_start, count(*) as users
  from active_days
  group by 1, 2, 3
),
per_day as (
  select m.day,
    sum(users) filter (where m.kind = 'dau') as dau,
    sum(users) filter (where m.kind = 'wau') as wau_starts,
    sum(users) filter (where m.kind = 'mau') as mau_starts
  from marks
  cross join lateral (values ('dau', active_day), ('wau', wau_start), ('mau', mau_start))
    as m(kind, day)
  group by m.day
),
series as (
  select d.day::date as day, coalesce(p.dau, 0) as dau,
    sum(coalesce(p.wau_starts, 0)) over running - coalesce(sum(coalesce(p.dau, 0))
      over (order by d.day rows between unbounded preceding and 7 preceding), 0) as wau,
    sum(coalesce(p.mau_starts, 0)) over running - coalesce(sum(coalesce(p.dau, 0))
      over (order by d.day rows between unbounded preceding and 30 preceding), 0) as mau
  from generate_series(:lookbackDay::date, :endDay::date - 1, interval '1 day') as d(day)
  left join per_day p on p.day = d.day::date
  window running as (order by d.day)
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
