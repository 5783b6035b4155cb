import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, type FixtureEvent, query, queryError, record } from './kpi-fixtures.js';

/** Activity (session_started) at noon UTC of each given November day, on the server. */
const activeOn = (user: string, days: number[], over: Partial<FixtureEvent> = {}) =>
  days.map((d) =>
    ev('SESSION_STARTED', `2026-11-${String(d).padStart(2, '0')}T12:00:00.000Z`, user, over),
  );
const resumedOn = (user: string, day: number) =>
  ev('SESSION_RESUMED_FROM_CONTEXT', `2026-11-${day}T13:00:00.000Z`, user, { sessionId: 'x' });

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await record(app, [
    ...activeOn('r1', [12, 16]), // idle 13, 14, 15: 3 days
    ...activeOn('r2', [13, 16]), // idle 14, 15: 2 days
    ...activeOn('r3', [16]), // no earlier active day: new, not resurrected
    ...activeOn('r4', [1, 18]),
    resumedOn('r4', 18),
    ...activeOn('r5', [16, 20]), // idle 17, 18, 19 inside the window
    resumedOn('r5', 16), // not a day r5 was resurrected
    ...activeOn('r6', [10, 19]),
    resumedOn('r6', 17), // not activity: p stays 11-10
    ...activeOn('r7', [15, 19]),
    resumedOn('r7', 19),
    ...activeOn('r8', [12, 17], { channel: 'EXTENSION' }),
    ...activeOn('r8', [16]),
    ...activeOn('r9', [12]),
    ev('SESSION_STARTED', '2026-11-20T23:00:00.000Z', 'r9'), // after asOf, same day
    ...activeOn('r10', [12]),
    ev('SESSION_STARTED', '2026-11-21T00:00:00.000Z', 'r10'), // windowEnd: outside
  ]);
});
afterAll(async () => app?.close());

const RESURRECTION = /* GraphQL */ `
  query ($days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel, $inactiveDays: Int) {
    resurrection(days: $days, asOf: $asOf, phase: $phase, channel: $channel, inactiveDays: $inactiveDays) {
      window { from to days } inactiveDays rate resurrectedUsers activeUsers viaContextUsers
      series { day resurrectedUsers activeUsers }
    }
  }`;
const window5 = { days: 5, asOf: '2026-11-20T12:00:00.000Z' };

describe('resurrection', () => {
  it('needs at least k whole idle days before the comeback, history included', async () => {
    const k = await query(app, RESURRECTION, { ...window5, inactiveDays: 3 });
    // Window [11-16, 11-21), k = 3. Active: r1…r9 = 9 (r10 only at windowEnd).
    // Resurrected: r1 16 (3 idle), r8 16 (12 → 16), r4 18, r6 19 (11-17 was no activity),
    // r7 19, r5 20, r9 20 = 7; not r2 (2 idle), r3 (no earlier day). Via context: r4, r7.
    expect(k).toEqual({
      window: { from: '2026-11-16T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z', days: 5 },
      inactiveDays: 3,
      rate: 7 / 9,
      resurrectedUsers: 7,
      activeUsers: 9,
      viaContextUsers: 2,
      series: [
        { day: '2026-11-16', resurrectedUsers: 2, activeUsers: 5 }, // r1 r8 of r1 r2 r3 r5 r8
        { day: '2026-11-17', resurrectedUsers: 0, activeUsers: 1 }, // r8
        { day: '2026-11-18', resurrectedUsers: 1, activeUsers: 1 }, // r4
        { day: '2026-11-19', resurrectedUsers: 2, activeUsers: 2 }, // r6 r7
        { day: '2026-11-20', resurrectedUsers: 2, activeUsers: 2 }, // r5 r9
      ],
    });
  });

  it('does not count k − 1 idle days', async () => {
    const k = await query(app, RESURRECTION, { ...window5, inactiveDays: 4 });
    // k = 4: r1, r5, r7, r8 had 3 idle days → no. Left: r4 (16), r6 (8), r9 (7) = 3 of 9.
    expect(k).toMatchObject({
      inactiveDays: 4,
      rate: 3 / 9,
      resurrectedUsers: 3,
      activeUsers: 9,
      viaContextUsers: 1, // r4
    });
  });

  it('applies a channel filter to the history look-back too', async () => {
    const ext = await query(app, RESURRECTION, {
      ...window5,
      inactiveDays: 3,
      channel: 'EXTENSION',
    });
    // Only r8's extension days 11-12, 11-17: 4 idle days → resurrected on 11-17.
    expect(ext).toMatchObject({ rate: 1, resurrectedUsers: 1, activeUsers: 1, viaContextUsers: 0 });
    expect(ext.series[1]).toEqual({ day: '2026-11-17', resurrectedUsers: 1, activeUsers: 1 });
    const server = await query(app, RESURRECTION, {
      ...window5,
      inactiveDays: 3,
      channel: 'SERVER',
    });
    // r8's server day 11-16 has no earlier server day: 6 of 9.
    expect(server).toMatchObject({ rate: 6 / 9, resurrectedUsers: 6, activeUsers: 9 });
  });

  it('defaults to 30 days and k = 7', async () => {
    const k = await query(app, RESURRECTION, { asOf: '2026-11-20T12:00:00.000Z' });
    // Window [10-22, 11-21): active r1…r10 = 10. k = 7: r4 (11-01 → 11-18, 16 idle),
    // r6 (11-10 → 11-19, 8 idle), r9 (11-12 → 11-20, exactly 7 idle) = 3. Via: r4.
    expect(k).toMatchObject({
      window: { from: '2026-10-22T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z', days: 30 },
      inactiveDays: 7,
      rate: 0.3,
      resurrectedUsers: 3,
      activeUsers: 10,
      viaContextUsers: 1,
    });
    expect(k.series).toHaveLength(30);
    expect(k.series[0]).toEqual({ day: '2026-10-22', resurrectedUsers: 0, activeUsers: 0 });
  });

  it('is part of kpis with k = 7 over the shared window', async () => {
    const report = await query(
      app,
      `query ($asOf: DateTime) { kpis(days: 5, asOf: $asOf) {
      window { from to days } resurrection { window { from } inactiveDays resurrectedUsers activeUsers viaContextUsers }
      dauWau { window { from } } cdr { window { from } } paidConversion { window { from } } } }`,
      {
        asOf: window5.asOf,
      },
    );
    const from = '2026-11-16T00:00:00.000Z';
    expect(report.window).toEqual({ from, to: '2026-11-21T00:00:00.000Z', days: 5 });
    // k = 7 over [11-16, 11-21): r4, r6, r9 of 9; via r4.
    expect(report.resurrection).toEqual({
      window: { from },
      inactiveDays: 7,
      resurrectedUsers: 3,
      activeUsers: 9,
      viaContextUsers: 1,
    });
    for (const kpi of ['dauWau', 'cdr', 'paidConversion'])
      expect(report[kpi].window.from).toBe(from);
  });

  it('gives a null rate without active users', async () => {
    const k = await query(app, RESURRECTION, { days: 3, asOf: '2026-09-10T00:00:00.000Z' });
    expect(k).toMatchObject({
      rate: null,
      resurrectedUsers: 0,
      activeUsers: 0,
      viaContextUsers: 0,
    });
    expect(k.series).toEqual([
      { day: '2026-09-08', resurrectedUsers: 0, activeUsers: 0 },
      { day: '2026-09-09', resurrectedUsers: 0, activeUsers: 0 },
      { day: '2026-09-10', resurrectedUsers: 0, activeUsers: 0 },
    ]);
  });

  it('rejects inactiveDays outside 1–365 and accepts 365', async () => {
    expect(await queryError(app, RESURRECTION, { inactiveDays: 0 })).toEqual({
      message: 'inactiveDays: must be between 1 and 365 (got 0)',
      code: 'BAD_USER_INPUT',
    });
    expect(await queryError(app, RESURRECTION, { inactiveDays: 366 })).toEqual({
      message: 'inactiveDays: must be between 1 and 365 (got 366)',
      code: 'BAD_USER_INPUT',
    });
    const k = await query(app, RESURRECTION, { ...window5, inactiveDays: 365 });
    expect(k).toMatchObject({ inactiveDays: 365, resurrectedUsers: 0, activeUsers: 9 });
  });
});
