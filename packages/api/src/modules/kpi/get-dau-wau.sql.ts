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
 * Reads at most 30 + days histogram days, whatever the number of users, plus the pending tail's
 * delta to the histogram.
 */
const sql = `
with ${pendingTailSql(['active'], ':lookbackDay')},
links as (
  select day, prev_day, subjects from kpi_day_links
  where kind = 'active' and ${scopeSql()}
    and day >= :lookbackDay::date and day < :endDay::date
  union all
  select day, prev_day, subjects from pending_links where day >= :lookbackDay::date
)
select to_char(x.day, 'YYYY-MM-DD') as day,
  coalesce(sum(l.subjects) filter (where l.day = x.day), 0)::int as dau,
  coalesce(sum(l.subjects) filter (where l.day > x.day - 7 and l.prev_day <= x.day - 7), 0)::int
    as wau,
  coalesce(sum(l.subjects) filter (where l.prev_day <= x.day - 30), 0)::int as mau
from generate_series(:startDay::date, :endDay::date - 1, interval '1 day') as g
cross join lateral (select g::date as day) as x
left join links l on l.day <= x.day and l.day > x.day - 30
group by x.day
order by x.day`;

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
