import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, query, record } from './kpi-fixtures.js';

const START = 'PAID_SUBSCRIPTION_STARTED';
const CANCEL = 'PAID_SUBSCRIPTION_CANCELED';
const ACTIVE = 'SESSION_STARTED';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await record(app, [
    ev(ACTIVE, '2026-11-17T09:00:00.000Z', 'p1'), // active, never pays
    ev(ACTIVE, '2026-11-17T09:00:00.000Z', 'p2'),
    ev(START, '2026-11-18T10:00:00.000Z', 'p2'),
    ev(START, '2026-11-10T10:00:00.000Z', 'p3'), // paid at windowStart
    ev(ACTIVE, '2026-11-17T09:00:00.000Z', 'p3'),
    ev(START, '2026-11-10T10:00:00.000Z', 'p4'),
    ev(CANCEL, '2026-11-12T10:00:00.000Z', 'p4'),
    ev(START, '2026-11-19T10:00:00.000Z', 'p4'), // eligible through the start alone
    // p5: start and cancel at the same instant: the cancellation counts as later.
    ev(START, '2026-11-14T10:00:00.000Z', 'p5'),
    ev(CANCEL, '2026-11-14T10:00:00.000Z', 'p5'),
    ev(ACTIVE, '2026-11-16T09:00:00.000Z', 'p5'),
    ev(START, '2026-11-16T00:00:00.000Z', 'p6'), // at windowStart exactly: inside
    ev(CANCEL, '2026-11-20T23:00:00.000Z', 'p6'), // after asOf, same day: inside
    ev(START, '2026-11-21T00:00:00.000Z', 'p7'), // at windowEnd exactly: outside
    ev(START, '2026-11-17T10:00:00.000Z', 'p8', { channel: 'WEB' }),
    ev(ACTIVE, '2026-11-17T09:00:00.000Z', 'p8'),
    ev(START, '2026-11-05T10:00:00.000Z', 'p9', { channel: 'WEB' }),
    ev(ACTIVE, '2026-11-17T09:00:00.000Z', 'p9'),
    ev(START, '2026-11-18T10:00:00.000Z', 'p9'),
    ev(START, '2026-11-16T05:00:00.000Z', 'p10'), // converts once, on its first start
    ev(CANCEL, '2026-11-17T10:00:00.000Z', 'p10'),
    ev(START, '2026-11-19T10:00:00.000Z', 'p10'),
    ev(CANCEL, '2026-11-18T10:00:00.000Z', 'p11'), // cancels without a start: still counts
    ev(CANCEL, '2026-11-18T11:00:00.000Z', 'p11'),
    ev(START, '2026-11-15T23:59:59.999Z', 'p12'), // last instant before the window
    ev(ACTIVE, '2026-11-16T09:00:00.000Z', 'p12'),
    ev(START, '2026-09-20T10:00:00.000Z', 'p13'), // stamped closed_beta (before 10-01)
    ev(ACTIVE, '2026-11-17T09:00:00.000Z', 'p13'),
  ]);
});
afterAll(async () => app?.close());

const PAID_CONVERSION = /* GraphQL */ `
  query ($days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel) {
    paidConversion(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      window { from to days } rate conversions eligibleUsers cancellations paidUsersAtEnd
      series { day conversions cancellations }
    }
  }`;
const window5 = { days: 5, asOf: '2026-11-20T08:00:00.000Z' };

describe('paidConversion', () => {
  it('follows the monetization history to the instant', async () => {
    const k = await query(app, PAID_CONVERSION, window5);
    // Window [11-16, 11-21). Paid at windowStart: p3, p9, p12, p13 (p5: tie → canceled).
    // Eligible: p1, p2, p5, p8 (active), p4, p6, p10 (start in window) = 7.
    // Conversions: p2 18, p4 19, p6 16, p8 17, p10 16 = 5. Cancellations: p6, p10, p11 = 3.
    // Paid at windowEnd: p2, p3, p4, p8, p9, p10, p12, p13 = 8 (not p7: its start is at windowEnd).
    expect(k).toEqual({
      window: { from: '2026-11-16T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z', days: 5 },
      rate: 5 / 7,
      conversions: 5,
      eligibleUsers: 7,
      cancellations: 3,
      paidUsersAtEnd: 8,
      series: [
        { day: '2026-11-16', conversions: 2, cancellations: 0 }, // p6, p10
        { day: '2026-11-17', conversions: 1, cancellations: 1 }, // p8; p10
        { day: '2026-11-18', conversions: 1, cancellations: 1 }, // p2; p11 (twice, one user)
        { day: '2026-11-19', conversions: 1, cancellations: 0 }, // p4 (p10's 2nd start: no)
        { day: '2026-11-20', conversions: 0, cancellations: 1 }, // p6
      ],
    });
  });

  it('does not see monetization events of another channel', async () => {
    const server = await query(app, PAID_CONVERSION, { ...window5, channel: 'SERVER' });
    // p8's web start and p9's web start are gone: p8 eligible without conversion, p9 not paid
    // at windowStart → eligible and converts on 11-18. Eligible 7 + p9 = 8, conversions
    // p2, p4, p6, p9, p10 = 5. Paid at end: p2, p3, p4, p9, p10, p12, p13 = 7.
    expect(server).toMatchObject({
      rate: 5 / 8,
      conversions: 5,
      eligibleUsers: 8,
      cancellations: 3,
      paidUsersAtEnd: 7,
    });
    const web = await query(app, PAID_CONVERSION, { ...window5, channel: 'WEB' });
    // Only the two web starts: p8 converts (11-17); p9 is paid since 11-05.
    expect(web).toMatchObject({
      rate: 1,
      conversions: 1,
      eligibleUsers: 1,
      cancellations: 0,
      paidUsersAtEnd: 2,
    });
    expect(web.series[1]).toEqual({ day: '2026-11-17', conversions: 1, cancellations: 0 });
  });

  it('does not see monetization events of another phase', async () => {
    const open = await query(app, PAID_CONVERSION, { ...window5, phase: 'OPEN_BETA' });
    // p13's closed-beta start is gone: p13 joins the eligible (8) without converting.
    expect(open).toMatchObject({
      rate: 5 / 8,
      conversions: 5,
      eligibleUsers: 8,
      paidUsersAtEnd: 7,
    });
    const closed = await query(app, PAID_CONVERSION, { ...window5, phase: 'CLOSED_BETA' });
    expect(closed).toMatchObject({
      rate: null,
      conversions: 0,
      eligibleUsers: 0,
      cancellations: 0,
      paidUsersAtEnd: 1, // p13
    });
  });

  it('zero-fills a window without data and gives a null rate', async () => {
    const k = await query(app, PAID_CONVERSION, { days: 2, asOf: '2026-09-01T12:00:00.000Z' });
    expect(k).toEqual({
      window: { from: '2026-08-31T00:00:00.000Z', to: '2026-09-02T00:00:00.000Z', days: 2 },
      rate: null,
      conversions: 0,
      eligibleUsers: 0,
      cancellations: 0,
      paidUsersAtEnd: 0,
      series: [
        { day: '2026-08-31', conversions: 0, cancellations: 0 },
        { day: '2026-09-01', conversions: 0, cancellations: 0 },
      ],
    });
  });

  it('counts a start at windowEnd in the next window', async () => {
    const k = await query(app, PAID_CONVERSION, { days: 1, asOf: '2026-11-21T00:00:00.000Z' });
    // [11-21, 11-22): p7 starts at 00:00 and is not paid before → 1 of 1.
    expect(k).toMatchObject({ rate: 1, conversions: 1, eligibleUsers: 1, paidUsersAtEnd: 9 });
  });

  it('defaults to 30 days', async () => {
    const k = await query(app, PAID_CONVERSION, { asOf: '2026-11-20T08:00:00.000Z' });
    // [10-22, 11-21): only p13 is paid at windowStart. Eligible: p1…p6, p8, p9, p10, p12 = 10
    // (p7 has nothing inside, p11 only cancels). Conversions: all but p1 = 9 (p5 converts on
    // 11-14 even though it cancels at the same instant). Cancellations: p4, p5, p6, p10, p11.
    expect(k).toMatchObject({
      window: { from: '2026-10-22T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z', days: 30 },
      rate: 9 / 10,
      conversions: 9,
      eligibleUsers: 10,
      cancellations: 5,
      paidUsersAtEnd: 8,
    });
    expect(k.series).toHaveLength(30);
  });
});
