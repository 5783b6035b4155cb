import type { ApexOptions } from 'apexcharts';
import { isRateMetric } from '../alerts';
import { formatCount, formatPercent } from '../format';
import type { AlertChangeMode, AlertCondition } from '../gql/graphql';
import { type ChartSpec, chartFrame, dayMs, PALETTE } from './base';

/** The charts of /alerts: a rule's sparkline of its last checks, and the editing preview. */

export interface EvaluationPoint {
  evaluatedAt: string;
  value?: number | null;
}

/**
 * The small line beside a rule: the values of its last checks, oldest first (the API answers
 * newest first). A check without a value (no data, an error) is a gap.
 */
export function alertSparkline(evaluations: readonly EvaluationPoint[], metric: string | null) {
  const oldestFirst = [...evaluations].reverse();
  const format = metricFormat(metric);
  const options: ApexOptions = {
    chart: { ...chartFrame(), sparkline: { enabled: true } },
    colors: [PALETTE[0] as string],
    stroke: { width: 2, curve: 'straight' },
    markers: { size: oldestFirst.length === 1 ? 3 : 0 },
    xaxis: { type: 'datetime', labels: { datetimeUTC: true } },
    tooltip: {
      x: { show: true, format: 'dd MMM HH:mm (UTC)' },
      y: { formatter: format, title: { formatter: () => '' } },
    },
  };
  const spec: ChartSpec = {
    type: 'line',
    options,
    series: [
      {
        name: 'Value',
        data: oldestFirst.map((e) => ({ x: Date.parse(e.evaluatedAt), y: e.value ?? null })),
      },
    ],
    csv: {
      header: ['evaluatedAt', 'value'],
      rows: oldestFirst.map((e) => [e.evaluatedAt, e.value ?? null]),
    },
  };
  return spec;
}

/** A rate axis shows percentages; any other metric, counts. */
const metricFormat = (metric: string | null) => (value: number | null) =>
  isRateMetric(metric) ? formatPercent(value) : formatCount(value);

/**
 * The value at which the rule fires: the threshold itself for ABOVE/BELOW; for a change, the
 * previous window's value moved by the threshold (absolute, or relative to that value). Null
 * when a change rule has no previous value to move from, or no threshold yet.
 */
export function triggerLevel(rule: {
  condition: AlertCondition;
  threshold: number | null;
  changeMode: AlertChangeMode;
  previousValue: number | null;
}): number | null {
  const { condition, threshold, previousValue } = rule;
  if (threshold == null) return null;
  if (condition === 'ABOVE' || condition === 'BELOW') return threshold;
  if (previousValue == null) return null;
  const change = rule.changeMode === 'RELATIVE' ? previousValue * threshold : threshold;
  return condition === 'INCREASE' ? previousValue + change : previousValue - change;
}

const FIRES_WHEN: Record<AlertCondition, string> = {
  ABOVE: 'fires above',
  BELOW: 'fires below',
  INCREASE: 'fires at or above',
  DECREASE: 'fires at or below',
};

/**
 * The preview while a rule is edited: the metric for the window of the rule's length ending on
 * each of the last 14 days, and a dashed line where the rule fires, labelled with the level in
 * words (not only a colour). For a change rule the level is the one the current check compares
 * with (the previous window's value moved by the threshold).
 */
export function alertPreviewChart(input: {
  metric: string | null;
  points: readonly { windowEnd: string; value: number | null }[];
  condition: AlertCondition;
  threshold: number | null;
  changeMode: AlertChangeMode;
  previousValue: number | null;
}): ChartSpec {
  const format = metricFormat(input.metric);
  const level = triggerLevel(input);
  const values = input.points.flatMap((p) => (p.value == null ? [] : [p.value]));
  const top = Math.max(0, ...values, level ?? 0);
  const options: ApexOptions = {
    chart: chartFrame(),
    colors: [PALETTE[0] as string],
    stroke: { width: 2, curve: 'straight' },
    markers: { size: 4 },
    dataLabels: { enabled: false },
    xaxis: {
      type: 'datetime',
      title: { text: 'Window ends (UTC)' },
      labels: { datetimeUTC: true, format: 'dd MMM', hideOverlappingLabels: true },
      tooltip: { enabled: false },
    },
    yaxis: {
      min: 0,
      // the threshold line stays in view even when every value lies below it
      max: top === 0 ? 1 : top * 1.15,
      forceNiceScale: true,
      title: { text: input.metric ?? 'Value' },
      labels: { formatter: (v: number) => format(v) },
    },
    tooltip: {
      x: { format: 'dd MMM yyyy (UTC)' },
      y: { formatter: (v: number | null) => format(v) },
    },
    legend: { show: true, position: 'top', horizontalAlign: 'left', showForSingleSeries: true },
    grid: { borderColor: '#e9ecef' },
    annotations: {
      yaxis:
        level == null
          ? []
          : [
              {
                y: level,
                borderColor: '#c92a2a',
                strokeDashArray: 6,
                label: {
                  text: `${FIRES_WHEN[input.condition]} ${format(level)}`,
                  // at the right edge, over the newest windows, clear of the y-axis labels
                  position: 'right',
                  textAnchor: 'end',
                  style: { background: '#fff1f0', color: '#a61e1e', fontSize: '11px' },
                },
              },
            ],
    },
    noData: { text: 'No data in these windows' },
  };
  return {
    type: 'line',
    options,
    series: [
      {
        name: `${input.metric ?? 'Value'} (window ending that day)`,
        data: input.points.map((p) => ({ x: dayMs(p.windowEnd), y: p.value })),
      },
    ],
    csv: {
      header: ['windowEnd', 'value', 'triggerLevel'],
      rows: input.points.map((p) => [p.windowEnd, p.value, level]),
    },
  };
}
