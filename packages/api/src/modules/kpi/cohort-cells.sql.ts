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
 * kind, SUBJECT, day, …, is_new): for each user with a new active day in a scope, their
 * timeline there — stored days and new days — gives the pairs after (cohort of the first day of
 * all, each period of any day) and before (cohort of the first stored day, each period of a
 * stored day). The cells move by +1 per pair after and −1 per pair before, so a new day in a
 * period the user was already active in changes nothing, a day in a new period adds one cell,
 * and a late day that becomes the user's first moves every pair of theirs to the new cohort.
 *
 * So the stored days read are the first one (the cohort before) and those from the Monday of the
 * week of the user's first new day on: every period a new day is in (day or week), and all of
 * them in that last case. A stored day before that week gives the same pair before and after
 * (the cohort stays), which cancel. At 10M events a user's history is hundreds of rows; a day
 * of new activity reads a few.
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
 * Two CTEs: `name` with columns phase_key, channel_key, period_days, cohort, period, delta
 * (never 0), and `name_firsts` in front of it (per subject with new active days: the first new
 * day and the first stored day). `changed` has relinkedSql's columns; `storedWhere` restricts
 * the stored active rows `d` read (a read's scope and end); `periods` is a VALUES list of
 * (period_days, unit) — CELL_PERIODS for the fold, the one asked for in a read. `name` is
 * materialized (the fold computes it ahead of its writes).
 *
 * The first stored day is a grouped min() over the subject's primary-key range, read from the
 * index alone: the min() without GROUP BY that PostgreSQL would answer with one probe is a
 * correlated subquery, which Citus cannot run. Only the stored days from the first new day's
 * week on go through the window, the pairs and their sorts.
 */
export const cohortCellDeltaCtesSql = (
  name: string,
  changed: string,
  storedWhere: string,
  periods: string,
) => `
${name}_firsts as (
  select s.kind, s.phase_key, s.channel_key, s.user_id_hash, s.session_id, s.first_new,
    min(d.day) as first_stored
  from (select kind, phase_key, channel_key, user_id_hash, session_id, min(day) as first_new
    from ${changed} where kind = 'active' and is_new group by 1, 2, 3, 4, 5) as s
  join kpi_days d
    on d.user_id_hash = s.user_id_hash and d.kind = s.kind and d.phase_key = s.phase_key
      and d.channel_key = s.channel_key and d.session_id = s.session_id
  where ${storedWhere}
  group by 1, 2, 3, 4, 5, 6
),
${name} as materialized (
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
        -- the stored days from the week of the first new day on (all of them when a new day
        -- comes before the first stored one); kind and session id from the subjects, not
        -- constants: the subject's primary-key range, never the scope-and-day index that a
        -- constant kind would make eligible
        select d.phase_key, d.channel_key, d.user_id_hash, d.day, false as is_new
        from kpi_days d
        join ${name}_firsts as s
          on s.user_id_hash = d.user_id_hash and s.kind = d.kind and s.phase_key = d.phase_key
            and s.channel_key = d.channel_key and s.session_id = d.session_id
            and d.day >= ${periodStart("'week'", 's.first_new')}
        where ${storedWhere}
        union all
        -- the first stored day (the cohort before), read or not above: a repeat changes no pair
        select phase_key, channel_key, user_id_hash, first_stored, false from ${name}_firsts
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
  having sum(delta) <> 0
)`;

/**
 * The fold's part (foldPendingSql): the cells' change, `deltas` (cohortCellDeltaCtesSql of the rows
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
 * `pending_cells` (cohortCellDeltaCtesSql's columns) is the change the fold would make to the
 * cells of the read's scope and `:periodDays`, counting only days before :endDay.
 */
export const pendingCohortCellsSql = cohortCellDeltaCtesSql(
  'pending_cells',
  'pending_changed',
  `${scopeSql('d.')} and d.day < :endDay::date`,
  `(values (:periodDays::int, ${READ_PERIOD_UNIT}))`,
);

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
