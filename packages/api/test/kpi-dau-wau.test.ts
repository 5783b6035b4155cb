import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, query, queryError, record } from './kpi-fixtures.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await record(app, [
    // a: active 11-10 only, late in the day (asOf is noon of that day).
    ev('SESSION_STARTED', '2026-11-10T23:59:59.999Z', 'a'),
    // b: active 11-02; its event at windowEnd exactly (11-11 00:00) is outside the window.
    ev('SERVER_OPERATION_CALLED', '2026-11-02T00:00:00.000Z', 'b'),
    ev('SERVER_OPERATION_CALLED', '2026-11-11T00:00:00.000Z', 'b'),
    // c: active 10-10 only, in the closed beta.
    ev('SERVER_OPERATION_CALLED', '2026-10-10T08:00:00.000Z', 'c', { phase: 'CLOSED_BETA' }),
    // d: only events outside the activity set: never active.
    ev('CONTEXT_LOADED', '2026-11-09T08:00:00.000Z', 'd', { sessionId: 's' }),
    ev('SESSION_RESUMED_FROM_CONTEXT', '2026-11-09T08:00:01.000Z', 'd', { sessionId: 's' }),
    ev('PAID_SUBSCRIPTION_STARTED', '2026-11-10T08:00:00.000Z', 'd'),
    // e: active at windowStart exactly (web), then twice on 11-09 on two channels.
    ev('WEB_VIEW_OPENED', '2026-11-08T00:00:00.000Z', 'e', { channel: 'WEB' }),
    ev('EXTENSION_ACTIVATED', '2026-11-09T10:00:00.000Z', 'e', { channel: 'EXTENSION' }),
    ev('WEB_VIEW_OPENED', '2026-11-09T11:00:00.000Z', 'e', { channel: 'WEB' }),
    // f: active the last instant before the window.
    ev('SESSION_STARTED', '2026-11-07T23:59:59.999Z', 'f'),
    // g: active 10-20, 10-25, 11-05 (overlapping weekly/monthly coverage).
    ev('SESSION_STARTED', '2026-10-20T12:00:00.000Z', 'g'),
    ev('SESSION_STARTED', '2026-10-25T12:00:00.000Z', 'g'),
    ev('SESSION_STARTED', '2026-11-05T12:00:00.000Z', 'g'),
  ]);
});
afterAll(async () => app?.close());

const DAU_WAU = /* GraphQL */ `
  query ($days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel) {
    dauWau(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      window { from to days } dau avgDau wau mau stickiness series { day dau wau mau }
    }
  }`;

describe('dauWau', () => {
  it('counts DAU/WAU/MAU per UTC day with an exclusive window end', async () => {
    const k = await query(app, DAU_WAU, { days: 3, asOf: '2026-11-10T12:00:00.000Z' });
    // Window [11-08, 11-11). Active days: a {11-10}, b {11-02} (11-11 is outside),
    // c {10-10}, e {11-08, 11-09}, f {11-07}, g {10-20, 10-25, 11-05}; d never.
    expect(k.window).toEqual({
      from: '2026-11-08T00:00:00.000Z',
      to: '2026-11-11T00:00:00.000Z',
      days: 3,
    });
    expect(k.series).toEqual([
      // DAU e. WAU 11-02..11-08: b, e, f, g. MAU 10-10..11-08: b, c, e, f, g.
      { day: '2026-11-08', dau: 1, wau: 4, mau: 5 },
      // DAU e. WAU 11-03..11-09: e, f, g. MAU 10-11..11-09: b, e, f, g (c drops out).
      { day: '2026-11-09', dau: 1, wau: 3, mau: 4 },
      // DAU a. WAU 11-04..11-10: a, e, f, g. MAU 10-12..11-10: a, b, e, f, g.
      { day: '2026-11-10', dau: 1, wau: 4, mau: 5 },
    ]);
    expect(k).toMatchObject({ dau: 1, avgDau: 1, wau: 4, mau: 5 });
    // mean(1/4, 1/3, 1/4) = (3 + 4 + 3) / 12 / 3 = 10/36
    expect(k.stickiness).toBeCloseTo(10 / 36, 12);
  });

  it('includes events later on the day of asOf and counts a one-day window', async () => {
    const k = await query(app, DAU_WAU, { days: 1, asOf: '2026-11-10T00:00:00.000Z' });
    // a's event at 23:59:59.999 on asOf's day counts; stickiness = 1/4.
    expect(k).toMatchObject({ dau: 1, avgDau: 1, wau: 4, mau: 5, stickiness: 0.25 });
    expect(k.series).toEqual([{ day: '2026-11-10', dau: 1, wau: 4, mau: 5 }]);
  });

  it('applies a channel filter before computing', async () => {
    const k = await query(app, DAU_WAU, {
      days: 3,
      asOf: '2026-11-10T12:00:00.000Z',
      channel: 'EXTENSION',
    });
    // Only e's 11-09 extension event remains.
    expect(k.series).toEqual([
      { day: '2026-11-08', dau: 0, wau: 0, mau: 0 },
      { day: '2026-11-09', dau: 1, wau: 1, mau: 1 },
      { day: '2026-11-10', dau: 0, wau: 1, mau: 1 },
    ]);
    // avgDau = 1/3; stickiness over days with WAU > 0: mean(1/1, 0/1) = 0.5
    expect(k.avgDau).toBeCloseTo(1 / 3, 12);
    expect(k).toMatchObject({ dau: 0, wau: 1, mau: 1, stickiness: 0.5 });
  });

  it('applies a phase filter to the look-back too', async () => {
    const k = await query(app, DAU_WAU, {
      days: 3,
      asOf: '2026-11-10T12:00:00.000Z',
      phase: 'CLOSED_BETA',
    });
    // Only c (10-10, closed beta): inside MAU of 11-08 only.
    expect(k.series.map((p: { mau: number }) => p.mau)).toEqual([1, 0, 0]);
    expect(k).toMatchObject({ dau: 0, avgDau: 0, wau: 0, mau: 0, stickiness: null });
  });

  it('zero-fills days without data and has null stickiness without WAU', async () => {
    const k = await query(app, DAU_WAU, { days: 2, asOf: '2026-06-15T23:00:00.000Z' });
    expect(k).toEqual({
      window: { from: '2026-06-14T00:00:00.000Z', to: '2026-06-16T00:00:00.000Z', days: 2 },
      dau: 0,
      avgDau: 0,
      wau: 0,
      mau: 0,
      stickiness: null,
      series: [
        { day: '2026-06-14', dau: 0, wau: 0, mau: 0 },
        { day: '2026-06-15', dau: 0, wau: 0, mau: 0 },
      ],
    });
  });

  it('defaults to 7 days and accepts up to 366', async () => {
    const week = await query(app, DAU_WAU, { asOf: '2026-11-10T12:00:00.000Z' });
    expect(week.window.days).toBe(7);
    expect(week.series).toHaveLength(7);
    const year = await query(app, DAU_WAU, { days: 366, asOf: '2026-11-10T12:00:00.000Z' });
    expect(year.series).toHaveLength(366);
    // Every active day of every user lies in this window: a, b, c, e, f, g; e twice, g thrice.
    const activeDays = year.series.reduce((sum: number, p: { dau: number }) => sum + p.dau, 0);
    expect(activeDays).toBe(1 + 1 + 1 + 2 + 1 + 3);
  });

  it('rejects days outside 1–366 naming the argument and the rule', async () => {
    expect(await queryError(app, DAU_WAU, { days: 0 })).toEqual({
      message: 'days: must be between 1 and 366 (got 0)',
      code: 'BAD_USER_INPUT',
    });
    const kpis = 'query ($days: Int) { kpis(days: $days) { window { days } } }';
    expect(await queryError(app, kpis, { days: -3 })).toEqual({
      message: 'days: must be between 1 and 366 (got -3)',
      code: 'BAD_USER_INPUT',
    });
    expect(await queryError(app, DAU_WAU, { days: 367 })).toEqual({
      message: 'days: must be between 1 and 366 (got 367)',
      code: 'BAD_USER_INPUT',
    });
  });

  it('rejects an asOf whose window leaves years 0001–9999', async () => {
    // 0001-01-03 with 7 days would start on 0000-12-28, a year PostgreSQL does not have.
    expect(await queryError(app, DAU_WAU, { days: 7, asOf: '0001-01-03T00:00:00.000Z' })).toEqual({
      message:
        'asOf: the 7-day window must lie between 0001-01-01 and 9999-12-31 (got 0001-01-03T00:00:00.000Z)',
      code: 'BAD_USER_INPUT',
    });
  });
});
