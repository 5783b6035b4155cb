import { SUBSCRIPTION_CANCEL, SUBSCRIPTION_START } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { filterSql, type KpiFilter, runKpiQuery } from './query.js';
import type { KpiWindow } from './window.js';

/*
 * SPEC §4.4 — Paid conversion. "A user's subscription is *paid at instant t* if their latest
 * monetization event strictly before t is `paid_subscription_started` (at equal timestamps
 * the cancellation counts as later). `eligibleUsers` = users who are active (activity set) on a
 * day of the window or have a `paid_subscription_started` in it, and are not paid at
 * windowStart. `conversions` = eligible users with a `paid_subscription_started` in the window;
 * `rate` = conversions / eligibleUsers (null if 0); `cancellations` = users with a
 * `paid_subscription_canceled` in the window (whatever came before); `paidUsersAtEnd` = users
 * paid at windowEnd. Series per day: conversions counted on the day of the user's first start
 * in the window, and users with a cancellation that day."
 *
 * Monetization history comes from raw events (instants matter, not days). "Latest event is a
 * start" is "latest start > latest cancel", the strict comparison making a tie a cancellation.
 */
const sql = `
with monetization as materialized (
  select user_id_hash, "timestamp", event_name = '${SUBSCRIPTION_START}' as is_start
  from telemetry_events
  where event_name in ('${SUBSCRIPTION_START}', '${SUBSCRIPTION_CANCEL}')
    and "timestamp" < :windowEnd::timestamptz and ${filterSql()}
),
history as (
  select user_id_hash,
    max("timestamp") filter (where is_start and "timestamp" < :windowStart::timestamptz)
      as last_start_before_window,
    max("timestamp") filter (where not is_start and "timestamp" < :windowStart::timestamptz)
      as last_cancel_before_window,
    max("timestamp") filter (where is_start) as last_start,
    max("timestamp") filter (where not is_start) as last_cancel,
    min("timestamp") filter (where is_start and "timestamp" >= :windowStart::timestamptz)
      as first_start_in_window
  from monetization
  group by user_id_hash
),
window_active as (
  select distinct user_id_hash
  from kpi_user_days
  where activity_events > 0 and day >= :startDay::date and day < :endDay::date
    and ${filterSql()}
),
eligible as (
  select user_id_hash, h.first_start_in_window
  from window_active a
  full join history h using (user_id_hash)
  where (a.user_id_hash is not null or h.first_start_in_window is not null)
    and not coalesce(
      h.last_start_before_window > coalesce(h.last_cancel_before_window, '-infinity'), false)
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
    from eligible where first_start_in_window is not null
    union all
    select day, 0, 1 from cancellation_days
  ) as marks
  group by day
)
select
  (select count(*) from eligible)::int as eligible_users,
  (select count(first_start_in_window) from eligible)::int as conversions,
  (select count(distinct user_id_hash) from cancellation_days)::int as cancellations,
  (select count(*) from history
   where last_start > coalesce(last_cancel, '-infinity'))::int as paid_users_at_end,
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
    await runKpiQuery<PaidConversionRow>(em, sql, {
      windowStart: window.from.toISOString(),
      windowEnd: window.to.toISOString(),
      startDay: window.startDay,
      endDay: window.endDay,
      ...filter,
    })
  )[0] as PaidConversionRow;
