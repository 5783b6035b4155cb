import type { EventName } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../errors.js';
import { filterOf, type KpiArgs } from '../kpi/kpi.service.js';
import { checkIntegerBetween, type KpiWindow, kpiWindow } from '../shared/window.js';
import { getFirstRetention } from './get-first-retention.sql.js';
import { getFunnel } from './get-funnel.sql.js';
import { getLifecycle } from './get-lifecycle.sql.js';
import { getRetention } from './get-retention.sql.js';
import { PERIOD_DAYS, periodStarts, type RetentionPeriod, type RetentionType } from './periods.js';

export interface LifecyclePeriod {
  start: string;
  new: number;
  returning: number;
  resurrecting: number;
  dormant: number;
  active: number;
}
export interface Lifecycle {
  window: KpiWindow;
  period: RetentionPeriod;
  periods: LifecyclePeriod[];
}

async function lifecycle(
  em: EntityManager,
  args: KpiArgs & { period: RetentionPeriod },
): Promise<Lifecycle> {
  const window = kpiWindow(args.days, args.asOf);
  const starts = periodStarts(window, args.period);
  const first = starts[0];
  const last = starts.at(-1);
  if (first === undefined || last === undefined)
    return { window, period: args.period, periods: [] };
  const rows = await getLifecycle(
    em,
    { first, last, periodDays: PERIOD_DAYS[args.period], endDay: window.endDay },
    filterOf(args),
  );
  return {
    window,
    period: args.period,
    periods: rows.map((r) => ({
      start: r.start,
      new: r.new_users,
      returning: r.returning_users,
      resurrecting: r.resurrecting_users,
      dormant: r.previous_active_users - r.returning_users,
      active: r.new_users + r.returning_users + r.resurrecting_users,
    })),
  };
}

export interface RetentionArgs extends KpiArgs {
  period: RetentionPeriod;
  type: RetentionType;
  intervals: number;
  /** Null: the activity set. */
  startEvent: EventName | null;
  returnEvent: EventName | null;
}
export interface RetentionCohort {
  start: string;
  size: number;
  /** values[0] = size; values[k] = cohort users back in period start + k. */
  values: number[];
  /** The last value is of the period containing asOf, still filling up. */
  incomplete: boolean;
}
export interface Retention extends Omit<RetentionArgs, 'days' | 'asOf' | 'phase' | 'channel'> {
  window: KpiWindow;
  cohorts: RetentionCohort[];
  /** Per k: Σ values[k] ÷ Σ size over the cohorts with a k-th value; null when that Σ size is 0. */
  average: { values: (number | null)[] };
}

async function retention(em: EntityManager, args: RetentionArgs): Promise<Retention> {
  const intervals = checkIntegerBetween('intervals', args.intervals, 1, 26);
  const window = kpiWindow(args.days, args.asOf);
  const { period, type, startEvent, returnEvent } = args;
  const starts = periodStarts(window, period);
  const shape = { period, type, intervals, startEvent, returnEvent, window };
  const firstPeriod = starts[0];
  if (firstPeriod === undefined) return { ...shape, cohorts: [], average: { values: [] } };
  const periodDays = PERIOD_DAYS[period];
  // first-time activity retention is a sum of the cohort cells; the rest joins per user
  const rows =
    type === 'first_time' && startEvent === null && returnEvent === null
      ? await getFirstRetention(
          em,
          {
            intervals,
            firstPeriod,
            lastPeriod: starts.at(-1) ?? firstPeriod,
            periodDays,
            endDay: window.endDay,
          },
          filterOf(args),
        )
      : await getRetention(
          em,
          {
            type,
            startEvent,
            returnEvent,
            intervals,
            firstPeriod,
            periodDays,
            endDay: window.endDay,
          },
          filterOf(args),
        );
  const users = new Map(rows.map((r) => [`${r.cohort}:${r.k}`, r.users]));
  // the last period starting in the window is the one containing asOf
  const asOfPeriod = starts.length - 1;
  const cohorts = starts.map((start, c) => {
    const length = Math.min(intervals, asOfPeriod - c) + 1;
    const values = Array.from({ length }, (_, k) => users.get(`${c}:${k}`) ?? 0);
    return { start, size: values[0] ?? 0, values, incomplete: c + length - 1 === asOfPeriod };
  });
  const longest = Math.max(...cohorts.map((c) => c.values.length));
  const average = Array.from({ length: longest }, (_, k) => {
    const having = cohorts.filter((c) => c.values.length > k);
    const sizes = having.reduce((sum, c) => sum + c.size, 0);
    const back = having.reduce((sum, c) => sum + (c.values[k] ?? 0), 0);
    return sizes > 0 ? back / sizes : null;
  });
  return { ...shape, cohorts, average: { values: average } };
}

export interface FunnelArgs extends KpiArgs {
  steps: EventName[];
  windowDays: number;
}
export interface FunnelStep {
  eventName: EventName;
  users: number;
  conversionFromStart: number | null;
  /** Null for step 0, and when the previous step has no user. */
  conversionFromPrevious: number | null;
  medianSecondsFromPrevious: number | null;
}
export interface Funnel {
  window: KpiWindow;
  windowDays: number;
  steps: FunnelStep[];
}

const ratio = (part: number, whole: number | undefined) =>
  whole !== undefined && whole > 0 ? part / whole : null;

async function funnel(em: EntityManager, args: FunnelArgs): Promise<Funnel> {
  if (args.steps.length < 2 || args.steps.length > 6) {
    throw badInput(`steps: must list 2 to 6 events (got ${args.steps.length})`, 'steps');
  }
  const windowDays = checkIntegerBetween('windowDays', args.windowDays, 1, 90);
  const window = kpiWindow(args.days, args.asOf);
  const rows = await getFunnel(em, window, args.steps, windowDays, filterOf(args));
  const users = args.steps.map((_, i) => rows.find((r) => r.step === i)?.users ?? 0);
  return {
    window,
    windowDays,
    steps: args.steps.map((eventName, i) => ({
      eventName,
      users: users[i] ?? 0,
      conversionFromStart: ratio(users[i] ?? 0, users[0]),
      conversionFromPrevious: i === 0 ? null : ratio(users[i] ?? 0, users[i - 1]),
      medianSecondsFromPrevious: rows.find((r) => r.step === i)?.median_seconds ?? null,
    })),
  };
}

/** Retention, lifecycle and funnels (docs/kpis.md#5-retention--do-the-users-we-win-stay ff.). */
export const cohortsService = { lifecycle, retention, funnel };
