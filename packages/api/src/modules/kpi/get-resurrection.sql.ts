import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import type { KpiWindow } from '../shared/window.js';
import { COMEBACK_DAYS, pendingComebackTailSql } from './comeback-days.sql.js';
import { foldCommitSharedLockSql, pendingTailSql } from './day-sets.sql.js';
import { KPI_SETTINGS, type KpiFilter } from './query.js';
import { scopeSql } from './scope.js';

/*
 * docs/kpis.md#3-resurrection--do-people-come-back-after-dropping-off — Resurrection (k = inactiveDays). "A user is resurrected on day d if they are
 * active on d, have an earlier active day, and their latest earlier active day p satisfies
 * d − p − 1 ≥ k. `resurrectedUsers` = users resurrected on some day of the window;
 * `activeUsers` = users active on some day of the window; `viaContextUsers` = resurrected
 * users with a `session_resumed_from_context` event (any session) on a day of the window on
 * which they were resurrected. Series per day: users resurrected that day, and DAU."
 *
 * An active-day row (d, p) is a resurrection exactly when p is a real day and p ≤ d − k − 1,
 * so the per-day series and activeUsers are histogram sums. With the default k = 7 the users
 * resurrected in the window are one too: the comeback day set (comeback-days.sql.ts) links each
 * comeback to the user's previous one, so a user counts through their first comeback in the
 * window — the row whose previous comeback is before it, as for WAU. Any other k reads the
 * window's resurrection rows and counts distinct users (a user may come back twice in one
 * window). viaContextUsers joins the window's comeback rows with its resumed days. Everything
 * sees the pending tail (day-sets.sql.ts, pendingTailSql): its histogram deltas, and its rows.
 */
const activeLinksSql = `
links as (
  select day, prev_day, subjects from kpi_day_links
  where kind = 'active' and ${scopeSql()}
    and day >= :startDay::date and day < :endDay::date
  union all
  select day, prev_day, subjects from pending_links
  where kind = 'active' and day >= :startDay::date
)`;

/** The resurrected users (`resurrections`: user_id_hash, day) with a resume from context. */
const viaContextSql = `
via_context as (
  -- resurrection days with a resume from context: folded, or still pending
  select r.user_id_hash from resurrections r
  join kpi_days m on m.user_id_hash = r.user_id_hash and m.day = r.day
  -- the window's resumed days, from their own index: one range read, joined by hash, instead of
  -- one primary-key probe per resurrection row
  where m.kind = 'resumed' and ${scopeSql('m.')} and m.session_id = ''
    and m.day >= :startDay::date and m.day < :endDay::date
  union
  select r.user_id_hash from resurrections r
  join pending_facts p on p.user_id_hash = r.user_id_hash and p.kind = 'resumed' and p.day = r.day
)`;

const seriesSql = `
per_day as (
  select day, sum(subjects)::int as active,
    coalesce(sum(subjects) filter (where prev_day > '-infinity'::date
      and prev_day <= day - (:inactiveDays::int + 1)), 0)::int as resurrected
  from links group by day
)`;

const summarySql = (resurrectedUsers: string) => `
select
  (${resurrectedUsers})::int as resurrected_users,
  (select coalesce(sum(subjects), 0) from links where prev_day < :startDay::date)::int
    as active_users,
  (select count(*) from via_context)::int as via_context_users,
  (select coalesce(json_agg(json_build_object('day', to_char(day, 'YYYY-MM-DD'),
      'activeUsers', active, 'resurrectedUsers', resurrected) order by day), '[]'::json)
   from per_day where active > 0) as series`;

/** k = COMEBACK_DAYS: resurrected users from the comeback histogram. */
const comebackSql = `
with ${pendingTailSql(['active', 'resumed'])},
${pendingComebackTailSql},
${activeLinksSql},
resurrections as (
  -- the window's comeback rows as the fold would leave them: folded, less those the tail
  -- removes, plus those it adds
  select d.user_id_hash, d.day from kpi_days d
  left join pending_comeback_changed c on c.user_id_hash = d.user_id_hash and c.day = d.day
    and c.removed
  -- comeback rows are user-level (session_id ''): no condition on it, so the comeback index
  -- answers alone (index-only)
  where d.kind = 'comeback' and ${scopeSql('d.')}
    and d.day >= :startDay::date and d.day < :endDay::date and c.user_id_hash is null
  union all
  select user_id_hash, day from pending_comeback_changed
  where is_new and day >= :startDay::date
),
${viaContextSql},
${seriesSql}
${summarySql(`
  (select coalesce(sum(subjects), 0) from kpi_day_links
   where kind = 'comeback' and ${scopeSql()} and day >= :startDay::date
     and day < :endDay::date and prev_day < :startDay::date)
  + (select coalesce(sum(subjects), 0) from pending_comeback_links
     where day >= :startDay::date and prev_day < :startDay::date)`)}`;

/** Any other k: the window's resurrection rows, counted distinct. */
const rowsSql = (inactiveDays: number) => `
with ${pendingTailSql(['active', 'resumed'])},
${activeLinksSql},
resurrections as materialized (
  -- folded rows, less those the pending tail re-links, plus the tail's new and re-linked rows
  select d.user_id_hash, d.day from kpi_days d
  left join pending_changed c on c.user_id_hash = d.user_id_hash and c.kind = 'active'
    and c.session_id = '' and c.day = d.day and not c.is_new
  where d.kind = 'active' and ${scopeSql('d.')} and d.day >= :startDay::date
    and d.day < :endDay::date
    and d.prev_day > '-infinity'::date and d.prev_day <= d.day - (:inactiveDays::int + 1)
    ${
      // the comeback index's own predicate, spelled out so the planner can prove it applies
      inactiveDays >= COMEBACK_DAYS ? `and d.prev_day <= d.day - ${COMEBACK_DAYS + 1}` : ''
    }
    and c.user_id_hash is null
  union all
  select user_id_hash, day from pending_changed
  where kind = 'active' and day >= :startDay::date
    and new_prev > '-infinity'::date and new_prev <= day - (:inactiveDays::int + 1)
),
${viaContextSql},
${seriesSql}
${summarySql('select count(distinct user_id_hash) from resurrections')}`;

const sql = (inactiveDays: number) =>
  inactiveDays === COMEBACK_DAYS ? comebackSql : rowsSql(inactiveDays);

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
    await runSql<ResurrectionRow>(
      em,
      sql(inactiveDays),
      {
        startDay: window.startDay,
        endDay: window.endDay,
        inactiveDays,
        ...filter,
      },
      {
        name: 'getResurrection',
        read: true,
        settings: KPI_SETTINGS,
        prelude: foldCommitSharedLockSql,
      },
    )
  )[0] as ResurrectionRow;
