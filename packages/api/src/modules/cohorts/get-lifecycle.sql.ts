import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { foldCommitSharedLockSql, pendingTailSql } from '../kpi/day-sets.sql.js';
import { KPI_SETTINGS, type KpiFilter } from '../kpi/query.js';
import { scopeSql } from '../kpi/scope.js';
import { shiftDay } from '../shared/window.js';

/*
 * docs/kpis.md#6-lifecycle--who-is-new-who-returns-who-comes-back-who-slips-away — Lifecycle.
 * "One row per period that starts within the window: `new` (first-ever activity in scope is in
 * this period), `returning` (active now and in the period before, not new), `resurrecting`
 * (active now, not in the period before, active at some earlier time), `dormant` (active in the
 * period before, not now; a positive count). `active` = new + returning + resurrecting."
 *
 * All four are sums over the active-day histogram h(day, previous active day) (day-sets.sql.ts),
 * like WAU: a user active in period P = [s, s + n) counts through exactly one row, their first
 * active day d in P, whose previous active day p is their latest activity before P. So
 * new = Σ h(d ∈ P, p = −∞), returning = Σ h(d ∈ P, s − n ≤ p < s), resurrecting =
 * Σ h(d ∈ P, −∞ < p < s − n), and, as nobody active in the period before is new now,
 * dormant = active(period before) − returning, with active(Q) = Σ h(d ∈ Q, p < start of Q).
 * Reads the histogram of the window plus one period, and the pending tail's delta to it (with
 * no `from`: a pending day before the window can turn a first-ever day into a comeback).
 */
const sql = `
with ${pendingTailSql(['active'])},
links as (
  select day, prev_day, subjects from kpi_day_links
  where kind = 'active' and ${scopeSql()}
    and day >= :lookbackDay::date and day < :endDay::date
  union all
  select day, prev_day, subjects from pending_links
  where kind = 'active' and day >= :lookbackDay::date
),
-- each link row counts for the period its day is in (shift 0: "now") and for the one after it
-- (shift 1: "the period before"), numbered from the first period (−1 for the lookback one), so
-- the rows are grouped by period number instead of joined with every period
counted as (
  select i + shift as i,
    sum(subjects) filter (where shift = 0 and prev_day = '-infinity'::date) as new_users,
    sum(subjects) filter (where shift = 0
      and prev_day >= start - :periodDays::int and prev_day < start) as returning_users,
    sum(subjects) filter (where shift = 0 and prev_day > '-infinity'::date
      and prev_day < start - :periodDays::int) as resurrecting_users,
    sum(subjects) filter (where shift = 1
      and prev_day < start - :periodDays::int) as previous_active_users
  from (
    select l.prev_day, l.subjects, l.i, s.shift,
      :firstPeriod::date + (l.i + s.shift) * :periodDays::int as start
    from (
      -- (day − first + n) / n − 1: a whole division of a number ≥ 0, so −1 for the lookback
      select prev_day, subjects,
        (day - :firstPeriod::date + :periodDays::int) / :periodDays::int - 1 as i
      from links
    ) as l
    cross join (values (0), (1)) as s(shift)
  ) as shifted
  group by 1
),
periods as (
  select g::date as start,
    (g::date - :firstPeriod::date) / :periodDays::int as i
  from generate_series(:firstPeriod::timestamp, :lastPeriod::timestamp, make_interval(days => :periodDays::int)) as g
)
select to_char(p.start, 'YYYY-MM-DD') as start,
  coalesce(c.new_users, 0)::int as new_users,
  coalesce(c.returning_users, 0)::int as returning_users,
  coalesce(c.resurrecting_users, 0)::int as resurrecting_users,
  coalesce(c.previous_active_users, 0)::int as previous_active_users
from periods p
left join counted c on c.i = p.i
order by p.start`;

export interface LifecycleRow {
  start: string;
  new_users: number;
  returning_users: number;
  resurrecting_users: number;
  /** Users active in the period before this one. */
  previous_active_users: number;
}

/** One row per period start in `starts` (ascending, `periodDays` apart), oldest first. */
export const getLifecycle = (
  em: EntityManager,
  starts: { first: string; last: string; periodDays: number; endDay: string },
  filter: KpiFilter,
) =>
  runSql<LifecycleRow>(
    em,
    sql,
    {
      firstPeriod: starts.first,
      lastPeriod: starts.last,
      lookbackDay: shiftDay(starts.first, -starts.periodDays),
      periodDays: starts.periodDays,
      endDay: starts.endDay,
      ...filter,
    },
    { name: 'getLifecycle', read: true, settings: KPI_SETTINGS, prelude: foldCommitSharedLockSql },
  );
