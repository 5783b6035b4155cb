import { scopeSql } from './scope.js';

/**
 * The cohort cells (docs/kpis.md, "Where the numbers come from"): for each scope, period length
 * (1 = UTC day, 7 = ISO week) and pair of periods (cohort, period), how many users' first-ever
 * active day in the scope is in `cohort` and who are active in `period` — `kpi_cohort_cells`.
 * First-time activity retention (docs/kpis.md#5-retention--do-the-users-we-win-stay, no start or
 * return event) is then a read of a few hundred cells: a cohort's size is its cell (c, c), as
 * every user is active in the period of their first day, and `values[k]` is (c, c + k). Without
 * them, the read joins every user's first period with every active period of the window.
 *
 * Like the comeback set, the cells follow from the active day rows, and a fold (or a read's
 * pending tail) derives their change from the rows it adds (relinkedSql's `changed` columns:
 * kind, SUBJECT, day, …, is_new): for each user with a new active day in a scope, their whole
 * timeline there — stored days and new days — gives the pairs after (cohort of the first day of
 * all, each period of any day) and before (cohort of the first stored day, each period of a
 * stored day). The cells move by +1 per pair after and −1 per pair before, so a new day in a
 * period the user was already active in changes nothing, a day in a new period adds one cell,
 * and a late day that becomes the user's first moves every pair of theirs to the new cohort.
 * Window and group by user first, so it runs distributed by user_id_hash on Citus.
 */

/** The period lengths kept: (period_days, date_trunc unit). */
export const CELL_PERIODS = "(values (1, 'day'), (7, 'week'))";

/** A day's period: itself, or its ISO week's Monday. Immutable (no time zone involved). */
export const periodStart = (unit: string, day: string) =>
  `date_trunc(${unit}, ${day}::timestamp)::date`;

/** The date_trunc unit of a read's `:periodDays` (7: an ISO week, else a day). */
export const READ_PERIOD_UNIT = "case when :periodDays::int = 7 then 'week' else 'day' end";

/**
 * Columns: phase_key, channel_key, period_days, cohort, period, delta (never 0). `changed` has
 * relinkedSql's columns; `storedWhere` restricts the stored active rows `d` read (a read's scope
 * and end); `periods` is a VALUES list of (period_days, unit) — CELL_PERIODS for the fold, the
 * one asked for in a read.
 */
export const cohortCellDeltasSql = (changed: string, storedWhere: string, periods: string) => `
  select phase_key, channel_key, period_days, cohort, period, sum(delta)::int as delta
  from (
    select t.phase_key, t.channel_key, t.user_id_hash, p.period_days,
      ${periodStart('p.unit', 't.first_after')} as cohort_after,
      ${periodStart('p.unit', 't.first_before')} as cohort_before,
      ${periodStart('p.unit', 't.day')} as period, bool_or(not t.is_new) as before
    from (
      select u.*, min(day) over w as first_after,
        min(day) filter (where not is_new) over w as first_before
      from (
        -- kind and session id from the subjects, not constants: the subject's primary-key
        -- range, never the scope-and-day index that a constant kind would make eligible
        select d.phase_key, d.channel_key, d.user_id_hash, d.day, false as is_new
        from kpi_days d
        join (select distinct kind, phase_key, channel_key, user_id_hash, session_id from ${changed}
          where kind = 'active' and is_new) as s
          on s.user_id_hash = d.user_id_hash and s.kind = d.kind and s.phase_key = d.phase_key
            and s.channel_key = d.channel_key and s.session_id = d.session_id
        where ${storedWhere}
        union all
        select phase_key, channel_key, user_id_hash, day, true from ${changed}
        where kind = 'active' and is_new
      ) as u
      window w as (partition by user_id_hash, phase_key, channel_key)
    ) as t
    cross join ${periods} as p(period_days, unit)
    group by 1, 2, 3, 4, 5, 6, 7
  ) as pairs
  cross join lateral (values (cohort_after, 1), (cohort_before, -1)) as v(cohort, delta)
  where v.cohort is not null and (v.delta = 1 or pairs.before)
  group by 1, 2, 3, 4, 5
  having sum(delta) <> 0`;

/**
 * The fold's part (foldPendingSql): the cells' change, `deltas` (cohortCellDeltasSql of the rows
 * it re-links, a materialized CTE in front of the fold's writes: on Citus each CTE runs as a
 * statement of its own, and one that read kpi_days after the fold's insert would see the new
 * days as stored ones), added to the cells.
 */
export const foldCohortCellsSql = (deltas: string) => `
  insert into kpi_cohort_cells as c (phase_key, channel_key, period_days, cohort, period, users)
  select * from ${deltas}
  order by 1, 2, 3, 4, 5
  on conflict (phase_key, channel_key, period_days, cohort, period)
    do update set users = c.users + excluded.users`;

/**
 * The cells' part of a read's pending tail; needs pendingTailSql's CTEs in front (the 'active'
 * kind, no `from`: a pending day long before the window can become a user's first).
 * `pending_cells` (cohortCellDeltasSql's columns) is the change the fold would make to the
 * cells of the read's scope and `:periodDays`, counting only days before :endDay.
 */
export const pendingCohortCellsSql = `
pending_cells as (${cohortCellDeltasSql(
  'pending_changed',
  `${scopeSql('d.')} and d.day < :endDay::date`,
  `(values (:periodDays::int, ${READ_PERIOD_UNIT}))`,
)}
)`;

/**
 * The cells rebuilt from the active rows of kpi_days (the day-set rebuild's last step; the
 * migration that introduced them inlines a frozen copy).
 */
export const rebuildCohortCellsSql = `
  insert into kpi_cohort_cells (phase_key, channel_key, period_days, cohort, period, users)
  select phase_key, channel_key, p.period_days, ${periodStart('p.unit', 'first_day')},
    ${periodStart('p.unit', 'day')}, count(distinct user_id_hash)
  from (
    select phase_key, channel_key, user_id_hash, day,
      min(day) over (partition by user_id_hash, phase_key, channel_key) as first_day
    from kpi_days where kind = 'active'
  ) as d
  cross join ${CELL_PERIODS} as p(period_days, unit)
  group by 1, 2, 3, 4, 5`;
