import type { EntityManager } from '@mikro-orm/postgresql';
import { filterSql, type KpiFilter, runKpiQuery } from './query.js';
import type { KpiWindow } from './window.js';

/*
 * SPEC §4.2 — CDR. "A session is a pair (user, session_id) with a non-empty session_id (the
 * same session_id under two users is two sessions). `sessions` = sessions with at least one
 * event (any of the 17) in the window; `dependentSessions` = sessions with a `context_loaded`
 * or `context_resumed` in the window; `rate` = dependentSessions / sessions (null if 0).
 * Series: the same rule with the window replaced by one day — a session with events on two
 * days counts on both, and is dependent on a day only if its `context_loaded`/`context_resumed`
 * falls on that day; a day without sessions has 0 sessions and a null rate."
 *
 * kpi_session_days holds only non-empty session ids, one row per session, UTC day, phase and
 * channel, created by at least one event, so the filters are a WHERE and a session-day is the
 * group of its rows (grouped in the order of the (day, user, session) index, so it streams).
 * One grouping-sets pass over the session-days gives the sessions and the per-day counts.
 */
const sql = `
with session_days as (
  select user_id_hash, session_id, day, bool_or(dependency_events > 0) as dependent
  from kpi_session_days
  where day >= :startDay::date and day < :endDay::date and ${filterSql()}
  group by day, user_id_hash, session_id
),
groups as (
  select day, grouping(day) = 1 as is_session, bool_or(dependent) as dependent,
    count(*) as sessions, count(*) filter (where dependent) as dependent_sessions
  from session_days
  group by grouping sets ((user_id_hash, session_id), (day))
)
select
  (count(*) filter (where is_session))::int as sessions,
  (count(*) filter (where is_session and dependent))::int as dependent_sessions,
  coalesce(json_agg(json_build_object(
      'day', to_char(day, 'YYYY-MM-DD'),
      'sessions', sessions,
      'dependentSessions', dependent_sessions) order by day) filter (where not is_session),
    '[]'::json) as series
from groups`;

export interface CdrRow {
  sessions: number;
  dependent_sessions: number;
  /** Days with at least one session only; the service zero-fills the rest. */
  series: { day: string; sessions: number; dependentSessions: number }[];
}

export const getCdr = async (em: EntityManager, window: KpiWindow, filter: KpiFilter) =>
  (
    await runKpiQuery<CdrRow>(em, sql, {
      startDay: window.startDay,
      endDay: window.endDay,
      ...filter,
    })
  )[0] as CdrRow;
