import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import type { KpiFilter } from '../kpi/query.js';
import { filterSql } from '../kpi/query.js';
import type { KpiWindow } from '../shared/window.js';
import { ACTIVITY_SQL, UTC_DAY } from './sql.js';

/**
 * Usage per channel in the window: per UTC day, the users active on that channel (DAU by the
 * activity set) and the sessions with an event on it; per channel over the whole window, the
 * distinct active users and sessions. A session is (user, non-empty session id) as in the CDR.
 * The `day is null` rows are the window totals. Both read one set of (channel, day, user,
 * session) rows grouped by user first, so the work runs where the user's events are (on Citus,
 * on the user's shard) and only distinct counts of users are left to combine.
 */
const SQL = `
with session_days as (
  select channel, ${UTC_DAY} as day, user_id_hash, session_id, bool_or(${ACTIVITY_SQL}) as active
  from telemetry_events
  where "timestamp" >= :from and "timestamp" < :to and ${filterSql()}
  group by user_id_hash, channel, day, session_id
)
select channel, day,
  count(distinct user_id_hash) filter (where active)::int as active_users,
  count(*) filter (where session_id <> '')::int as sessions
from session_days
group by channel, day
union all
select channel, null,
  count(distinct user_id_hash) filter (where active)::int,
  count(*) filter (where session_id <> '')::int
from (
  select channel, user_id_hash, session_id, bool_or(active) as active
  from session_days
  group by user_id_hash, channel, session_id
) as sessions
group by channel
order by channel, day nulls first`;

export interface ChannelDayRow {
  channel: string;
  day: string | null;
  active_users: number;
  sessions: number;
}

export const getChannelBreakdown = (em: EntityManager, window: KpiWindow, filter: KpiFilter) =>
  runSql<ChannelDayRow>(
    em,
    SQL,
    {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      phase: filter.phase,
      channel: filter.channel,
    },
    { name: 'getChannelBreakdown', read: true },
  );
