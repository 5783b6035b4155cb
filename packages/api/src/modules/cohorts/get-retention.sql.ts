import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { foldCommitSharedLockSql, linkedDaysSql, pendingTailSql } from '../kpi/day-sets.sql.js';
import { filterSql, KPI_SETTINGS, type KpiFilter } from '../kpi/query.js';
import type { RetentionType } from './periods.js';

/*
 * docs/kpis.md#5-retention--do-the-users-we-win-stay — Retention. "Cohorts are the periods that
 * start within the window. FIRST_TIME: a user's cohort is the period of their first-ever start
 * (first activity, or first `startEvent`), over all history in scope; only cohorts inside the
 * window are listed. RECURRING: a user is in the cohort of every period in which they started.
 * `values[0]` = size; `values[k]` = cohort users active (or doing `returnEvent`) in period
 * start + k."
 *
 * Periods are numbered from the window's first period (`:firstPeriod`, a Monday for weeks):
 * period(day) = (day − firstPeriod) / periodDays, so a cohort's k-th value is a difference of
 * numbers. Activity comes from the active-day sets with their links as the fold would leave
 * them (linkedDaysSql: folded rows plus the pending tail), and no raw event is read. The links
 * give each user's active periods without de-duplicating days: a user active in period P has
 * exactly one active day in P whose previous active day is before P's start (their first day
 * in P), so `period_days` keeps only those rows — one per (user, active period), a first-ever
 * one being the row whose previous day is −∞ — and the filter runs on the scope-and-day index
 * alone (an index-only scan of the window's active days, no heap, no hash of every day). A named
 * start or return event has no day set and is read from telemetry_events through its
 * (event_name, timestamp) index. Answers (cohort, k, users) rows, k = 0 being the cohort's size;
 * k runs to :intervals and never past the last day before :endDay, as nothing later is read.
 */
const period = (day: string) => `((${day} - :firstPeriod::date) / :periodDays::int)`;

/** (user_id_hash, period) of a named event in the cohorts' periods, in scope. */
const eventPeriods = (param: 'startEvent' | 'returnEvent') => `
  select distinct user_id_hash, ${period(`("timestamp" at time zone 'UTC')::date`)} as period
  from telemetry_events
  where event_name = :${param} and "timestamp" >= :periodsFrom::timestamptz
    and "timestamp" < :windowEnd::timestamptz and ${filterSql()}`;

const startsSql = (type: RetentionType, byEvent: boolean) => {
  if (type === 'recurring') {
    return byEvent ? eventPeriods('startEvent') : 'select user_id_hash, period from period_days';
  }
  return byEvent
    ? `select user_id_hash, ${period('first_day')} as period
       from (
         select user_id_hash, min(("timestamp" at time zone 'UTC')::date) as first_day
         from telemetry_events
         where event_name = :startEvent and "timestamp" < :windowEnd::timestamptz and ${filterSql()}
         group by user_id_hash
       ) as firsts
       where first_day >= :firstPeriod::date`
    : 'select user_id_hash, period from period_days where first_ever';
};

const sql = (type: RetentionType, startEvent: boolean, returnEvent: boolean) => {
  const days =
    startEvent && returnEvent
      ? ''
      : // a recurring cohort only asks whether a day's previous day is before its period, which
        // a pending day before the cohorts cannot change; a first-time one asks for −∞, which it can
        `${pendingTailSql(['active'], type === 'recurring' ? ':firstPeriod' : undefined)},
period_days as materialized (
  select user_id_hash, ${period('day')} as period, prev_day = '-infinity'::date as first_ever
  from (${linkedDaysSql('active', ':firstPeriod')}
  ) as d
  where prev_day < :firstPeriod::date + ${period('day')} * :periodDays::int
),`;
  return `
with ${days}
starts as (${startsSql(type, startEvent)}
),
returns as (${
    returnEvent ? eventPeriods('returnEvent') : 'select user_id_hash, period from period_days'
  }
)
select period as cohort, 0 as k, count(*)::int as users from starts group by period
union all
select s.period, r.period - s.period, count(*)::int
from starts s
join returns r on r.user_id_hash = s.user_id_hash and r.period > s.period
  and r.period <= s.period + :intervals::int
group by 1, 2`;
};

/**
 * A CTE's rows carry no statistics, so PostgreSQL guesses 200 distinct users in `starts` and
 * `returns`, expects a join hundreds of times too large and sorts both sides by user for a merge
 * join: collated text sorts of every period row, which took twice as long as hashing the
 * cohort users at 1M events. The join is per user either way, so it stays local on Citus.
 */
const RETENTION_SETTINGS = { ...KPI_SETTINGS, enable_mergejoin: 'off' } as const;

export interface RetentionRow {
  /** The cohort's period, numbered from the window's first period (0). */
  cohort: number;
  k: number;
  users: number;
}

export interface RetentionQuery {
  type: RetentionType;
  /** Wire event names, or null for the activity set. */
  startEvent: string | null;
  returnEvent: string | null;
  intervals: number;
  firstPeriod: string;
  periodDays: number;
  endDay: string;
}

/** Only the cohorts and k with at least one user; the service lays the table out. */
export const getRetention = (em: EntityManager, q: RetentionQuery, filter: KpiFilter) =>
  runSql<RetentionRow>(
    em,
    sql(q.type, q.startEvent !== null, q.returnEvent !== null),
    {
      startEvent: q.startEvent,
      returnEvent: q.returnEvent,
      intervals: q.intervals,
      firstPeriod: q.firstPeriod,
      periodDays: q.periodDays,
      periodsFrom: `${q.firstPeriod}T00:00:00.000Z`,
      windowEnd: `${q.endDay}T00:00:00.000Z`,
      endDay: q.endDay,
      ...filter,
    },
    {
      name: 'getRetention',
      read: true,
      settings: RETENTION_SETTINGS,
      prelude: foldCommitSharedLockSql,
    },
  );
