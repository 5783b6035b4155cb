import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import type { KpiWindow } from '../shared/window.js';
import { foldCommitSharedLockSql, pendingTailSql } from './day-sets.sql.js';
import { KPI_SETTINGS, type KpiFilter } from './query.js';
import { scopeSql } from './scope.js';

/*
 * docs/kpis.md#2-cdr--context-dependency-rate-do-sessions-rely-on-stored-context — CDR. "A session is a pair (user, session_id) with a non-empty session_id.
 * `sessions` = sessions with at least one event (any of the 17) in the window;
 * `dependentSessions` = sessions with a `context_loaded` or `context_resumed` in the window.
 * Series: the same rule with the window replaced by one day."
 *
 * Session days and dependency days are day sets keyed by (user, session): a session counts in
 * the window through its first day there — the row whose previous day is before the window —
 * and on a day through that day's row. Both are sums over the histogram (folded links plus the
 * pending tail's delta).
 */
const sql = `
with ${pendingTailSql(['session', 'dependency'], ':startDay')},
links as (
  select kind, day, prev_day, subjects from kpi_day_links
  where kind in ('session', 'dependency') and ${scopeSql()}
    and day >= :startDay::date and day < :endDay::date
  union all
  select kind, day, prev_day, subjects from pending_links where day >= :startDay::date
),
per_day as (
  select day,
    coalesce(sum(subjects) filter (where kind = 'session'), 0)::int as sessions,
    coalesce(sum(subjects) filter (where kind = 'dependency'), 0)::int as dependent
  from links group by day
)
select
  (select coalesce(sum(subjects), 0) from links
   where kind = 'session' and prev_day < :startDay::date)::int as sessions,
  (select coalesce(sum(subjects), 0) from links
   where kind = 'dependency' and prev_day < :startDay::date)::int as dependent_sessions,
  (select coalesce(json_agg(json_build_object('day', to_char(day, 'YYYY-MM-DD'),
      'sessions', sessions, 'dependentSessions', dependent) order by day), '[]'::json)
   from per_day where sessions > 0) as series`;

export interface CdrRow {
  sessions: number;
  dependent_sessions: number;
  /** Days with at least one session only; the service zero-fills the rest. */
  series: { day: string; sessions: number; dependentSessions: number }[];
}

export const getCdr = async (em: EntityManager, window: KpiWindow, filter: KpiFilter) =>
  (
    await runSql<CdrRow>(
      em,
      sql,
      {
        startDay: window.startDay,
        endDay: window.endDay,
        ...filter,
      },
      { name: 'getCdr', read: true, settings: KPI_SETTINGS, prelude: foldCommitSharedLockSql },
    )
  )[0] as CdrRow;
