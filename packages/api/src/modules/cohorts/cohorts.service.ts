import type { EventName } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { filterOf, type KpiArgs } from '../kpi/kpi.service.js';
import { checkRange, type KpiWindow, kpiWindow } from '../kpi/window.js';
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
  const intervals = checkRange('intervals', args.intervals, 1, 26);
  const window = kpiWindow(args.days, args.asOf);
  const { period, type, startEvent, returnEvent } = args;
  const starts = periodStarts(window, period);
  const shape = { period, type, intervals, startEvent, returnEvent, window };
  const firstPeriod = starts[0];
  if (firstPeriod === undefined) return { ...shape, cohorts: [], average: { values: [] } };
  const rows = await getRetention(
    em,
    {
      type,
      startEvent,
      returnEvent,
      intervals,
      firstPeriod,
      periodDays: PERIOD_DAYS[period],
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

/** Retention, lifecycle and funnels (docs/kpis.md#5-retention--do-the-users-we-win-stay ff.). */
export const cohortsService = { lifecycle, retention };
