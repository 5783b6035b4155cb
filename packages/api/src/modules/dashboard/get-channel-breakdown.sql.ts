import type { EntityManager } from '@mikro-orm/postgresql';
import { getRows } from '../../db/sql.js';
import type { KpiFilter } from '../kpi/query.js';
import { filterSql } from '../kpi/query.js';
import type { KpiWindow } from '../kpi/window.js';
import { ACTIVITY_SQL, UTC_DAY } from './sql.js';

/**
 * Usage per channel in the window: per UTC day, the users active on that channel (DAU by the
 * activity set) and the sessions with an event on it; per channel over the whole window, the
 * distinct active users and sessions. A session is (user, non-empty session id) as in the CDR.
 * The `day is null` rows are the window totals (grouping sets: one scan for both).
 */
const SQL = `
select channel, ${UTC_DAY} as day,
  count(distinct user_id_hash) filter (where ${ACTIVITY_SQL})::int as active_users,
  count(distinct (user_id_hash, session_id)) filter (where session_id <> '')::int as sessions
from telemetry_events
where "timestamp" >= :from and "timestamp" < :to and ${filterSql()}
group by grouping sets ((channel, ${UTC_DAY}), (channel))
order by channel, day nulls first`;

export interface ChannelDayRow {
  channel: string;
  day: string | null;
  active_users: number;
  sessions: number;
}

export const getChannelBreakdown = (em: EntityManager, window: KpiWindow, filter: KpiFilter) =>
  getRows<ChannelDayRow>(em, SQL, {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    phase: filter.phase,
    channel: filter.channel,
  });
