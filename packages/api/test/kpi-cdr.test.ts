import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, query, record } from './kpi-fixtures.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await record(app, [
    // u1/s1 spans two days: created on 11-09, loaded on 11-10.
    ev('CONTEXT_CREATED', '2026-11-09T09:00:00.000Z', 'u1', { sessionId: 's1' }),
    ev('CONTEXT_LOADED', '2026-11-10T10:00:00.000Z', 'u1', { sessionId: 's1' }),
    // u2 reuses the session id s1: another session.
    ev('SERVER_OPERATION_CALLED', '2026-11-09T09:00:00.000Z', 'u2', { sessionId: 's1' }),
    // u3 has no session id: no session at all.
    ev('CONTEXT_LOADED', '2026-11-09T09:00:00.000Z', 'u3'),
    // u4/s4: its context_resumed is at windowEnd exactly, outside.
    ev('CONTEXT_MODIFIED', '2026-11-10T23:59:59.999Z', 'u4', { sessionId: 's4' }),
    ev('CONTEXT_RESUMED', '2026-11-11T00:00:00.000Z', 'u4', { sessionId: 's4' }),
    // u5/s5: its context_loaded is the last instant before the window.
    ev('CONTEXT_LOADED', '2026-11-08T23:59:59.999Z', 'u5', { sessionId: 's5' }),
    ev('SESSION_STARTED', '2026-11-09T00:00:00.000Z', 'u5', { sessionId: 's5' }),
    // u6/s6 spans channels: the dependency signal is on the extension only.
    ev('CONTEXT_LOADED', '2026-11-09T12:00:00.000Z', 'u6', {
      sessionId: 's6',
      channel: 'EXTENSION',
    }),
    ev('SESSION_STARTED', '2026-11-09T12:00:01.000Z', 'u6', { sessionId: 's6' }),
    // u7/s7: three dependency signals on one day count as one dependent session.
    ev('CONTEXT_RESUMED', '2026-11-10T08:00:00.000Z', 'u7', { sessionId: 's7' }),
    ev('CONTEXT_LOADED', '2026-11-10T08:00:01.000Z', 'u7', { sessionId: 's7' }),
    ev('CONTEXT_LOADED', '2026-11-10T08:00:02.000Z', 'u7', { sessionId: 's7' }),
    // u8/s8 spans phases: the dependency signal is in the closed beta only.
    ev('CONTEXT_LOADED', '2026-11-09T15:00:00.000Z', 'u8', {
      sessionId: 's8',
      phase: 'CLOSED_BETA',
    }),
    ev('SESSION_STARTED', '2026-11-09T15:00:01.000Z', 'u8', { sessionId: 's8' }),
  ]);
});
afterAll(async () => app?.close());

const CDR = /* GraphQL */ `
  query ($days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel) {
    cdr(days: $days, asOf: $asOf, phase: $phase, channel: $channel) {
      window { from to days } rate sessions dependentSessions
      series { day rate sessions dependentSessions }
    }
  }`;
const window2 = { days: 2, asOf: '2026-11-10T06:00:00.000Z' };

describe('cdr', () => {
  it('counts (user, session id) pairs, per window and per day', async () => {
    const k = await query(app, CDR, window2);
    // Window [11-09, 11-11). Sessions: u1/s1, u2/s1, u4/s4, u5/s5, u6/s6, u7/s7, u8/s8 = 7
    // (u3 has none). Dependent: u1/s1 (11-10), u6/s6, u7/s7, u8/s8 = 4 → 4/7.
    expect(k).toEqual({
      window: { from: '2026-11-09T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z', days: 2 },
      rate: 4 / 7,
      sessions: 7,
      dependentSessions: 4,
      series: [
        // u1/s1 (not dependent yet), u2/s1, u5/s5, u6/s6 (dep), u8/s8 (dep): 2/5
        { day: '2026-11-09', rate: 0.4, sessions: 5, dependentSessions: 2 },
        // u1/s1 (dep), u4/s4 (its resume is outside), u7/s7 (dep): 2/3
        { day: '2026-11-10', rate: 2 / 3, sessions: 3, dependentSessions: 2 },
      ],
    });
  });

  it('sees the last instant before windowEnd and not windowEnd itself', async () => {
    const k = await query(app, CDR, { days: 1, asOf: '2026-11-08T12:00:00.000Z' });
    // Window [11-08, 11-09): only u5/s5's context_loaded at 23:59:59.999.
    expect(k).toMatchObject({ rate: 1, sessions: 1, dependentSessions: 1 });
    const next = await query(app, CDR, { days: 1, asOf: '2026-11-11T00:00:00.000Z' });
    // Window [11-11, 11-12): u4/s4's context_resumed at 00:00 exactly.
    expect(next).toMatchObject({ rate: 1, sessions: 1, dependentSessions: 1 });
  });

  it('keeps only the matching events of a session that spans channels', async () => {
    const server = await query(app, CDR, { ...window2, channel: 'SERVER' });
    // u6/s6 keeps only its session_started: 7 sessions, dependent u1/s1, u7/s7, u8/s8 = 3.
    expect(server).toMatchObject({ rate: 3 / 7, sessions: 7, dependentSessions: 3 });
    expect(server.series[0]).toEqual({
      day: '2026-11-09',
      rate: 0.2, // u8/s8 only, of 5
      sessions: 5,
      dependentSessions: 1,
    });
    const extension = await query(app, CDR, { ...window2, channel: 'EXTENSION' });
    expect(extension).toMatchObject({ rate: 1, sessions: 1, dependentSessions: 1 });
    expect(extension.series).toEqual([
      { day: '2026-11-09', rate: 1, sessions: 1, dependentSessions: 1 },
      { day: '2026-11-10', rate: null, sessions: 0, dependentSessions: 0 },
    ]);
  });

  it('keeps only the matching events of a session that spans phases', async () => {
    const closed = await query(app, CDR, { ...window2, phase: 'CLOSED_BETA' });
    expect(closed).toMatchObject({ rate: 1, sessions: 1, dependentSessions: 1 });
    const open = await query(app, CDR, { ...window2, phase: 'OPEN_BETA' });
    // u8/s8 keeps only its session_started: dependent u1/s1, u6/s6, u7/s7 = 3 of 7.
    expect(open).toMatchObject({ rate: 3 / 7, sessions: 7, dependentSessions: 3 });
  });

  it('gives a null rate and zero-filled days when there is no session', async () => {
    const k = await query(app, CDR, { days: 2, asOf: '2026-06-01T00:00:00.000Z' });
    expect(k).toEqual({
      window: { from: '2026-05-31T00:00:00.000Z', to: '2026-06-02T00:00:00.000Z', days: 2 },
      rate: null,
      sessions: 0,
      dependentSessions: 0,
      series: [
        { day: '2026-05-31', rate: null, sessions: 0, dependentSessions: 0 },
        { day: '2026-06-01', rate: null, sessions: 0, dependentSessions: 0 },
      ],
    });
  });

  it('defaults to a 7-day window ending with the day of asOf', async () => {
    const k = await query(app, CDR, { asOf: '2026-11-12T23:59:59.999Z' });
    // [11-06, 11-13): all 7 sessions; u4/s4 (11-11) and u5/s5 (11-08) are now dependent
    // too: u1, u4, u5, u6, u7, u8 → 6 of 7.
    expect(k).toMatchObject({
      window: { from: '2026-11-06T00:00:00.000Z', to: '2026-11-13T00:00:00.000Z', days: 7 },
      sessions: 7,
      dependentSessions: 6,
    });
    expect(k.series.map((p: { day: string }) => p.day)).toEqual([
      '2026-11-06',
      '2026-11-07',
      '2026-11-08',
      '2026-11-09',
      '2026-11-10',
      '2026-11-11',
      '2026-11-12',
    ]);
  });
});
