import type { KpiSeriesFragment } from '../gql/graphql';
import { asPercent, type ChartSpec, dailyChart, integer, percent, points } from './base';

/** The four charts of a beta dashboard, from the `kpis` series of the API (the `KpiSeries` fragment). */
export type DauWauPoint = KpiSeriesFragment['dauWau']['series'][number];
export type CdrPoint = KpiSeriesFragment['cdr']['series'][number];
export type ResurrectionPoint = KpiSeriesFragment['resurrection']['series'][number];
export type ConversionPoint = KpiSeriesFragment['paidConversion']['series'][number];

export function dauWauChart(series: readonly DauWauPoint[], today: string): ChartSpec {
  return {
    type: 'line',
    options: dailyChart({
      yTitle: 'Active users',
      yFormat: integer,
      lastDay: series.at(-1)?.day,
      today,
    }),
    series: [
      { name: 'DAU', data: points(series, (p) => p.dau) },
      { name: 'WAU (7 days)', data: points(series, (p) => p.wau) },
      { name: 'MAU (30 days)', data: points(series, (p) => p.mau) },
    ],
    csv: {
      header: ['day', 'dau', 'wau', 'mau'],
      rows: series.map((p) => [p.day, p.dau, p.wau, p.mau]),
    },
  };
}

export function cdrChart(series: readonly CdrPoint[], today: string): ChartSpec {
  return {
    type: 'line',
    options: dailyChart({
      yTitle: 'Sessions that used context (%)',
      yFormat: percent,
      lastDay: series.at(-1)?.day,
      today,
      yMax: 100,
    }),
    series: [{ name: 'CDR', data: points(series, (p) => asPercent(p.rate)) }],
    csv: {
      header: ['day', 'rate', 'sessions', 'dependentSessions'],
      rows: series.map((p) => [p.day, p.rate, p.sessions, p.dependentSessions]),
    },
  };
}

/** Resurrected users are a few per day beside hundreds active: each gets its own axis. */
export function resurrectionChart(series: readonly ResurrectionPoint[], today: string): ChartSpec {
  const base = dailyChart({
    yTitle: 'Active users',
    yFormat: integer,
    lastDay: series.at(-1)?.day,
    today,
  });
  return {
    type: 'line',
    options: {
      ...base,
      stroke: { width: [2, 0], curve: 'straight' },
      yaxis: [
        {
          min: 0,
          forceNiceScale: true,
          title: { text: 'Active users (DAU)' },
          labels: { formatter: integer },
        },
        {
          min: 0,
          forceNiceScale: true,
          opposite: true,
          title: { text: 'Resurrected users' },
          labels: { formatter: integer },
        },
      ],
      plotOptions: { bar: { columnWidth: '60%' } },
    },
    series: [
      { name: 'Active users', type: 'line', data: points(series, (p) => p.activeUsers) },
      {
        name: 'Resurrected users',
        type: 'column',
        data: points(series, (p) => p.resurrectedUsers),
      },
    ],
    csv: {
      header: ['day', 'resurrectedUsers', 'activeUsers'],
      rows: series.map((p) => [p.day, p.resurrectedUsers, p.activeUsers]),
    },
  };
}

export function conversionChart(series: readonly ConversionPoint[], today: string): ChartSpec {
  const base = dailyChart({
    yTitle: 'Users',
    yFormat: integer,
    lastDay: series.at(-1)?.day,
    today,
  });
  return {
    type: 'bar',
    options: {
      ...base,
      stroke: { width: 0 },
      plotOptions: { bar: { columnWidth: '70%' } },
      // cancellations are hatched as well as coloured
      fill: { type: ['solid', 'pattern'], pattern: { style: 'slantedLines', width: 6, height: 6 } },
    },
    series: [
      { name: 'Conversions', data: points(series, (p) => p.conversions) },
      { name: 'Cancellations', data: points(series, (p) => p.cancellations) },
    ],
    csv: {
      header: ['day', 'conversions', 'cancellations'],
      rows: series.map((p) => [p.day, p.conversions, p.cancellations]),
    },
  };
}

/** One chart of a beta dashboard: what the panel says and how its spec is built from the series. */
export interface KpiChart {
  /** `chart-<key>` is the panel's test id. */
  key: 'dau-wau' | 'cdr' | 'resurrection' | 'conversion';
  title: string;
  description: string;
  /** The CSV file's name after the page's prefix, without `.csv`. */
  csvName: string;
  build: (series: KpiSeriesFragment, today: string) => ChartSpec;
}

/** The beta dashboard's charts, in the order they are shown. */
export const KPI_CHARTS: readonly KpiChart[] = [
  {
    key: 'dau-wau',
    title: 'Active users',
    description: 'Users active each UTC day, and in the 7 and 30 days ending that day.',
    csvName: 'dau-wau-mau',
    build: (k, today) => dauWauChart(k.dauWau.series, today),
  },
  {
    key: 'cdr',
    title: 'Context Dependency Rate per day',
    description: "Share of the day's sessions that loaded or resumed a stored context.",
    csvName: 'cdr',
    build: (k, today) => cdrChart(k.cdr.series, today),
  },
  {
    key: 'resurrection',
    title: 'Resurrected vs active users',
    description: 'Users back after 7+ idle days (columns, right axis) and DAU (line, left axis).',
    csvName: 'resurrection',
    build: (k, today) => resurrectionChart(k.resurrection.series, today),
  },
  {
    key: 'conversion',
    title: 'Conversions and cancellations',
    description: 'First paid subscriptions (solid) and cancellations (hatched) per day.',
    csvName: 'conversions',
    build: (k, today) => conversionChart(k.paidConversion.series, today),
  },
];
