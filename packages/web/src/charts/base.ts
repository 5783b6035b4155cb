import type { ApexOptions } from 'apexcharts';
import type { CsvValue } from '../csv';
import { formatCount } from '../format';

/**
 * What every chart of the dashboard is made of: apexcharts options and series, plus the CSV of
 * the very API values the series were drawn from. Builders are pure so they are unit-tested.
 */
export type Series = NonNullable<ApexOptions['series']>;

export interface ChartSpec {
  type: 'line' | 'bar';
  options: ApexOptions;
  series: Series;
  csv: { header: string[]; rows: CsvValue[][] };
}

export const DAY_MS = 86_400_000;
export const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** Colours chosen to stay apart for colour-blind readers; dashes tell the lines apart too. */
export const PALETTE = ['#3b5bdb', '#e8590c', '#2b8a3e', '#862e9c', '#c92a2a'];
export const DASHES = [0, 6, 2, 8];

/**
 * Today's UTC day is still filling up: when it is in the series, it gets a shaded band labelled
 * "today · incomplete" (text, not just a tint).
 */
export function incompleteDay(
  lastDay: string | undefined,
  today: string,
): ApexOptions['annotations'] {
  if (lastDay !== today) return { xaxis: [] };
  const start = dayMs(today);
  return {
    xaxis: [
      {
        x: start - DAY_MS / 2,
        x2: start + DAY_MS / 2,
        fillColor: '#adb5bd',
        opacity: 0.25,
        borderColor: '#868e96',
        strokeDashArray: 3,
        label: {
          // anchored at the band's right edge and drawn leftwards, so it never leaves the plot
          text: 'today · incomplete',
          orientation: 'horizontal',
          position: 'top',
          textAnchor: 'end',
          offsetX: -4,
          style: { background: '#f1f3f5', color: '#343a40', fontSize: '11px' },
        },
      },
    ],
  };
}

/** The chart frame every KPI and cohort chart shares: no toolbar, zoom or animation, the page's font. */
export const chartFrame = () => ({
  toolbar: { show: false },
  zoom: { enabled: false },
  animations: { enabled: false },
  fontFamily: 'inherit',
  parentHeightOffset: 0,
});

/** A UTC day axis with titles, a shared tooltip and a legend: the frame of every daily chart. */
export function dailyChart(opts: {
  yTitle: string;
  yFormat: (value: number) => string;
  lastDay: string | undefined;
  today: string;
  yMax?: number;
}): ApexOptions {
  return {
    chart: chartFrame(),
    colors: PALETTE,
    stroke: { width: 2, curve: 'straight', dashArray: DASHES },
    markers: { size: 0, hover: { size: 4 } },
    dataLabels: { enabled: false },
    xaxis: {
      type: 'datetime',
      title: { text: 'Day (UTC)' },
      labels: { datetimeUTC: true, format: 'dd MMM', hideOverlappingLabels: true },
      tooltip: { enabled: false },
    },
    yaxis: {
      min: 0,
      ...(opts.yMax === undefined ? {} : { max: opts.yMax }),
      forceNiceScale: true,
      title: { text: opts.yTitle },
      labels: { formatter: opts.yFormat },
    },
    tooltip: {
      shared: true,
      intersect: false,
      x: { format: 'ddd dd MMM yyyy (UTC)' },
      y: { formatter: (value: number | null) => (value == null ? '—' : opts.yFormat(value)) },
    },
    legend: { show: true, position: 'top', horizontalAlign: 'left', showForSingleSeries: true },
    grid: { borderColor: '#e9ecef' },
    annotations: incompleteDay(opts.lastDay, opts.today),
    noData: { text: 'No data in this window' },
  };
}

export const points = <P extends { day: string }>(
  rows: readonly P[],
  value: (p: P) => number | null,
) => rows.map((p) => ({ x: dayMs(p.day), y: value(p) }));

export const integer = (value: number) => formatCount(Math.round(value));
export const percent = (value: number) => `${value.toFixed(1)}%`;
/** A rate (0–1) drawn on a percent axis; the tooltip then shows one decimal, as the cards. */
export const asPercent = (rate: number | null) => (rate == null ? null : rate * 100);
