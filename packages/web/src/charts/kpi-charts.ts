import { asPercent, type ChartSpec, dailyChart, integer, percent, points } from './base';

/** The four charts of a beta dashboard, from the `kpis` series of the API. */
export interface DauWauPoint {
  day: string;
  dau: number;
  wau: number;
  mau: number;
}
export interface CdrPoint {
  day: string;
  rate: number | null;
  sessions: number;
  dependentSessions: number;
}
export interface ResurrectionPoint {
  day: string;
  resurrectedUsers: number;
  activeUsers: number;
}
export interface ConversionPoint {
  day: string;
  conversions: number;
  cancellations: number;
}

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
