import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, query, queryError, record } from './kpi-fixtures.js';

/**
 * Retention (docs/kpis.md#5-retention--do-the-users-we-win-stay), the document's worked example.
 * Two activity events stay pending (unfolded): ana's October day moves her first-ever start out of
 * the window, and cy's Sunday moves her cohort from the week of 11-16 to the week of 11-02 — both
 * only through the pending tail's re-links.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await record(app, [
    ev('SESSION_STARTED', '2026-11-03T08:00:00.000Z', 'ana'),
    ev('SESSION_STARTED', '2026-11-10T08:00:00.000Z', 'ana'),
    ev('CONTEXT_LOADED', '2026-10-25T10:00:00.000Z', 'ben', { sessionId: 's' }),
    ev('EXTENSION_ACTIVATED', '2026-11-02T00:00:00.000Z', 'ben'),
    ev('SESSION_STARTED', '2026-11-09T12:00:00.000Z', 'ben'),
    ev('WEB_VIEW_OPENED', '2026-11-18T23:59:59.999Z', 'ben'),
    ev('CONTEXT_LOADED', '2026-11-12T12:00:00.000Z', 'cy', { sessionId: 's' }),
    ev('SESSION_STARTED', '2026-11-16T12:00:00.000Z', 'cy'),
    ev('SESSION_STARTED', '2026-11-09T09:00:00.000Z', 'dee'),
    ev('SESSION_STARTED', '2026-11-19T00:00:00.000Z', 'dee'), // the window's end: ignored
    ev('SESSION_STARTED', '2026-11-20T09:00:00.000Z', 'gil'), // first-ever after asOf: no cohort
    ev('SESSION_STARTED', '2026-11-17T09:00:00.000Z', 'eve', { channel: 'WEB' }),
    ev('CONTEXT_LOADED', '2026-11-03T09:00:00.000Z', 'fay', { sessionId: 's' }),
    ev('SESSION_STARTED', '2026-11-10T09:00:00.000Z', 'fay'),
  ]);
  await foldPendingDays(app.orm.em.fork());
  await record(app, [
    ev('SESSION_STARTED', '2026-10-20T10:00:00.000Z', 'ana'),
    ev('SERVER_OPERATION_CALLED', '2026-11-08T23:59:59.999Z', 'cy'), // a Sunday: week of 11-02
    ev('SESSION_STARTED', '2026-11-21T09:00:00.000Z', 'ana'), // after asOf, in its week: ignored
  ]);
  const [left] = await app.sql<{ n: number }>('select count(*)::int as n from kpi_pending');
  expect(left?.n).toBeGreaterThan(0);
});
afterAll(async () => app?.close());

const RETENTION = /* GraphQL */ `
  query ($period: RetentionPeriod, $intervals: Int, $type: RetentionType, $days: Int,
    $asOf: DateTime, $channel: Channel, $startEvent: CortexEventName, $returnEvent: CortexEventName) {
    retention(period: $period, intervals: $intervals, type: $type, days: $days, asOf: $asOf,
      channel: $channel, startEvent: $startEvent, returnEvent: $returnEvent) {
      window { from to days } period type intervals startEvent returnEvent
      cohorts { start size values incomplete }
      average { values }
    }
  }`;
const weeks = { period: 'WEEK', intervals: 2, days: 21, asOf: '2026-11-18T10:00:00.000Z' };
const cohort = (start: string, values: number[], incomplete = true) => ({
  start,
  size: values[0],
  values,
  incomplete,
});
const tableOf = (r: { cohorts: unknown; average: unknown }) => ({
  cohorts: r.cohorts,
  average: r.average,
});

describe('retention', () => {
  it('is the worked example of docs/kpis.md: first-time weekly cohorts, pending facts included', async () => {
    const r = await query(app, RETENTION, weeks);
    expect(r).toEqual({
      // the window 10-29 … 11-18: the weeks of 11-02, 11-09 and 11-16 (asOf's, incomplete)
      window: { from: '2026-10-29T00:00:00.000Z', to: '2026-11-19T00:00:00.000Z', days: 21 },
      period: 'WEEK',
      type: 'FIRST_TIME',
      intervals: 2,
      startEvent: null,
      returnEvent: null,
      cohorts: [
        cohort('2026-11-02', [2, 1, 2]), // ben (Monday 00:00), cy (Sunday); ben back, then both
        cohort('2026-11-09', [2, 0]), // dee, fay (her context load is no activity); dee's 11-19 is out
        cohort('2026-11-16', [1]), // eve
      ],
      average: { values: [1, 1 / 4, 1] },
    });
  });

  it('gives the same answer once everything is folded', async () => {
    await foldPendingDays(app.orm.em.fork());
    expect(tableOf(await query(app, RETENTION, weeks))).toEqual({
      cohorts: [
        cohort('2026-11-02', [2, 1, 2]),
        cohort('2026-11-09', [2, 0]),
        cohort('2026-11-16', [1]),
      ],
      average: { values: [1, 1 / 4, 1] },
    });
  });

  it('puts a recurring user in every period they started in', async () => {
    const r = await query(app, RETENTION, { ...weeks, type: 'RECURRING' });
    expect(tableOf(r)).toEqual({
      cohorts: [
        cohort('2026-11-02', [3, 2, 2]), // ana, ben, cy
        cohort('2026-11-09', [4, 1]), // ana, ben, dee, fay; ben back
        cohort('2026-11-16', [3]), // ben, cy, eve
      ],
      average: { values: [1, 3 / 7, 2 / 3] },
    });
  });

  it('starts or returns with a named event instead of activity', async () => {
    const started = await query(app, RETENTION, { ...weeks, startEvent: 'CONTEXT_LOADED' });
    // first loads: ben 10-25 (before the cohorts), fay 11-03, cy 11-12
    expect(started.startEvent).toBe('CONTEXT_LOADED');
    expect(tableOf(started)).toEqual({
      cohorts: [
        cohort('2026-11-02', [1, 1, 0]),
        cohort('2026-11-09', [1, 1]),
        cohort('2026-11-16', [0]),
      ],
      average: { values: [1, 1, 0] },
    });
    const returned = await query(app, RETENTION, { ...weeks, returnEvent: 'CONTEXT_LOADED' });
    expect(tableOf(returned).cohorts).toEqual([
      cohort('2026-11-02', [2, 1, 0]), // cy loads a context on 11-12
      cohort('2026-11-09', [2, 0]),
      cohort('2026-11-16', [1]),
    ]);
    const both = await query(app, RETENTION, {
      ...weeks,
      type: 'RECURRING',
      startEvent: 'CONTEXT_LOADED',
      returnEvent: 'SESSION_STARTED',
    });
    expect(tableOf(both).cohorts).toEqual([
      cohort('2026-11-02', [1, 1, 0]), // fay; her session on 11-10
      cohort('2026-11-09', [1, 1]), // cy; her session on 11-16
      cohort('2026-11-16', [0]),
    ]);
  });

  it('counts days; rows stop at the period containing asOf', async () => {
    const r = await query(app, RETENTION, {
      period: 'DAY',
      intervals: 26,
      days: 3,
      asOf: '2026-11-10T05:00:00Z',
    });
    expect(tableOf(r)).toEqual({
      cohorts: [
        cohort('2026-11-08', [1, 0, 0]), // cy's Sunday
        cohort('2026-11-09', [1, 0]), // dee (ben started on 11-02)
        cohort('2026-11-10', [1]), // fay
      ],
      average: { values: [1, 0, 0] },
    });
    // a row that ends before asOf's period is complete
    const short = await query(app, RETENTION, { ...weeks, intervals: 1 });
    expect(short.cohorts[0]).toEqual(cohort('2026-11-02', [2, 1], false));
  });

  it('drops the other channels first; an average over empty cohorts is null', async () => {
    const r = await query(app, RETENTION, { ...weeks, channel: 'WEB' });
    expect(tableOf(r)).toEqual({
      cohorts: [
        cohort('2026-11-02', [0, 0, 0]),
        cohort('2026-11-09', [0, 0]),
        cohort('2026-11-16', [1]),
      ],
      average: { values: [1, null, null] },
    });
  });

  it('has no cohort when no period starts in the window', async () => {
    const r = await query(app, RETENTION, { ...weeks, days: 2, asOf: '2026-11-18T00:00:00Z' });
    expect(tableOf(r)).toEqual({ cohorts: [], average: { values: [] } });
  });

  it('defaults to first-time weekly cohorts over 90 days, 12 intervals', async () => {
    const r = await query(app, RETENTION, { asOf: '2026-11-18T10:00:00Z' });
    expect([r.period, r.type, r.intervals, r.window.days]).toEqual(['WEEK', 'FIRST_TIME', 12, 90]);
    expect(r.cohorts).toHaveLength(13);
  });

  it('rejects bad arguments naming them', async () => {
    for (const intervals of [0, 27]) {
      expect(await queryError(app, RETENTION, { intervals })).toEqual({
        message: `intervals: must be between 1 and 26 (got ${intervals})`,
        code: 'BAD_USER_INPUT',
      });
    }
    expect(await queryError(app, RETENTION, { days: 367 })).toEqual({
      message: 'days: must be between 1 and 366 (got 367)',
      code: 'BAD_USER_INPUT',
    });
  });
});
