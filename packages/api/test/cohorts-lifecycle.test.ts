import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, query, queryError, record } from './kpi-fixtures.js';

/**
 * Lifecycle (docs/kpis.md#6-lifecycle--who-is-new-who-returns-who-comes-back-who-slips-away): the
 * document's worked example, with two of its events left pending (unfolded) so the answer goes
 * through the pending tail: ana's Sunday turns her 11-03 from a comeback into a return, and cy's
 * October day turns her 11-15 from a first-ever day into a comeback.
 */
let app: TestApp;
const pending = [
  ev('SESSION_STARTED', '2026-11-01T23:59:59.999Z', 'ana'),
  ev('SERVER_OPERATION_CALLED', '2026-10-05T12:00:00.000Z', 'cy'),
];
beforeAll(async () => {
  app = await startTestApp();
  await record(app, [
    ev('SESSION_STARTED', '2026-10-20T10:00:00.000Z', 'ana'),
    ev('SESSION_STARTED', '2026-11-03T08:00:00.000Z', 'ana'),
    ev('SESSION_STARTED', '2026-11-10T08:00:00.000Z', 'ana'),
    ev('EXTENSION_ACTIVATED', '2026-11-02T00:00:00.000Z', 'ben'),
    ev('WEB_VIEW_OPENED', '2026-11-22T23:59:59.999Z', 'ben'),
    ev('SERVER_OPERATION_CALLED', '2026-11-15T12:00:00.000Z', 'cy'),
    ev('SESSION_STARTED', '2026-11-01T09:00:00.000Z', 'dee', { channel: 'WEB' }),
    ev('CONTEXT_LOADED', '2026-11-10T09:00:00.000Z', 'eve', { sessionId: 's' }),
    ev('SESSION_STARTED', '2026-11-17T09:00:00.000Z', 'fay'),
    ev('SESSION_STARTED', '2026-11-23T00:00:00.000Z', 'fay'), // the window's end: ignored
  ]);
  await foldPendingDays(app.orm.em.fork());
  await record(app, pending);
  const [left] = await app.sql<{ n: number }>('select count(*)::int as n from kpi_pending');
  expect(left?.n).toBeGreaterThan(0);
});
afterAll(async () => app?.close());

const LIFECYCLE = /* GraphQL */ `
  query ($period: RetentionPeriod, $days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel) {
    lifecycle(period: $period, days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      window { from to days } period
      periods { start new returning resurrecting dormant active }
    }
  }`;
const row = (start: string, n: number, ret: number, res: number, dormant: number) => ({
  start,
  new: n,
  returning: ret,
  resurrecting: res,
  dormant,
  active: n + ret + res,
});
const weeks = { period: 'WEEK', days: 21, asOf: '2026-11-22T10:00:00.000Z' };

describe('lifecycle', () => {
  it('is the worked example of docs/kpis.md (weeks, pending facts included)', async () => {
    const l = await query(app, LIFECYCLE, weeks);
    expect(l).toEqual({
      window: { from: '2026-11-02T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', days: 21 },
      period: 'WEEK',
      periods: [
        // ben new (Monday 00:00); ana returning (Sunday 11-01 before); dee dormant
        row('2026-11-02', 1, 1, 0, 1),
        // ana returning; cy resurrecting (10-05); ben dormant; eve's context load is no activity
        row('2026-11-09', 0, 1, 1, 1),
        // fay new; ben resurrecting (last active 11-02); ana and cy dormant; fay's 11-23 ignored
        row('2026-11-16', 1, 0, 1, 2),
      ],
    });
  });

  it('gives the same answer once everything is folded', async () => {
    await foldPendingDays(app.orm.em.fork());
    const [left] = await app.sql<{ n: number }>('select count(*)::int as n from kpi_pending');
    expect(left?.n).toBe(0);
    const l = await query(app, LIFECYCLE, weeks);
    expect(l.periods).toEqual([
      row('2026-11-02', 1, 1, 0, 1),
      row('2026-11-09', 0, 1, 1, 1),
      row('2026-11-16', 1, 0, 1, 2),
    ]);
  });

  it('counts days: the period before is the day before', async () => {
    const l = await query(app, LIFECYCLE, { period: 'DAY', days: 3, asOf: '2026-11-03T00:00:00Z' });
    expect(l.periods).toEqual([
      row('2026-11-01', 1, 0, 1, 0), // dee new; ana back after 10-20
      row('2026-11-02', 1, 0, 0, 2), // ben new; ana and dee dormant
      row('2026-11-03', 0, 0, 1, 1), // ana back (11-01, not 11-02); ben dormant
    ]);
  });

  it('drops the other channels first, history included', async () => {
    const l = await query(app, LIFECYCLE, { ...weeks, channel: 'WEB' });
    // only dee is on the web: active in the week of 10-26, dormant in the week of 11-02
    expect(l.periods).toEqual([
      row('2026-11-02', 0, 0, 0, 1),
      row('2026-11-09', 0, 0, 0, 0),
      row('2026-11-16', 0, 0, 0, 0),
    ]);
    const closed = await query(app, LIFECYCLE, { ...weeks, phase: 'CLOSED_BETA' });
    // before OPEN_BETA_STARTS_AT (2026-10-01) nothing happened: the closed beta is empty
    expect(closed.periods.map((p: { active: number }) => p.active)).toEqual([0, 0, 0]);
  });

  it('lists only periods that start within the window: a week needs its Monday', async () => {
    const l = await query(app, LIFECYCLE, {
      period: 'WEEK',
      days: 3,
      asOf: '2026-11-05' + 'T12:00:00Z',
    });
    expect(l.periods).toEqual([]);
    const monday = await query(app, LIFECYCLE, {
      period: 'WEEK',
      days: 1,
      asOf: '2026-11-09T12:00:00Z',
    });
    // the week of 11-09 cut at the window's end (11-10 00:00): ana's 11-10 is not in it
    expect(monday.periods).toEqual([row('2026-11-09', 0, 0, 0, 2)]);
  });

  it('defaults to days, 30 days; rejects a bad window naming the argument', async () => {
    const l = await query(app, LIFECYCLE, { asOf: '2026-11-22T10:00:00Z' });
    expect(l.period).toBe('DAY');
    expect(l.window.days).toBe(30);
    expect(l.periods).toHaveLength(30);
    expect(await queryError(app, LIFECYCLE, { days: 0 })).toEqual({
      message: 'days: must be between 1 and 366 (got 0)',
      code: 'BAD_USER_INPUT',
    });
  });
});
