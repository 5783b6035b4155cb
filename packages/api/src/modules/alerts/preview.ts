import type { EntityManager } from '@mikro-orm/postgresql';
import { kpiService, summarizeDauWau } from '../kpi/kpi.service.js';
import { type KpiWindow, kpiWindow, shiftDay } from '../shared/window.js';
import type { AlertMetric } from './alert-kinds.js';
import { readMetric } from './evaluate.js';
import { filterOf, type Measured, type MetricRule, measure, targetOf } from './measure.js';
import type { RuleSettings } from './write-rule.sql.js';

/** How many days the preview's sparkline covers. */
export const PREVIEW_POINTS = 14;

export interface AlertPreviewPoint {
  /** The last day of the window (inclusive, like `asOf`), `YYYY-MM-DD`. */
  windowEnd: string;
  value: number | null;
}

/** What `previewAlertRule` answers: a check that stores and sends nothing, and its history. */
export interface AlertPreview extends Measured {
  points: AlertPreviewPoint[];
}

const ruleOf = (s: RuleSettings): MetricRule => ({
  metric: s.metric,
  stack_hash: s.stackHash,
  operation: s.operation,
  phase: s.phase,
  channel: s.channel,
  days: s.days,
  include_today: s.includeToday,
  condition: s.condition,
  threshold: s.threshold,
  change_mode: s.changeMode,
});

const DAU_WAU_FIELDS: Partial<Record<AlertMetric, keyof ReturnType<typeof summarizeDauWau>>> = {
  'dauWau.dau': 'dau',
  'dauWau.avgDau': 'avgDau',
  'dauWau.wau': 'wau',
  'dauWau.mau': 'mau',
  'dauWau.stickiness': 'stickiness',
};

/**
 * The metric for windows of the rule's length ending on each of the last 14 days, oldest first.
 * A DAU/WAU field is a function of the daily series, so one KPI read over `days + 13` days serves
 * every point; any other metric is read once per window, each read as cheap as a check's (KPI
 * day sets, or the error and trace indexes by stack hash and operation).
 */
async function previewPoints(
  em: EntityManager,
  rule: MetricRule,
  last: KpiWindow,
): Promise<AlertPreviewPoint[]> {
  const days = last.days;
  const lastDay = shiftDay(last.endDay, -1);
  const ends = Array.from({ length: PREVIEW_POINTS }, (_, i) =>
    shiftDay(lastDay, i - PREVIEW_POINTS + 1),
  );
  const field = DAU_WAU_FIELDS[rule.metric as AlertMetric];
  if (field) {
    const { series } = await kpiService.dauWau(em, {
      ...filterOf(rule),
      days: days + PREVIEW_POINTS - 1,
      asOf: new Date(Date.parse(lastDay)),
    });
    return ends.map((windowEnd, i) => ({
      windowEnd,
      value: summarizeDauWau(series.slice(i, i + days))[field],
    }));
  }
  return Promise.all(
    ends.map(async (windowEnd) => ({
      windowEnd,
      value: await readMetric(
        em,
        targetOf(rule),
        kpiWindow(days, new Date(Date.parse(windowEnd))),
        filterOf(rule),
      ),
    })),
  );
}

/**
 * `previewAlertRule`: the rule as it would be checked at `now` (state, values, message, window)
 * and its metric over the last 14 days. Nothing is stored or sent. Rules without a metric (new
 * error groups, the weekly digest) answer OK with no points.
 */
export async function previewRule(
  em: EntityManager,
  settings: RuleSettings,
  now: Date,
): Promise<AlertPreview> {
  if (settings.kind !== 'metric') {
    return {
      state: 'ok',
      value: null,
      previousValue: null,
      message: `a ${settings.kind.toUpperCase()} rule watches no metric: nothing to preview`,
      window: null,
      points: [],
    };
  }
  const rule = ruleOf(settings);
  const measured = await measure(em, rule, now);
  if (measured.state === 'errored' || !measured.window) return { ...measured, points: [] };
  try {
    return { ...measured, points: await previewPoints(em, rule, measured.window) };
  } catch (error) {
    return {
      ...measured,
      state: 'errored',
      message: error instanceof Error ? error.message : String(error),
      points: [],
    };
  }
}
