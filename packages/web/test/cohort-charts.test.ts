import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  funnelChart,
  lifecycleChart,
  lifecyclePeriod,
  retentionCsv,
  retentionCurveChart,
  retentionHeatMap,
} from '../src/charts/cohort-charts';
import { toCsv } from '../src/csv';

/** Retention, lifecycle and funnel builders: the API's rows in, exact series, cells and CSV out. */
const MON_2 = Date.UTC(2026, 10, 2);
const MON_9 = Date.UTC(2026, 10, 9);

describe('the lifecycle chart', () => {
  const periods = [
    { start: '2026-11-02', new: 3, returning: 0, resurrecting: 0, dormant: 0 },
    { start: '2026-11-09', new: 1, returning: 2, resurrecting: 1, dormant: 1 },
  ];

  it('stacks new, returning and resurrecting above the axis and dormant below it', () => {
    const spec = lifecycleChart(periods, 'WEEK');
    expect(spec.type).toBe('bar');
    expect(spec.options.chart?.stacked).toBe(true);
    expect(spec.series).toEqual([
      {
        name: 'New',
        data: [
          { x: MON_2, y: 3 },
          { x: MON_9, y: 1 },
        ],
      },
      {
        name: 'Returning',
        data: [
          { x: MON_2, y: 0 },
          { x: MON_9, y: 2 },
        ],
      },
      {
        name: 'Resurrecting',
        data: [
          { x: MON_2, y: 0 },
          { x: MON_9, y: 1 },
        ],
      },
      {
        name: 'Dormant',
        data: [
          { x: MON_2, y: 0 },
          { x: MON_9, y: -1 },
        ],
      },
    ]);
    expect(spec.options.xaxis?.title?.text).toBe('ISO week (UTC, starting Monday)');
    // the axis and tooltip show dormant users as a count, not a negative number
    const yaxis = spec.options.yaxis as { labels: { formatter: (v: number) => string } };
    expect(yaxis.labels.formatter(-1200)).toBe('1,200');
  });

  it('exports the API counts, dormant positive as the API sends it', () => {
    const spec = lifecycleChart(periods, 'DAY');
    expect(spec.options.xaxis?.title?.text).toBe('Day (UTC)');
    expect(toCsv(spec.csv.header, spec.csv.rows)).toBe(
      'start,new,returning,resurrecting,dormant\r\n2026-11-02,3,0,0,0\r\n2026-11-09,1,2,1,1\r\n',
    );
  });

  it('uses days up to 30-day windows and ISO weeks beyond', () => {
    expect([7, 14, 30, 90].map(lifecyclePeriod)).toEqual(['DAY', 'DAY', 'DAY', 'WEEK']);
  });
});

describe('the retention heat map', () => {
  const cohorts = [
    { start: '2026-11-02', size: 4, values: [4, 2, 1], incomplete: false },
    { start: '2026-11-09', size: 3, values: [3, 1], incomplete: true },
    { start: '2026-11-16', size: 0, values: [0], incomplete: true },
  ];

  it('gives each value its count, its share of the cohort, and marks the filling period', () => {
    expect(retentionHeatMap(cohorts)).toEqual([
      {
        start: '2026-11-02',
        size: 4,
        cells: [
          { k: 0, count: 4, share: 1, incomplete: false, heat: 1 },
          { k: 1, count: 2, share: 0.5, incomplete: false, heat: 0.5 },
          { k: 2, count: 1, share: 0.25, incomplete: false, heat: 0.25 },
        ],
      },
      {
        start: '2026-11-09',
        size: 3,
        cells: [
          { k: 0, count: 3, share: 1, incomplete: false, heat: 1 },
          { k: 1, count: 1, share: 1 / 3, incomplete: true, heat: 1 / 3 },
        ],
      },
      // an empty cohort has no share, and no shade
      {
        start: '2026-11-16',
        size: 0,
        cells: [{ k: 0, count: 0, share: null, incomplete: true, heat: 0 }],
      },
    ]);
  });

  it('exports one column per k, blank where a cohort has no value yet', () => {
    const { header, rows } = retentionCsv(cohorts, 2);
    expect(toCsv(header, rows)).toBe(
      'start,size,incomplete,value_0,value_1,value_2\r\n' +
        '2026-11-02,4,false,4,2,1\r\n' +
        '2026-11-09,3,true,3,1,\r\n' +
        '2026-11-16,0,true,0,,\r\n',
    );
  });
});

describe('the retention curves', () => {
  it('puts every curve on one percent axis, k periods after the cohort', () => {
    const spec = retentionCurveChart(
      [
        { name: 'Both betas', values: [1, 3 / 7, 0.25] },
        { name: 'Closed beta', values: [1, 0.5, null] },
        { name: 'Open beta', values: [1, 1 / 3] },
      ],
      'WEEK',
    );
    expect(spec.type).toBe('line');
    expect(spec.series).toEqual([
      {
        name: 'Both betas',
        data: [
          { x: 0, y: 100 },
          { x: 1, y: (3 / 7) * 100 },
          { x: 2, y: 25 },
        ],
      },
      {
        name: 'Closed beta',
        data: [
          { x: 0, y: 100 },
          { x: 1, y: 50 },
          { x: 2, y: null },
        ],
      },
      {
        name: 'Open beta',
        data: [
          { x: 0, y: 100 },
          { x: 1, y: (1 / 3) * 100 },
        ],
      },
    ]);
    expect(spec.options.xaxis?.title?.text).toBe("Weeks after the cohort's");
    expect(toCsv(spec.csv.header, spec.csv.rows)).toBe(
      'k,Both betas,Closed beta,Open beta\r\n' +
        `0,1,1,1\r\n1,${3 / 7},0.5,${1 / 3}\r\n2,0.25,,\r\n`,
    );
  });
});

describe('the funnel chart', () => {
  const step = (
    eventName: string,
    users: number,
    fromStart: number | null,
    fromPrevious: number | null,
    median: number | null,
  ) => ({
    eventName,
    users,
    conversionFromStart: fromStart,
    conversionFromPrevious: fromPrevious,
    medianSecondsFromPrevious: median,
  });

  it('draws a bar per step for each beta, and exports every figure of both', () => {
    const spec = funnelChart([
      {
        name: 'Closed beta',
        steps: [
          step('EXTENSION_ACTIVATED', 4, 1, null, null),
          step('CONTEXT_CREATED', 2, 0.5, 0.5, 5400),
        ],
      },
      {
        name: 'Open beta',
        steps: [
          step('EXTENSION_ACTIVATED', 0, null, null, null),
          step('CONTEXT_CREATED', 0, null, null, null),
        ],
      },
    ]);
    expect(spec.type).toBe('bar');
    expect(spec.series).toEqual([
      { name: 'Closed beta', data: [4, 2] },
      { name: 'Open beta', data: [0, 0] },
    ]);
    expect(spec.options.xaxis?.categories).toEqual([
      '1. extension_activated',
      '2. context_created',
    ]);
    expect(toCsv(spec.csv.header, spec.csv.rows)).toBe(
      'step,eventName,closed_beta_users,closed_beta_conversionFromStart,closed_beta_conversionFromPrevious,closed_beta_medianSecondsFromPrevious,open_beta_users,open_beta_conversionFromStart,open_beta_conversionFromPrevious,open_beta_medianSecondsFromPrevious\r\n' +
        '1,EXTENSION_ACTIVATED,4,1,,,0,,,\r\n' +
        '2,CONTEXT_CREATED,2,0.5,0.5,5400,0,,,\r\n',
    );
  });

  it('writes median times in the largest units that fit', () => {
    expect(
      [null, 0, 59.6, 60, 3599, 3600, 5400, 86_399, 86_400, 93_600, 90_000].map(formatDuration),
    ).toEqual([
      '—',
      '0 s',
      '1 min',
      '1 min',
      '59 min',
      '1 h',
      '1 h 30 min',
      '23 h 59 min',
      '1 d',
      '1 d 2 h',
      '1 d 1 h',
    ]);
  });
});
