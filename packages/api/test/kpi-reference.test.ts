import { describe, expect, it } from 'vitest';
import {
  type RefEvent,
  referenceCdr,
  referenceDauWau,
  referenceKpis,
  referencePaidConversion,
  referenceResurrection,
} from './kpi-reference.js';

/**
 * The oracle checked by hand, so it cannot be wrong silently: each expected number below is
 * worked out from docs/kpis.md in the comments, not from the code.
 */
const ev = (
  eventName: string,
  at: string,
  userIdHash: string,
  sessionId = '',
  channel = 'server',
  phase = 'open_beta',
): RefEvent => ({
  eventName,
  timestamp: new Date(at.length === 10 ? `${at}T12:00:00Z` : at),
  userIdHash,
  sessionId,
  channel,
  phase,
});

describe('reference DAU/WAU', () => {
  const events = [
    ev('session_started', '2026-09-01', 'a'),
    ev('server_operation_called', '2026-09-08', 'a'),
    ev('server_operation_called', '2026-09-10', 'a'),
    ev('extension_activated', '2026-09-09', 'b'),
    ev('context_loaded', '2026-09-10', 'b'), // not activity
    ev('web_view_opened', '2026-08-12', 'c', '', 'web'), // 29 days before 09-10: still in its MAU
    ev('session_resumed_from_context', '2026-09-10', 'c'), // not activity
  ];

  it('counts DAU, WAU and MAU per day and averages stickiness over days with WAU > 0', () => {
    expect(referenceDauWau(events, { days: 3, asOf: new Date('2026-09-10T23:00:00Z') })).toEqual({
      window: { from: '2026-09-08T00:00:00.000Z', to: '2026-09-11T00:00:00.000Z', days: 3 },
      dau: 1,
      avgDau: 1,
      wau: 2,
      mau: 3,
      stickiness: (1 / 1 + 1 / 2 + 1 / 2) / 3,
      series: [
        { day: '2026-09-08', dau: 1, wau: 1, mau: 2 }, // a; a; a + c
        { day: '2026-09-09', dau: 1, wau: 2, mau: 3 }, // b; a + b; a + b + c
        { day: '2026-09-10', dau: 1, wau: 2, mau: 3 }, // a; a + b; a + b + c (c on 08-12)
      ],
    });
  });

  it('applies filters first and reports a null stickiness when WAU is 0 every day', () => {
    const r = referenceDauWau(events, {
      days: 2,
      asOf: new Date('2026-09-10T00:00:00Z'),
      channel: 'web',
    });
    expect(r).toMatchObject({ dau: 0, avgDau: 0, wau: 0, mau: 1, stickiness: null });
  });
});

describe('reference CDR', () => {
  it('counts (user, session) pairs per window and per day', () => {
    const events = [
      ev('context_created', '2026-09-09T10:00:00Z', 'a', 's1'),
      ev('context_loaded', '2026-09-10T01:00:00Z', 'a', 's1'), // dependent on 09-10 only
      ev('server_operation_called', '2026-09-10', 'b', 's1'), // same id, other user: a session
      ev('context_loaded', '2026-09-10', 'a', ''), // no session id: not a session
      ev('context_resumed', '2026-09-08T23:59:59.999Z', 'a', 's2'), // before the window
      ev('session_started', '2026-09-09T00:00:00.000Z', 'a', 's2'),
    ];
    expect(referenceCdr(events, { days: 2, asOf: new Date('2026-09-10T05:00:00Z') })).toEqual({
      window: { from: '2026-09-09T00:00:00.000Z', to: '2026-09-11T00:00:00.000Z', days: 2 },
      rate: 1 / 3,
      sessions: 3, // (a,s1) (b,s1) (a,s2)
      dependentSessions: 1, // (a,s1)
      series: [
        { day: '2026-09-09', rate: 0, sessions: 2, dependentSessions: 0 },
        { day: '2026-09-10', rate: 0.5, sessions: 2, dependentSessions: 1 },
      ],
    });
  });

  it('gives a null rate on a day without sessions', () => {
    const r = referenceCdr([], { days: 1, asOf: new Date('2026-09-10T00:00:00Z') });
    expect(r.series).toEqual([
      { day: '2026-09-10', rate: null, sessions: 0, dependentSessions: 0 },
    ]);
    expect(r.rate).toBeNull();
  });
});

describe('reference resurrection', () => {
  const events = [
    ev('session_started', '2026-09-01', 'a'),
    ev('session_started', '2026-09-09', 'a'), // 7 idle days: resurrected, before the window
    ev('session_started', '2026-09-17', 'a'), // 7 idle days: resurrected in the window
    ev('session_resumed_from_context', '2026-09-17', 'a'), // on that day: via context
    ev('session_started', '2026-09-05', 'b'),
    ev('session_started', '2026-09-12', 'b'), // 6 idle days: no
    ev('session_resumed_from_context', '2026-09-19', 'b'), // not on a resurrection day
    ev('session_started', '2026-09-20', 'b'), // 7 idle days: resurrected
    ev('session_started', '2026-09-15', 'c'), // first activity ever: no earlier day
    ev('session_resumed_from_context', '2026-09-02', 'd'), // not activity
    ev('server_operation_called', '2026-09-18', 'd'), // so no earlier active day
    ev('session_started', '2026-09-01', 'e'),
    ev('session_started', '2026-09-10', 'e'), // resurrected the day before the window
  ];

  it('needs k whole idle days before the latest earlier active day, history included', () => {
    const q = { days: 10, asOf: new Date('2026-09-20T08:00:00Z'), inactiveDays: 7 };
    const r = referenceResurrection(events, q);
    expect(r).toMatchObject({
      inactiveDays: 7,
      rate: 0.5, // a, b of a, b, c, d
      resurrectedUsers: 2,
      activeUsers: 4,
      viaContextUsers: 1,
    });
    const nonZero = r.series.filter((p) => p.activeUsers > 0 || p.resurrectedUsers > 0);
    expect(nonZero).toEqual([
      { day: '2026-09-12', resurrectedUsers: 0, activeUsers: 1 },
      { day: '2026-09-15', resurrectedUsers: 0, activeUsers: 1 },
      { day: '2026-09-17', resurrectedUsers: 1, activeUsers: 1 },
      { day: '2026-09-18', resurrectedUsers: 0, activeUsers: 1 },
      { day: '2026-09-20', resurrectedUsers: 1, activeUsers: 1 },
    ]);
  });

  it('counts the user once however many resurrection days they have', () => {
    const r = referenceResurrection(events, {
      days: 10,
      asOf: new Date('2026-09-20T08:00:00Z'),
      inactiveDays: 6, // now b on 09-12 as well as 09-20
    });
    expect(r.resurrectedUsers).toBe(2);
    expect(r.series.find((p) => p.day === '2026-09-12')?.resurrectedUsers).toBe(1);
  });
});

describe('reference paid conversion', () => {
  const events = [
    ev('paid_subscription_started', '2026-09-11T00:00:00.000Z', 'a'), // at windowStart: not before
    ev('session_started', '2026-09-12', 'a'),
    ev('paid_subscription_started', '2026-09-05', 'b'), // paid at windowStart: not eligible
    ev('session_started', '2026-09-12', 'b'),
    ev('paid_subscription_canceled', '2026-09-15', 'b'),
    ev('paid_subscription_started', '2026-09-05T10:00:00Z', 'c'),
    ev('paid_subscription_canceled', '2026-09-05T10:00:00Z', 'c'), // same instant: cancel wins
    ev('session_started', '2026-09-13', 'c'),
    ev('paid_subscription_started', '2026-09-14', 'd', '', 'web'), // eligible by the start alone
    ev('server_operation_called', '2026-09-12', 'e'),
    ev('paid_subscription_started', '2026-09-12', 'e'),
    ev('paid_subscription_started', '2026-09-16', 'e'), // counted on the first start's day
    ev('paid_subscription_canceled', '2026-09-18', 'f'), // never started, still a cancellation
    ev('session_started', '2026-09-19', 'g'),
  ];
  const asOf = new Date('2026-09-20T23:59:59.999Z');

  it('follows the rules for eligibility, ties and windowStart', () => {
    const r = referencePaidConversion(events, { days: 10, asOf });
    expect(r).toMatchObject({
      window: { from: '2026-09-11T00:00:00.000Z', to: '2026-09-21T00:00:00.000Z', days: 10 },
      rate: 3 / 5, // a, d, e of a, c, d, e, g
      conversions: 3,
      eligibleUsers: 5,
      cancellations: 2, // b, f
      paidUsersAtEnd: 3, // a, d, e
    });
    const nonZero = r.series.filter((p) => p.conversions > 0 || p.cancellations > 0);
    expect(nonZero).toEqual([
      { day: '2026-09-11', conversions: 1, cancellations: 0 },
      { day: '2026-09-12', conversions: 1, cancellations: 0 },
      { day: '2026-09-14', conversions: 1, cancellations: 0 },
      { day: '2026-09-15', conversions: 0, cancellations: 1 },
      { day: '2026-09-18', conversions: 0, cancellations: 1 },
    ]);
  });

  it('does not see a subscription started on another channel', () => {
    const r = referencePaidConversion(events, { days: 10, asOf, channel: 'server' });
    expect(r).toMatchObject({ rate: 0.5, conversions: 2, eligibleUsers: 4, paidUsersAtEnd: 2 });
  });

  it('is the same inside kpis, which uses resurrection default inactiveDays', () => {
    const all = referenceKpis(events, { days: 10, asOf, inactiveDays: 1 });
    expect(all.paidConversion).toEqual(referencePaidConversion(events, { days: 10, asOf }));
    expect(all.resurrection.inactiveDays).toBe(7);
    expect(all.window).toEqual(all.cdr.window);
  });
});
