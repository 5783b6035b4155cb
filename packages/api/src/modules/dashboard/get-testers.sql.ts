import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import type { KpiFilter } from '../kpi/query.js';
import { filterSql } from '../kpi/query.js';
import type { KpiWindow } from '../shared/window.js';
import {
  ACTIVITY_SQL,
  DEPENDENCY_SQL,
  MONETIZATION_SQL,
  SUBSCRIPTION_CANCEL,
  SUBSCRIPTION_START,
} from './sql.js';

/**
 * The tester table: one row per user with an event in the window (under the filters).
 * - firstSeen / lastSeen: first and last event of the user up to the window end;
 * - activeDays: UTC days of the window with an activity-set event;
 * - sessions / dependentSessions: the user's non-empty session ids with an event / with a
 *   context_loaded or context_resumed in the window (docs/kpis.md §2, per user);
 * - paidNow: the user's latest monetization event before the window end is a start (a start and
 *   a cancel at the same instant: the cancel is later, docs/kpis.md §4).
 * Sorted by one column, ties broken by user; keyset-paginated on (sort value, user).
 */
export const TESTER_SORTS = {
  USER: '0',
  FIRST_SEEN: 'extract(epoch from first_seen)',
  LAST_SEEN: 'extract(epoch from last_seen)',
  ACTIVE_DAYS: 'active_days',
  SESSIONS: 'sessions',
  CDR: 'coalesce(dependent_sessions::float8 / nullif(sessions, 0), -1)',
  PAID: 'paid_now::int',
} as const;
export type TesterSort = keyof typeof TESTER_SORTS;

const sql = (sort: TesterSort, descending: boolean) => `
with per_user as (
  select user_id_hash,
    min("timestamp") as first_seen,
    max("timestamp") as last_seen,
    count(distinct ("timestamp" at time zone 'UTC')::date)
      filter (where "timestamp" >= :from and ${ACTIVITY_SQL}) as active_days,
    count(distinct session_id) filter (where "timestamp" >= :from and session_id <> '') as sessions,
    count(distinct session_id)
      filter (where "timestamp" >= :from and session_id <> '' and ${DEPENDENCY_SQL}) as dependent_sessions,
    (array_agg(event_name order by "timestamp" desc, event_name = '${SUBSCRIPTION_CANCEL}' desc)
      filter (where ${MONETIZATION_SQL}))[1] = '${SUBSCRIPTION_START}' as paid_now,
    count(*) filter (where "timestamp" >= :from) as window_events
  from telemetry_events
  where "timestamp" < :to and ${filterSql()}
  group by user_id_hash
),
ranked as (
  select *, (${TESTER_SORTS[sort]})::float8 as sort_value, count(*) over () as total
  from per_user
  where window_events > 0
)
select user_id_hash, to_char(first_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_seen,
  to_char(last_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_seen,
  active_days::int, sessions::int, dependent_sessions::int, coalesce(paid_now, false) as paid_now,
  sort_value, total::int
from ranked
where :afterUser::text is null
  or (sort_value, user_id_hash) ${descending ? '<' : '>'} (:afterValue::float8, :afterUser::text)
order by sort_value ${descending ? 'desc' : 'asc'}, user_id_hash ${descending ? 'desc' : 'asc'}
limit :limit`;

export interface TesterRow {
  user_id_hash: string;
  first_seen: string;
  last_seen: string;
  active_days: number;
  sessions: number;
  dependent_sessions: number;
  paid_now: boolean;
  sort_value: number;
  total: number;
}

export function getTesters(
  em: EntityManager,
  window: KpiWindow,
  filter: KpiFilter,
  page: {
    sort: TesterSort;
    descending: boolean;
    limit: number;
    after: { value: number; user: string } | null;
  },
): Promise<TesterRow[]> {
  return runSql<TesterRow>(
    em,
    sql(page.sort, page.descending),
    {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      phase: filter.phase,
      channel: filter.channel,
      afterValue: page.after?.value ?? null,
      afterUser: page.after?.user ?? null,
      limit: page.limit,
    },
    { name: 'getTesters', read: true },
  );
}
