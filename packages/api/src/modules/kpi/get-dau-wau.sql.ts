import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { type KpiWindow, shiftDay } from '../shared/window.js';
import { foldCommitSharedLockSql, pendingTailSql } from './day-sets.sql.js';
import { KPI_SETTINGS, type KpiFilter } from './query.js';
import { scopeSql } from './scope.js';

/*
 * docs/kpis.md#1-dau--wau--mau--how-many-people-use-cortex — DAU/WAU. "A user is active on day d if they have an event of the activity set
 * on d. DAU(d) = users active on d. WAU(d) = users active on any of d−6…d. MAU(d) = users
 * active on any of d−29…d."
 *
 * From the active-day histogram h(day, previous active day): DAU(x) = Σ h(x, ·). A user is in
 * WAU(x) through exactly one row — their first active day in x−6…x, whose previous active day
 * is before x−6 — so WAU(x) = Σ h(d, p) over d ∈ [x−6, x], p ≤ x−7; MAU likewise with 30.
 * Turned around, a row (d, p) counts in WAU(x) for x from max(d, p + 7) to d + 6, one run of
 * days (p < d, so never empty): it adds its subjects on the first day of the run and takes them
 * back the day after, and WAU is the running sum of those marks over the days — MAU likewise
 * with 30. Reads at most 30 + days histogram days, whatever the number of users, plus the
 * pending tail's delta to the histogram, and turns each row into five marks (its DAU, and the
 * start and end of its WAU and MAU runs) instead of joining it with every day of the window it
 * falls in (that join was 3× slower at 10M events).
 */
const sql = `
with ${pendingTailSql(['active'], ':lookbackDay')},
links as (
  select day, prev_day, subjects from kpi_day_links
  where kind = 'active' and ${scopeSql()}
    and day >= :lookbackDay::date and day < :endDay::date
  union all
  select day, prev_day, subjects from pending_links where day >= :lookbackDay::date
),
marks as (
  select day, subjects as dau, 0 as wau, 0 as mau from links
  union all
  select greatest(day, prev_day + 7), 0, subjects, 0 from links
  union all
  select day + 7, 0, -subjects, 0 from links
  union all
  select greatest(day, prev_day + 30), 0, 0, subjects from links
  union all
  select day + 30, 0, 0, -subjects from links
),
running as (
  select x.day, coalesce(sum(m.dau), 0) as dau,
    sum(coalesce(sum(m.wau), 0)) over (order by x.day) as wau,
    sum(coalesce(sum(m.mau), 0)) over (order by x.day) as mau
  from generate_series(:lookbackDay::date, :endDay::date - 1, interval '1 day') as g
  cross join lateral (select g::date as day) as x
  left join marks m on m.day = x.day
  group by x.day
)
select to_char(day, 'YYYY-MM-DD') as day, dau::int, wau::int, mau::int
from running
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
  runSql<DauWauRow>(
    em,
    sql,
    {
      lookbackDay: shiftDay(window.startDay, -29),
      startDay: window.startDay,
      endDay: window.endDay,
      ...filter,
    },
    { name: 'getDauWau', read: true, settings: KPI_SETTINGS, prelude: foldCommitSharedLockSql },
  );
