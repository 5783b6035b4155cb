import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

/**
 * The dashboard's own reads: phaseRange, betaTesters, channelBreakdown, errorDailyCounts,
 * traceDailyStats. The fixture is the docs/kpis.md worked example, phases given explicitly, plus
 * an open-beta user, two error groups and one operation's traces. Window: days 3 as of
 * 2026-11-12 → the 10th, 11th and 12th.
 */
const ev = (
  userIdHash: string,
  at: string,
  eventName: string,
  sessionId: string | null,
  channel = 'SERVER',
  phase = 'CLOSED_BETA',
) => ({
  eventName,
  timestamp: `2026-11-${at}Z`,
  userIdHash,
  channel,
  phase,
  ...(sessionId ? { sessionId } : {}),
});

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await app.record('recordEvents', [
    ev('ana', '02T09:00:00', 'SESSION_STARTED', 's1'),
    ev('ana', '10T09:00:00', 'SESSION_STARTED', 's2', 'EXTENSION'),
    ev('ana', '10T09:05:00', 'CONTEXT_LOADED', 's2', 'EXTENSION'),
    ev('ana', '11T09:00:00', 'SESSION_STARTED', 's3'),
    ev('ben', '10T10:00:00', 'SERVER_OPERATION_CALLED', 's4'),
    ev('ben', '10T11:00:00', 'PAID_SUBSCRIPTION_STARTED', null, 'WEB'),
    ev('ben', '12T10:00:00', 'CONTEXT_RESUMED', 's4'),
    ev('cy', '12T08:00:00', 'CONTEXT_LOADED', null, 'WEB'),
    ev('dee', '11T12:00:00', 'SESSION_STARTED', 's5', 'SERVER', 'OPEN_BETA'),
  ]);
  const error = (stackHash: string, at: string) => ({
    timestamp: `2026-11-${at}Z`,
    errorType: 'TypeError',
    errorMessage: 'boom',
    severity: 'ERROR',
    stackHash,
    userIdHash: 'ana',
    channel: 'SERVER',
    phase: 'CLOSED_BETA',
  });
  await app.record('recordErrors', [
    error('h1', '10T01:00:00'),
    error('h1', '10T02:00:00'),
    error('h1', '12T23:59:59'),
    error('h2', '11T05:00:00'),
  ]);
  const trace = (at: string, durationMs: number, success: boolean) => ({
    timestamp: `2026-11-${at}Z`,
    operationName: 'search_context',
    durationMs,
    success,
    userIdHash: 'ben',
    channel: 'SERVER',
    phase: 'CLOSED_BETA',
  });
  await app.record('recordTraces', [
    trace('10T01:00:00', 100, true),
    trace('10T02:00:00', 200, false),
    trace('12T03:00:00', 50, true),
  ]);
});
afterAll(async () => app?.close());

const WINDOW = 'days: 3, asOf: "2026-11-12T15:00:00Z"';

describe('phaseRange', () => {
  it('gives the first and last UTC day of each phase', async () => {
    const res = await app.gql(`{
      closed: phaseRange(phase: CLOSED_BETA) { phase firstDay lastDay }
      open: phaseRange(phase: OPEN_BETA) { firstDay lastDay } }`);
    expect(res.data).toEqual({
      closed: { phase: 'CLOSED_BETA', firstDay: '2026-11-02', lastDay: '2026-11-12' },
      open: { firstDay: '2026-11-11', lastDay: '2026-11-11' },
    });
  });
});

describe('betaTesters', () => {
  const query = (args: string) => `{ betaTesters(${WINDOW}, phase: CLOSED_BETA, ${args}) {
    totalCount nodes { userIdHash firstSeen lastSeen activeDays sessions dependentSessions cdr paidNow }
    pageInfo { endCursor hasNextPage } } }`;

  it('has one row per user with an event in the window, worked by hand', async () => {
    const res = await app.gql(query('sort: USER, descending: false'));
    // ana: active 10th + 11th; sessions s2, s3, s2 loaded → 1/2. ben: active 10th only (a resume
    // is not activity); s4 resumed on the 12th → 1/1; paid since the 10th. cy: no session.
    // dee is open beta: not in the table.
    expect(res.data?.betaTesters).toEqual({
      totalCount: 3,
      nodes: [
        {
          userIdHash: 'ana',
          firstSeen: '2026-11-02T09:00:00.000Z',
          lastSeen: '2026-11-11T09:00:00.000Z',
          activeDays: 2,
          sessions: 2,
          dependentSessions: 1,
          cdr: 0.5,
          paidNow: false,
        },
        {
          userIdHash: 'ben',
          firstSeen: '2026-11-10T10:00:00.000Z',
          lastSeen: '2026-11-12T10:00:00.000Z',
          activeDays: 1,
          sessions: 1,
          dependentSessions: 1,
          cdr: 1,
          paidNow: true,
        },
        {
          userIdHash: 'cy',
          firstSeen: '2026-11-12T08:00:00.000Z',
          lastSeen: '2026-11-12T08:00:00.000Z',
          activeDays: 0,
          sessions: 0,
          dependentSessions: 0,
          cdr: null,
          paidNow: false,
        },
      ],
      pageInfo: { endCursor: expect.any(String), hasNextPage: false },
    });
  });

  it('sorts by a column and pages on the server', async () => {
    const users = (r: any) => r.data.betaTesters.nodes.map((n: any) => n.userIdHash);
    const first = await app.gql(query('sort: SESSIONS, descending: true, first: 2'));
    expect(users(first)).toEqual(['ana', 'ben']); // 2 sessions, 1, then cy's 0
    expect(first.data?.betaTesters.pageInfo.hasNextPage).toBe(true);
    const after = first.data?.betaTesters.pageInfo.endCursor;
    const second = await app.gql(
      query(`sort: SESSIONS, descending: true, first: 2, after: "${after}"`),
    );
    expect(users(second)).toEqual(['cy']);
    expect(second.data?.betaTesters.pageInfo.hasNextPage).toBe(false);
    // no session (null CDR) sorts below every rate
    expect(users(await app.gql(query('sort: CDR, descending: false')))).toEqual([
      'cy',
      'ana',
      'ben',
    ]);
  });

  it('refuses a cursor it did not issue, naming the argument', async () => {
    const res = await app.gql(query('after: "bm9wZQ"'));
    expect(res.errors?.[0]?.message).toContain('after');
  });
});

describe('channelBreakdown', () => {
  it('counts DAU and sessions per channel and day', async () => {
    const res = await app.gql(`{ channelBreakdown(${WINDOW}, phase: CLOSED_BETA) {
      channel activeUsers sessions avgDau series { day activeUsers sessions } } }`);
    const days = ['2026-11-10', '2026-11-11', '2026-11-12'];
    const series = (active: number[], sessions: number[]) =>
      days.map((day, i) => ({ day, activeUsers: active[i], sessions: sessions[i] }));
    expect(res.data?.channelBreakdown).toEqual([
      // ana's s2 on the 10th
      {
        channel: 'EXTENSION',
        activeUsers: 1,
        sessions: 1,
        avgDau: 1 / 3,
        series: series([1, 0, 0], [1, 0, 0]),
      },
      // ben's s4 (10th, and its resume on the 12th: a session, not activity), ana's s3 (11th)
      {
        channel: 'SERVER',
        activeUsers: 2,
        sessions: 2,
        avgDau: 2 / 3,
        series: series([1, 1, 0], [1, 1, 1]),
      },
      // a subscription start and a load without session: events, but no activity, no session
      {
        channel: 'WEB',
        activeUsers: 0,
        sessions: 0,
        avgDau: 0,
        series: series([0, 0, 0], [0, 0, 0]),
      },
    ]);
  });
});

describe('errorDailyCounts and traceDailyStats', () => {
  const RANGE = 'from: "2026-11-10T00:00:00Z", to: "2026-11-13T00:00:00Z"';

  it('counts each error group per day, zeros included', async () => {
    const res = await app.gql(`{ errorDailyCounts(${RANGE}) { stackHash series { day count } } }`);
    const series = (counts: number[]) =>
      ['2026-11-10', '2026-11-11', '2026-11-12'].map((day, i) => ({ day, count: counts[i] }));
    expect(res.data?.errorDailyCounts).toEqual([
      { stackHash: 'h1', series: series([2, 0, 1]) },
      { stackHash: 'h2', series: series([0, 1, 0]) },
    ]);
  });

  it('gives one operation per day with interpolated percentiles', async () => {
    const res = await app.gql(`{ traceDailyStats(operationName: "search_context", ${RANGE}) {
      day count successRate p50 p95 p99 max } }`);
    // 10th: 100 and 200 → p50 150, p95 100 + 0.95·100 = 195, p99 199; one of two failed
    expect(res.data?.traceDailyStats).toEqual([
      { day: '2026-11-10', count: 2, successRate: 0.5, p50: 150, p95: 195, p99: 199, max: 200 },
      { day: '2026-11-12', count: 1, successRate: 1, p50: 50, p95: 50, p99: 50, max: 50 },
    ]);
  });
});
