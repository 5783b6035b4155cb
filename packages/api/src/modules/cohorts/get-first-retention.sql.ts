import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { pendingCohortCellsSql, periodStart, READ_PERIOD_UNIT } from '../kpi/cohort-cells.sql.js';
import { foldCommitSharedLockSql, pendingTailSql } from '../kpi/day-sets.sql.js';
import { KPI_SETTINGS, type KpiFilter } from '../kpi/query.js';
import { scopeSql } from '../kpi/scope.js';
import { shiftDay } from '../shared/window.js';
import type { RetentionRow } from './get-retention.sql.js';

/*
 * docs/kpis.md#5-retention--do-the-users-we-win-stay — Retention, FIRST_TIME, activity only (no
 * `startEvent`, no `returnEvent`): "a user's cohort is the period of their first-ever start (first
 * activity) over all history in scope; only cohorts inside the window are listed. `values[0]` =
 * size; `values[k]` = cohort users active in period start + k."
 *
 * A sum of cohort cells (cohort-cells.sql.ts): the cell (c, p) counts the users whose first active
 * day is in period c and who are active in period p, so a cohort's size is (c, c) and values[k]
 * is (c, c + k). Three parts:
 * - the folded cells of the scope and period length;
 * - the pending tail's change to them (pendingCohortCellsSql), counting days before :endDay only;
 * - `cut`: the folded cells count every day, the window none on or after :endDay. Only the
 *   window's last period can hold such days (an ISO week when asOf is not a Sunday), and a user
 *   drops out of it exactly when their first active day in it — the row whose previous day is
 *   before the period — is on or after :endDay; they then leave the cell (their cohort, last
 *   period), their cohort read from their first-ever row (previous day −∞). Empty for days, and
 *   for weeks unless data lies after asOf. A user with pending facts is counted right too: the
 *   tail replaces their folded pairs before :endDay by their pairs after the fold, and the cut
 *   took their folded pairs from all days to before :endDay.
 * Answers (cohort, k, users) with cohorts numbered from :firstPeriod, as getRetention does.
 */
const inRange = `cohort >= :firstPeriod::date and period < :endDay::date
    and period <= cohort + :intervals::int * :periodDays::int`;

const sql = `
with ${pendingTailSql(['active'])},
${pendingCohortCellsSql},
cut as (
  select ${periodStart(READ_PERIOD_UNIT, 'f.day')} as cohort, :lastPeriod::date as period
  from kpi_days d
  join kpi_days f on f.user_id_hash = d.user_id_hash and f.kind = 'active'
    and f.phase_key = d.phase_key and f.channel_key = d.channel_key and f.session_id = ''
    and f.prev_day = '-infinity'::date
  where d.kind = 'active' and ${scopeSql('d.')} and d.day >= :endDay::date
    and d.day < :lastPeriodEnd::date and d.prev_day < :lastPeriod::date
),
cells as (
  select cohort, period, users from kpi_cohort_cells
  where ${scopeSql()} and period_days = :periodDays::int and ${inRange}
  union all
  select cohort, period, delta from pending_cells where ${inRange}
  union all
  select cohort, period, -1 from cut where ${inRange}
)
select (cohort - :firstPeriod::date) / :periodDays::int as cohort,
  (period - cohort) / :periodDays::int as k, sum(users)::int as users
from cells
group by 1, 2
having sum(users) <> 0`;

export interface FirstRetentionQuery {
  intervals: number;
  firstPeriod: string;
  /** The start of the window's last period, the one containing asOf. */
  lastPeriod: string;
  periodDays: number;
  endDay: string;
}

/** Only the cohorts and k with at least one user; the service lays the table out. */
export const getFirstRetention = (em: EntityManager, q: FirstRetentionQuery, filter: KpiFilter) =>
  runSql<RetentionRow>(
    em,
    sql,
    {
      intervals: q.intervals,
      firstPeriod: q.firstPeriod,
      lastPeriod: q.lastPeriod,
      lastPeriodEnd: shiftDay(q.lastPeriod, q.periodDays),
      periodDays: q.periodDays,
      endDay: q.endDay,
      ...filter,
    },
    {
      name: 'getFirstRetention',
      read: true,
      settings: KPI_SETTINGS,
      prelude: foldCommitSharedLockSql,
    },
  );
