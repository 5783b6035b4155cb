import type { EntityManager } from '@mikro-orm/postgresql';
import { filterOf, type KpiArgs } from '../kpi/kpi.service.js';
import { type KpiWindow, kpiWindow } from '../kpi/window.js';
import { getLifecycle } from './get-lifecycle.sql.js';
import { PERIOD_DAYS, periodStarts, type RetentionPeriod } from './periods.js';

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

/** Retention, lifecycle and funnels (docs/kpis.md#5-retention--do-the-users-we-win-stay ff.). */
export const cohortsService = { lifecycle };
