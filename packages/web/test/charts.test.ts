import { describe, expect, it } from 'vitest';
import { annotate } from '../src/charts/annotations';
import { incompleteDay } from '../src/charts/base';
import { errorSparkline, eventVolumeChart, traceDailyChart } from '../src/charts/detail-charts';
import {
  cdrChart,
  conversionChart,
  dauWauChart,
  KPI_CHARTS,
  resurrectionChart,
} from '../src/charts/kpi-charts';
import { toCsv } from '../src/csv';

/** Chart option builders: the API's series in, apexcharts options, series and CSV out. */
const TODAY = '2026-11-12';
const MS_10 = Date.UTC(2026, 10, 10);
const MS_11 = Date.UTC(2026, 10, 11);
const MS_12 = Date.UTC(2026, 10, 12);

describe('the KPI charts', () => {
  it('draws DAU, WAU and MAU on a UTC day axis, with titles, legend and tooltip', () => {
    const spec = dauWauChart(
      [
        { day: '2026-11-10', dau: 2, wau: 2, mau: 2 },
        { day: '2026-11-11', dau: 1, wau: 2, mau: 2 },
      ],
      TODAY,
    );
    expect(spec.type).toBe('line');
    expect(spec.series).toEqual([
      {
        name: 'DAU',
        data: [
          { x: MS_10, y: 2 },
          { x: MS_11, y: 1 },
        ],
      },
      {
        name: 'WAU (7 days)',
        data: [
          { x: MS_10, y: 2 },
          { x: MS_11, y: 2 },
        ],
      },
      {
        name: 'MAU (30 days)',
        data: [
          { x: MS_10, y: 2 },
          { x: MS_11, y: 2 },
        ],
      },
    ]);
    expect(spec.options.xaxis).toMatchObject({
      type: 'datetime',
      title: { text: 'Day (UTC)' },
      labels: { datetimeUTC: true, format: 'dd MMM' },
    });
    expect(spec.options.yaxis).toMatchObject({ title: { text: 'Active users' }, min: 0 });
    expect(spec.options.legend?.show).toBe(true);
    expect(spec.options.tooltip?.x?.format).toContain('(UTC)');
    // the last day is the 11th, not today: nothing is marked incomplete
    expect(spec.options.annotations?.xaxis).toEqual([]);
    expect(spec.csv).toEqual({
      header: ['day', 'dau', 'wau', 'mau'],
      rows: [
        ['2026-11-10', 2, 2, 2],
        ['2026-11-11', 1, 2, 2],
      ],
    });
  });

  it('draws CDR in percent, a gap where there was no session, and marks today incomplete', () => {
    const spec = cdrChart(
      [
        { day: '2026-11-10', rate: 0.5, sessions: 2, dependentSessions: 1 },
        { day: '2026-11-11', rate: null, sessions: 0, dependentSessions: 0 },
        { day: '2026-11-12', rate: 1, sessions: 1, dependentSessions: 1 },
      ],
      TODAY,
    );
    expect(spec.series).toEqual([
      {
        name: 'CDR',
        data: [
          { x: MS_10, y: 50 },
          { x: MS_11, y: null },
          { x: MS_12, y: 100 },
        ],
      },
    ]);
    // the band is centred on today's point: half a day either side
    expect(spec.options.annotations?.xaxis).toMatchObject([
      { x: MS_12 - 43_200_000, x2: MS_12 + 43_200_000, label: { text: 'today · incomplete' } },
    ]);
    const tooltipY = spec.options.tooltip?.y as { formatter: (v: number | null) => string };
    const format = tooltipY.formatter;
    expect(format(66.66666)).toBe('66.7%');
    expect(format(null)).toBe('—');
    // the CSV keeps the API's fractions, not the drawn percentages
    expect(spec.csv.rows[0]).toEqual(['2026-11-10', 0.5, 2, 1]);
    expect(toCsv(spec.csv.header, spec.csv.rows)).toBe(
      'day,rate,sessions,dependentSessions\r\n2026-11-10,0.5,2,1\r\n2026-11-11,,0,0\r\n2026-11-12,1,1,1\r\n',
    );
  });

  it('puts resurrected users on their own axis beside active users', () => {
    const spec = resurrectionChart(
      [{ day: '2026-11-10', resurrectedUsers: 1, activeUsers: 2 }],
      TODAY,
    );
    expect(spec.series).toEqual([
      { name: 'Active users', type: 'line', data: [{ x: MS_10, y: 2 }] },
      { name: 'Resurrected users', type: 'column', data: [{ x: MS_10, y: 1 }] },
    ]);
    const axes = spec.options.yaxis as { title: { text: string }; opposite?: boolean }[];
    expect(axes.map((a) => [a.title.text, a.opposite ?? false])).toEqual([
      ['Active users (DAU)', false],
      ['Resurrected users', true],
    ]);
  });

  it('hatches cancellations so they do not rely on colour', () => {
    const spec = conversionChart([{ day: '2026-11-10', conversions: 1, cancellations: 0 }], TODAY);
    expect(spec.type).toBe('bar');
    expect(spec.options.fill?.type).toEqual(['solid', 'pattern']);
    expect(spec.csv.rows).toEqual([['2026-11-10', 1, 0]]);
  });
});

describe('the beta dashboard chart list', () => {
  it('draws each KPI from its own series, in the order and under the names the page shows', () => {
    const series = {
      dauWau: { series: [{ day: '2026-11-10', dau: 3, wau: 4, mau: 5 }] },
      cdr: { series: [{ day: '2026-11-10', rate: 0.25, sessions: 4, dependentSessions: 1 }] },
      resurrection: { series: [{ day: '2026-11-10', resurrectedUsers: 1, activeUsers: 3 }] },
      paidConversion: { series: [{ day: '2026-11-10', conversions: 2, cancellations: 1 }] },
    };
    expect(KPI_CHARTS.map((c) => [c.key, c.csvName])).toEqual([
      ['dau-wau', 'dau-wau-mau'],
      ['cdr', 'cdr'],
      ['resurrection', 'resurrection'],
      ['conversion', 'conversions'],
    ]);
    expect(KPI_CHARTS.map((c) => c.build(series, TODAY).csv.rows)).toEqual([
      [['2026-11-10', 3, 4, 5]],
      [['2026-11-10', 0.25, 4, 1]],
      [['2026-11-10', 1, 3]],
      [['2026-11-10', 2, 1]],
    ]);
    expect(KPI_CHARTS.map((c) => c.build(series, TODAY).type)).toEqual([
      'line',
      'line',
      'line',
      'bar',
    ]);
  });
});

describe('the detail charts', () => {
  it('sorts event volume, busiest first', () => {
    const spec = eventVolumeChart([
      { eventName: 'CONTEXT_LOADED', count: 5, users: 2 },
      { eventName: 'SESSION_STARTED', count: 9, users: 3 },
    ]);
    expect(spec.series).toEqual([{ name: 'Events', data: [9, 5] }]);
    expect(spec.options.xaxis?.categories).toEqual(['session_started', 'context_loaded']);
    expect(spec.csv.rows).toEqual([
      ['SESSION_STARTED', 9, 3],
      ['CONTEXT_LOADED', 5, 2],
    ]);
  });

  it('draws an error group as a sparkline and an operation as its daily p95', () => {
    const spark = errorSparkline([{ day: '2026-11-10', count: 2 }]);
    expect(spark.options.chart?.sparkline?.enabled).toBe(true);
    expect(spark.series).toEqual([{ name: 'Errors', data: [{ x: MS_10, y: 2 }] }]);
    const trace = traceDailyChart(
      [{ day: '2026-11-10', count: 2, successRate: 0.5, p50: 150, p95: 195, p99: 199, max: 200 }],
      TODAY,
    );
    expect(trace.series).toEqual([
      { name: 'p95', data: [{ x: MS_10, y: 195 }] },
      { name: 'p50 (median)', data: [{ x: MS_10, y: 150 }] },
    ]);
    expect(trace.csv.rows).toEqual([['2026-11-10', 2, 0.5, 150, 195, 199, 200]]);
  });

  it('marks nothing when the series does not reach today', () => {
    expect(incompleteDay(undefined, TODAY)).toEqual({ xaxis: [] });
  });
});

describe('annotations on the daily charts', () => {
  const series = [
    { day: '2026-11-10', rate: 0.5, sessions: 4, dependentSessions: 2 },
    { day: '2026-11-11', rate: null, sessions: 0, dependentSessions: 0 },
    { day: '2026-11-12', rate: 1, sessions: 1, dependentSessions: 1 },
  ];
  const notes = [
    { day: '2026-11-09', text: 'before the window' },
    { day: '2026-11-11', text: 'v0.9 released' },
    { day: '2026-11-11', text: 'invite wave' },
  ];

  it('adds one marker per annotated day of the chart, after the incomplete-day band', () => {
    const spec = annotate(cdrChart(series, TODAY), notes);
    const xaxis = spec.options.annotations?.xaxis ?? [];
    expect(xaxis).toHaveLength(2);
    expect(xaxis[0]?.label?.text).toBe('today · incomplete');
    expect(xaxis[1]).toMatchObject({
      x: MS_11,
      strokeDashArray: 4,
      label: { text: 'v0.9 released · invite wave' },
    });
  });

  it('gives the CSV an annotation column, empty on days without one', () => {
    const spec = annotate(cdrChart(series, TODAY), notes);
    expect(spec.csv.header).toEqual(['day', 'rate', 'sessions', 'dependentSessions', 'annotation']);
    expect(spec.csv.rows).toEqual([
      ['2026-11-10', 0.5, 4, 2, ''],
      ['2026-11-11', null, 0, 0, 'v0.9 released · invite wave'],
      ['2026-11-12', 1, 1, 1, ''],
    ]);
    expect(toCsv(spec.csv.header, spec.csv.rows).split('\r\n')[2]).toBe(
      '2026-11-11,,0,0,v0.9 released · invite wave',
    );
  });

  it('without notes: no marker and an empty column; the builders stay untouched', () => {
    const plain = dauWauChart([{ day: '2026-11-10', dau: 2, wau: 2, mau: 2 }], TODAY);
    const spec = annotate(plain, []);
    expect(spec.options.annotations?.xaxis).toEqual([]);
    expect(spec.csv.rows).toEqual([['2026-11-10', 2, 2, 2, '']]);
    expect(plain.csv.header).toEqual(['day', 'dau', 'wau', 'mau']);
  });
});
