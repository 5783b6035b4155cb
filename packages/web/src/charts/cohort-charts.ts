import type { CsvValue } from '../csv';
import { type ChartSpec, chartFrame, dayMs, integer, PALETTE, percent } from './base';

/**
 * Retention, lifecycle and funnel (docs/kpis.md sections 5–7) as the dashboard draws them: pure
 * builders from the API's rows, so the numbers on screen and in the CSV are the API's own.
 */

export interface LifecyclePoint {
  start: string;
  new: number;
  returning: number;
  resurrecting: number;
  dormant: number;
}

/** Stacked bars per period: the active kinds above the axis, dormant (a positive count) below it. */
export function lifecycleChart(
  periods: readonly LifecyclePoint[],
  period: 'DAY' | 'WEEK',
): ChartSpec {
  const bar = (name: string, value: (p: LifecyclePoint) => number) => ({
    name,
    data: periods.map((p) => ({ x: dayMs(p.start), y: value(p) })),
  });
  return {
    type: 'bar',
    options: {
      chart: { ...chartFrame(), stacked: true },
      // new, returning, resurrecting, dormant
      colors: ['#3b5bdb', '#2b8a3e', '#862e9c', '#c92a2a'],
      dataLabels: { enabled: false },
      plotOptions: { bar: { columnWidth: '70%' } },
      xaxis: {
        type: 'datetime',
        title: { text: period === 'WEEK' ? 'ISO week (UTC, starting Monday)' : 'Day (UTC)' },
        labels: { datetimeUTC: true, format: 'dd MMM', hideOverlappingLabels: true },
        tooltip: { enabled: false },
      },
      yaxis: {
        forceNiceScale: true,
        title: { text: 'Users (dormant below zero)' },
        labels: { formatter: (v: number) => integer(Math.abs(v)) },
      },
      tooltip: {
        shared: true,
        intersect: false,
        x: { format: 'ddd dd MMM yyyy (UTC)' },
        y: { formatter: (v: number | null) => (v == null ? '—' : integer(Math.abs(v))) },
      },
      legend: { show: true, position: 'top', horizontalAlign: 'left' },
      grid: { borderColor: '#e9ecef' },
      noData: { text: 'No data in this window' },
    },
    series: [
      bar('New', (p) => p.new),
      bar('Returning', (p) => p.returning),
      bar('Resurrecting', (p) => p.resurrecting),
      bar('Dormant', (p) => 0 - p.dormant),
    ],
    csv: {
      header: ['start', 'new', 'returning', 'resurrecting', 'dormant'],
      rows: periods.map((p) => [p.start, p.new, p.returning, p.resurrecting, p.dormant]),
    },
  };
}

export interface RetentionCohortRow {
  start: string;
  size: number;
  values: readonly number[];
  incomplete: boolean;
}

export interface HeatCell {
  /** Periods after the cohort's. */
  k: number;
  count: number;
  /** count ÷ size; null for an empty cohort. */
  share: number | null;
  /** The period containing asOf, still filling up. */
  incomplete: boolean;
  /** Background opacity, 0–1: the share itself. */
  heat: number;
}

export interface HeatRow {
  start: string;
  size: number;
  cells: HeatCell[];
}

/** The cohort table as a heat map: one cell per value, shaded by its share of the cohort. */
export function retentionHeatMap(cohorts: readonly RetentionCohortRow[]): HeatRow[] {
  return cohorts.map((c) => ({
    start: c.start,
    size: c.size,
    cells: c.values.map((count, k) => {
      const share = c.size > 0 ? count / c.size : null;
      return {
        k,
        count,
        share,
        incomplete: c.incomplete && k === c.values.length - 1,
        heat: share ?? 0,
      };
    }),
  }));
}

/** CSV of the cohort table: the API's values, one column per k, blank past a cohort's row. */
export function retentionCsv(
  cohorts: readonly RetentionCohortRow[],
  intervals: number,
): { header: string[]; rows: CsvValue[][] } {
  const ks = Array.from({ length: intervals + 1 }, (_, k) => k);
  return {
    header: ['start', 'size', 'incomplete', ...ks.map((k) => `value_${k}`)],
    rows: cohorts.map((c) => [c.start, c.size, c.incomplete, ...ks.map((k) => c.values[k])]),
  };
}

export interface RetentionCurve {
  name: string;
  /** Per k: the share retained (0–1), null when no cohort has a k-th value. */
  values: readonly (number | null)[];
}

/** Average retention curves on one chart: x is periods after the cohort's, y the percent kept. */
export function retentionCurveChart(
  curves: readonly RetentionCurve[],
  period: 'DAY' | 'WEEK',
): ChartSpec {
  const length = Math.max(0, ...curves.map((c) => c.values.length));
  const ks = Array.from({ length }, (_, k) => k);
  const unit = period === 'WEEK' ? 'Weeks' : 'Days';
  return {
    type: 'line',
    options: {
      chart: chartFrame(),
      colors: PALETTE,
      stroke: { width: 2, curve: 'straight', dashArray: [0, 6, 2] },
      markers: { size: 3 },
      dataLabels: { enabled: false },
      xaxis: {
        type: 'numeric',
        tickAmount: Math.min(Math.max(length - 1, 1), 12),
        title: { text: `${unit} after the cohort's` },
        labels: { formatter: (v: string) => String(Math.round(Number(v))) },
      },
      yaxis: {
        min: 0,
        max: 100,
        forceNiceScale: true,
        title: { text: 'Users retained (%)' },
        labels: { formatter: percent },
      },
      tooltip: {
        shared: true,
        intersect: false,
        y: { formatter: (v: number | null) => (v == null ? '—' : percent(v)) },
      },
      legend: { show: true, position: 'top', horizontalAlign: 'left', showForSingleSeries: true },
      grid: { borderColor: '#e9ecef' },
      noData: { text: 'No cohorts in this window' },
    },
    series: curves.map((c) => ({
      name: c.name,
      data: c.values.map((v, k) => ({ x: k, y: v == null ? null : v * 100 })),
    })),
    csv: {
      header: ['k', ...curves.map((c) => c.name)],
      rows: ks.map((k) => [k, ...curves.map((c) => c.values[k] ?? null)]),
    },
  };
}

export interface FunnelStepRow {
  eventName: string;
  users: number;
  conversionFromStart: number | null;
  conversionFromPrevious: number | null;
  medianSecondsFromPrevious: number | null;
}

/** `3 h 20 min`, `2 d 4 h`, `45 s`: the median time between two steps, `—` when none. */
export function formatDuration(seconds: number | null): string {
  if (seconds == null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** A bar per step, closed and open beta side by side; labels say the conversion from the start. */
export function funnelChart(
  betas: readonly { name: string; steps: readonly FunnelStepRow[] }[],
): ChartSpec {
  const labels = (betas[0]?.steps ?? []).map((s, i) => `${i + 1}. ${s.eventName.toLowerCase()}`);
  const csvColumns = [
    'users',
    'conversionFromStart',
    'conversionFromPrevious',
    'medianSecondsFromPrevious',
  ] as const;
  const slug = (name: string) => name.toLowerCase().replace(/\s+/g, '_');
  return {
    type: 'bar',
    options: {
      chart: chartFrame(),
      colors: PALETTE,
      plotOptions: { bar: { columnWidth: '70%', dataLabels: { position: 'top' } } },
      fill: { type: ['solid', 'pattern'], pattern: { style: 'slantedLines', width: 6, height: 6 } },
      dataLabels: { enabled: false },
      xaxis: {
        type: 'category',
        categories: labels,
        title: { text: 'Step' },
        labels: { rotate: -30, hideOverlappingLabels: false, trim: true },
      },
      yaxis: {
        min: 0,
        forceNiceScale: true,
        title: { text: 'Users' },
        labels: { formatter: integer },
      },
      tooltip: { shared: true, intersect: false, y: { formatter: integer } },
      legend: { show: true, position: 'top', horizontalAlign: 'left' },
      grid: { borderColor: '#e9ecef' },
      noData: { text: 'Nobody entered the funnel in this window' },
    },
    series: betas.map((b) => ({ name: b.name, data: b.steps.map((s) => s.users) })),
    csv: {
      header: [
        'step',
        'eventName',
        ...betas.flatMap((b) => csvColumns.map((c) => `${slug(b.name)}_${c}`)),
      ],
      rows: (betas[0]?.steps ?? []).map((s, i) => [
        i + 1,
        s.eventName,
        ...betas.flatMap((b) => csvColumns.map((c) => b.steps[i]?.[c] ?? null)),
      ]),
    },
  };
}

/** Days for windows up to 30 days, ISO weeks for longer ones: enough bars, none too thin. */
export const lifecyclePeriod = (days: number): 'DAY' | 'WEEK' => (days > 30 ? 'WEEK' : 'DAY');
