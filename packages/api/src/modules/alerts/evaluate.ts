import { type BetaPhase, CHANNELS, type Channel } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { errorGroups, traceStats } from '../analytics/aggregates.service.js';
import { kpiService } from '../kpi/kpi.service.js';
import { type KpiWindow, kpiWindow, shiftDay } from '../shared/window.js';
import type { AlertChangeMode, AlertCondition, AlertMetric } from './alert-kinds.js';

const DAY_MS = 86_400_000;
/** Resurrection rules use the dashboard's definition (`kpis`: inactiveDays = 7). */
const INACTIVE_DAYS = 7;

/** What a rule reads: the metric, and the error group or operation it names. */
export interface MetricTarget {
  metric: AlertMetric;
  stackHash: string | null;
  operation: string | null;
}

export interface MetricQuery {
  target: MetricTarget;
  phase: string | null;
  channel: string | null;
  days: number;
  includeToday: boolean;
}

/**
 * The window a check reads at `now`: whole UTC days ending yesterday (the last complete day), or
 * today (still filling up) with `includeToday`.
 */
export function alertWindow(q: Pick<MetricQuery, 'days' | 'includeToday'>, now: Date): KpiWindow {
  return kpiWindow(q.days, q.includeToday ? now : new Date(now.getTime() - DAY_MS));
}

/** The previous window of the same length, ending where `window` starts. */
export const previousWindow = (window: KpiWindow): KpiWindow =>
  kpiWindow(window.days, new Date(Date.parse(shiftDay(window.startDay, -1))));

export interface MetricFilter {
  phase: string | null;
  channel: string | null;
}

/**
 * One error group's occurrences in the window, by error time, as `errorGroups` counts them (0
 * when the group has none there).
 */
async function errorGroupCount(
  em: EntityManager,
  stackHash: string,
  window: KpiWindow,
  filter: MetricFilter,
): Promise<number> {
  const [group] = await errorGroups(em, 1, rowFilter(window, filter, { stackHash }), window.to);
  return group?.count ?? 0;
}

/** One operation's p95 duration in the window, as `traceStats` computes it; null without traces. */
async function traceP95(
  em: EntityManager,
  operationName: string,
  window: KpiWindow,
  filter: MetricFilter,
): Promise<number | null> {
  const [stats] = await traceStats(em, rowFilter(window, filter, { operationName }), window.to);
  return stats?.p95 ?? null;
}

const rowFilter = (
  window: KpiWindow,
  filter: MetricFilter,
  subject: { stackHash?: string; operationName?: string },
) => ({
  from: window.from,
  to: window.to,
  userIdHash: null,
  sessionId: null,
  phase: filter.phase as BetaPhase | null,
  channel: filter.channel as Channel | null,
  ...subject,
});

/**
 * The metric over one window, read through the service that owns it (never a copy of its SQL):
 * a KPI summary field through the KPI service, an error group's count and an operation's p95
 * through the analyst aggregates.
 */
export async function readMetric(
  em: EntityManager,
  target: MetricTarget,
  window: KpiWindow,
  filter: MetricFilter,
): Promise<number | null> {
  const { metric } = target;
  if (metric === 'errorGroup.count')
    return errorGroupCount(em, target.stackHash ?? '', window, filter);
  if (metric === 'trace.p95Ms') return traceP95(em, target.operation ?? '', window, filter);
  const [kpi, field] = metric.split('.') as [string, string];
  const args = { ...filter, days: window.days, asOf: new Date(window.to.getTime() - DAY_MS) };
  const summary: Record<string, unknown> =
    kpi === 'cdr'
      ? await kpiService.cdr(em, args)
      : kpi === 'resurrection'
        ? await kpiService.resurrection(em, args, INACTIVE_DAYS)
        : kpi === 'dauWau'
          ? await kpiService.dauWau(em, args)
          : await kpiService.paidConversion(em, args);
  const value = summary[field];
  return typeof value === 'number' ? value : null;
}

/**
 * Changes are differences of floating-point rates: 0.6 − 0.5 is 0.09999999999999998, and a rule
 * on "fell by 0.1" must fire for it.
 */
const EPSILON = 1e-9;

export interface ConditionSpec {
  condition: AlertCondition;
  threshold: number;
  changeMode: AlertChangeMode | null;
}

/**
 * A number for the sentence a person reads (the payload keeps the exact values): two decimals from
 * 1 up, four significant digits below. Against a strict ABOVE/BELOW threshold, the exact value
 * when the short one would read as equal to it while it is not. (A change is compared with a
 * tolerance, so 0.09999999999999998 may read as the 0.1 it counts as.)
 */
export function readable(value: number, threshold?: number): string {
  const short = (v: number) => (Math.abs(v) >= 1 ? Number(v.toFixed(2)) : Number(v.toPrecision(4)));
  if (threshold !== undefined && value !== threshold && short(value) === short(threshold))
    return String(value);
  return String(short(value));
}

/** Whether the condition holds, and the sentence that says why (or why not). */
export function conditionHolds(
  spec: ConditionSpec,
  value: number | null,
  previous: number | null,
): { firing: boolean; message: string } {
  const { condition, threshold } = spec;
  if (value === null) return { firing: false, message: 'no data in the window' };
  if (condition === 'above' || condition === 'below') {
    const firing = condition === 'above' ? value > threshold : value < threshold;
    return {
      firing,
      message: `${readable(value, threshold)} is ${firing ? '' : 'not '}${condition} ${threshold}`,
    };
  }
  if (previous === null) return { firing: false, message: 'no data in the previous window' };
  const delta = condition === 'increase' ? value - previous : previous - value;
  if (spec.changeMode === 'relative') {
    if (previous === 0)
      return { firing: false, message: 'the previous window is 0: no relative change' };
    const share = delta / Math.abs(previous);
    const firing = share >= threshold - EPSILON;
    return {
      firing,
      message: `${condition === 'increase' ? 'rose' : 'fell'} by ${readable(share)} of ${readable(previous)} (from ${readable(previous)} to ${readable(value)}; threshold ${threshold})`,
    };
  }
  const firing = delta >= threshold - EPSILON;
  return {
    firing,
    message: `${condition === 'increase' ? 'rose' : 'fell'} by ${readable(delta)} (from ${readable(previous)} to ${readable(value)}; threshold ${threshold})`,
  };
}

export interface ChannelMove {
  channel: string;
  value: number | null;
  previousValue: number | null;
  change: number;
}

/**
 * The explanation's first half: per channel, the metric in both windows; the channel whose
 * value moved most (absolute change) comes first. Null for a rule on one channel.
 */
export async function channelMoves(
  em: EntityManager,
  q: MetricQuery,
  window: KpiWindow,
): Promise<ChannelMove[] | null> {
  if (q.channel !== null) return null;
  const previous = previousWindow(window);
  const moves = await Promise.all(
    CHANNELS.map(async (channel) => {
      const filter = { phase: q.phase, channel };
      const [value, previousValue] = await Promise.all([
        readMetric(em, q.target, window, filter),
        readMetric(em, q.target, previous, filter),
      ]);
      return { channel, value, previousValue, change: (value ?? 0) - (previousValue ?? 0) };
    }),
  );
  return moves.sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
}
