import { SUBSCRIPTION_CANCEL, SUBSCRIPTION_START } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import type { KpiWindow } from '../shared/window.js';
import { foldCommitSharedLockSql, pendingTailSql } from './day-sets.sql.js';
import { filterSql, KPI_SETTINGS, type KpiFilter } from './query.js';
import { scopeSql } from './scope.js';

/*
 * docs/kpis.md#4-paid-conversion--do-active-users-start-paying — Paid conversion. "A user's subscription is *paid at instant t* if their latest
 * monetization event strictly before t is `paid_subscription_started` (at equal timestamps
 * the cancellation counts as later). `eligibleUsers` = users who are active (activity set) on a
 * day of the window or have a `paid_subscription_started` in it, and are not paid at
 * windowStart. `conversions` = eligible users with a `paid_subscription_started` in the window;
 * `rate` = conversions / eligibleUsers (null if 0); `cancellations` = users with a
 * `paid_subscription_canceled` in the window (whatever came before); `paidUsersAtEnd` = users
 * paid at windowEnd. Series per day: conversions counted on the day of the user's first start
 * in the window, and users with a cancellation that day."
 *
 * Monetization history comes from raw events (instants matter, not days); "latest event is a
 * start" is "latest start > latest cancel", the strict comparison making a tie a cancellation.
 * With A = users active in the window (a histogram sum), B = starters in the window and
 * P = users paid at windowStart (both small, from monetization events):
 * eligible = |(A ∪ B) \ P| = |A| − |A ∩ P| + |B \ A \ P|, so only B ∪ P is checked for activity.
 * A and the activity check both see the pending tail (day-sets.sql.ts, pendingTailSql).
 */
const sql = `
with ${pendingTailSql(['active'], ':startDay')},
monetization as materialized (
  select user_id_hash, "timestamp", event_name = '${SUBSCRIPTION_START}' as is_start
  from telemetry_events
  where event_name in ('${SUBSCRIPTION_START}', '${SUBSCRIPTION_CANCEL}')
    and "timestamp" < :windowEnd::timestamptz and ${filterSql()}
),
history as (
  select user_id_hash,
    coalesce(max("timestamp") filter (where is_start and "timestamp" < :windowStart::timestamptz)
      > coalesce(max("timestamp") filter (where not is_start
        and "timestamp" < :windowStart::timestamptz), '-infinity'), false) as paid_at_start,
    coalesce(max("timestamp") filter (where is_start)
      > coalesce(max("timestamp") filter (where not is_start), '-infinity'), false) as paid_at_end,
    min("timestamp") filter (where is_start and "timestamp" >= :windowStart::timestamptz)
      as first_start_in_window
  from monetization
  group by user_id_hash
),
candidates as (
  select * from history where paid_at_start or first_start_in_window is not null
),
active_candidates as (
  -- candidates active on a day of the window: folded, or still pending. A semi-join: one
  -- primary-key probe per candidate that stops at its first active day, instead of all of them
  select c.user_id_hash from candidates c
  where c.user_id_hash in (
    select a.user_id_hash from kpi_days a
    where a.kind = 'active' and ${scopeSql('a.')} and a.session_id = ''
      and a.day >= :startDay::date and a.day < :endDay::date)
  union
  select c.user_id_hash from candidates c
  join pending_facts p on p.user_id_hash = c.user_id_hash and p.kind = 'active'
    and p.day >= :startDay::date
),
flagged as (
  select c.*, a.user_id_hash is not null as active
  from candidates c left join active_candidates a on a.user_id_hash = c.user_id_hash
),
cancellation_days as (
  select distinct user_id_hash, ("timestamp" at time zone 'UTC')::date as day
  from monetization
  where not is_start and "timestamp" >= :windowStart::timestamptz
),
per_day as (
  select day, sum(conversions) as conversions, sum(cancellations) as cancellations
  from (
    select (first_start_in_window at time zone 'UTC')::date as day, 1 as conversions,
      0 as cancellations
    from flagged where first_start_in_window is not null and not paid_at_start
    union all
    select day, 0, 1 from cancellation_days
  ) as marks
  group by day
)
select
  ((select coalesce(sum(subjects), 0) from kpi_day_links
    where kind = 'active' and ${scopeSql()} and day >= :startDay::date and day < :endDay::date
      and prev_day < :startDay::date)
   + (select coalesce(sum(subjects), 0) from pending_links
      where kind = 'active' and day >= :startDay::date and prev_day < :startDay::date)
   - (select count(*) from flagged where paid_at_start and active)
   + (select count(*) from flagged
      where first_start_in_window is not null and not active and not paid_at_start)
  )::int as eligible_users,
  (select count(*) from flagged
   where first_start_in_window is not null and not paid_at_start)::int as conversions,
  (select count(distinct user_id_hash) from cancellation_days)::int as cancellations,
  (select count(*) from history where paid_at_end)::int as paid_users_at_end,
  (select coalesce(json_agg(json_build_object(
      'day', to_char(day, 'YYYY-MM-DD'),
      'conversions', conversions,
      'cancellations', cancellations) order by day), '[]'::json)
   from per_day) as series`;

export interface PaidConversionRow {
  eligible_users: number;
  conversions: number;
  cancellations: number;
  paid_users_at_end: number;
  /** Days with a conversion or a cancellation only; the service zero-fills the rest. */
  series: { day: string; conversions: number; cancellations: number }[];
}

export const getPaidConversion = async (em: EntityManager, window: KpiWindow, filter: KpiFilter) =>
  (
    await runSql<PaidConversionRow>(
      em,
      sql,
      {
        windowStart: window.from.toISOString(),
        windowEnd: window.to.toISOString(),
        startDay: window.startDay,
        endDay: window.endDay,
        ...filter,
      },
      {
        name: 'getPaidConversion',
        read: true,
        settings: KPI_SETTINGS,
        prelude: foldCommitSharedLockSql,
      },
    )
  )[0] as PaidConversionRow;
