import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Events. The window 2026-11-10 .. 2026-11-12 (exclusive) holds A1–A6; A0 is just before it,
 * A7 after it. Tiers: u_a free, u_b pro, u_c none.
 */
const ev = (
  timestamp: string,
  userIdHash: string,
  channel: string,
  eventName: string,
  extra = {},
) => ({
  timestamp,
  userIdHash,
  channel,
  eventName,
  ...extra,
});
const EVENTS = [
  ev('2026-11-09T23:59:59.000Z', 'u_d', 'SERVER', 'CONTEXT_LOADED'), // A0
  ev('2026-11-10T01:00:00.000Z', 'u_a', 'SERVER', 'CONTEXT_LOADED', { userTier: 'free' }), // A1
  ev('2026-11-10T02:00:00.000Z', 'u_a', 'SERVER', 'CONTEXT_LOADED', { userTier: 'free' }), // A2
  ev('2026-11-10T23:59:59.000Z', 'u_b', 'EXTENSION', 'CONTEXT_LOADED', { userTier: 'pro' }), // A3
  ev('2026-11-11T00:00:00.000Z', 'u_b', 'EXTENSION', 'SESSION_STARTED', { userTier: 'pro' }), // A4
  ev('2026-11-11T05:00:00.000Z', 'u_c', 'SERVER', 'CONTEXT_LOADED', { phase: 'CLOSED_BETA' }), // A5
  ev('2026-11-11T06:00:00.000Z', 'u_a', 'WEB', 'WEB_VIEW_OPENED', { userTier: 'free' }), // A6
  ev('2026-11-12T10:00:00.000Z', 'u_c', 'SERVER', 'SESSION_STARTED', { phase: 'CLOSED_BETA' }), // A7
];

/** Errors in the window 2026-11-01 .. 2026-11-20; G0 is before it. */
const er = (
  timestamp: string,
  userIdHash: string,
  stackHash: string,
  errorType: string,
  severity: string,
  errorMessage: string,
  extra = {},
) => ({
  timestamp,
  userIdHash,
  stackHash,
  errorType,
  severity,
  errorMessage,
  channel: 'SERVER',
  ...extra,
});
const ERRORS = [
  er('2026-10-30T10:00:00.000Z', 'u_c', 'h1', 'TypeError', 'ERROR', 'too old'), // G0
  er('2026-11-02T10:00:00.000Z', 'u_a', 'h1', 'TypeError', 'WARNING', 'old message'), // G1
  er('2026-11-05T10:00:00.000Z', 'u_b', 'h1', 'TypeError', 'CRITICAL', 'mid'), // G2
  er('2026-11-07T10:00:00.000Z', 'u_a', 'h1', 'TypeError', 'INFO', 'latest h1 message'), // G3
  er('2026-11-03T00:00:00.000Z', 'u_c', 'h2', 'RangeError', 'ERROR', 'r1'), // G4
  er('2026-11-03T12:00:00.000Z', 'u_c', 'h2', 'RangeError', 'WARNING', 'r2', { channel: 'WEB' }), // G5
  er('2026-11-10T00:00:00.000Z', 'u_d', 'h3', 'SyntaxError', 'INFO', 'only'), // G6
  er('2026-11-19T23:59:59.999Z', 'u_e', 'h3', 'SyntaxError', 'WARNING', 'edge'), // G7
];

/** Traces in the window 2026-11-01 .. 2026-11-20; the 1000 ms one is after it. */
const tr = (operationName: string, durationMs: number, success: boolean, extra = {}) => ({
  timestamp: '2026-11-15T12:00:00.000Z',
  userIdHash: 'u_t',
  channel: 'SERVER',
  operationName,
  durationMs,
  success,
  ...extra,
});
const TRACES = [
  tr('search_context', 40, true),
  tr('search_context', 10, true),
  tr('search_context', 100, true, { phase: 'CLOSED_BETA' }),
  tr('search_context', 30, false),
  tr('search_context', 20, true),
  tr('search_context', 1000, false, { timestamp: '2026-11-20T00:00:00.000Z' }),
  tr('rag_search', 7.5, false, { channel: 'EXTENSION' }),
  tr('rag_search', 5.5, true, { channel: 'EXTENSION' }),
];

beforeAll(async () => {
  app = await startTestApp();
  const record = async (mutation: string, arg: string, type: string, items: object[]) => {
    const res = await app.gql(
      `mutation ($items: [${type}!]!) { ${mutation}(${arg}: $items) { accepted rejected } }`,
      { items },
      INGEST_TOKEN,
    );
    expect(res.data?.[mutation]).toEqual({ accepted: items.length, rejected: 0 });
  };
  await record('recordEvents', 'events', 'EventInput', EVENTS);
  await record('recordErrors', 'errors', 'ErrorInput', ERRORS);
  await record('recordTraces', 'traces', 'TraceInput', TRACES);
});
afterAll(async () => app?.close());

const WINDOW = { from: '2026-11-10T00:00:00.000Z', to: '2026-11-12T00:00:00.000Z' };
const KEYS = 'day eventName channel phase userTier count users';
const row = (over: Record<string, unknown>) => ({
  day: null,
  eventName: null,
  channel: null,
  phase: null,
  userTier: null,
  ...over,
});

async function eventCounts(args: Record<string, unknown>) {
  const res = await app.gql(
    `query ($groupBy: [EventCountDimension!]!, $from: DateTime, $to: DateTime, $channel: Channel,
      $eventName: [CortexEventName!], $userIdHash: String) {
      eventCounts(groupBy: $groupBy, from: $from, to: $to, channel: $channel, eventName: $eventName,
        userIdHash: $userIdHash) { ${KEYS} } }`,
    args,
  );
  expect(res.errors).toBeUndefined();
  return res.data?.eventCounts;
}

describe('eventCounts', () => {
  it('groups by one dimension: day (UTC), with distinct users', async () => {
    // 11-10: A1 A2 (u_a) A3 (u_b); 11-11: A4 (u_b) A5 (u_c) A6 (u_a)
    expect(await eventCounts({ ...WINDOW, groupBy: ['DAY'] })).toEqual([
      row({ day: '2026-11-10', count: 3, users: 2 }),
      row({ day: '2026-11-11', count: 3, users: 3 }),
    ]);
  });

  it('groups by one dimension: event name, ordered by it', async () => {
    expect(await eventCounts({ ...WINDOW, groupBy: ['EVENT_NAME'] })).toEqual([
      row({ eventName: 'CONTEXT_LOADED', count: 4, users: 3 }), // A1 A2 A3 A5
      row({ eventName: 'SESSION_STARTED', count: 1, users: 1 }), // A4
      row({ eventName: 'WEB_VIEW_OPENED', count: 1, users: 1 }), // A6
    ]);
  });

  it('groups by two dimensions, ordered by the keys in the order given', async () => {
    expect(await eventCounts({ ...WINDOW, groupBy: ['DAY', 'CHANNEL'] })).toEqual([
      row({ day: '2026-11-10', channel: 'EXTENSION', count: 1, users: 1 }), // A3
      row({ day: '2026-11-10', channel: 'SERVER', count: 2, users: 1 }), // A1 A2
      row({ day: '2026-11-11', channel: 'EXTENSION', count: 1, users: 1 }), // A4
      row({ day: '2026-11-11', channel: 'SERVER', count: 1, users: 1 }), // A5
      row({ day: '2026-11-11', channel: 'WEB', count: 1, users: 1 }), // A6
    ]);
    expect(await eventCounts({ ...WINDOW, groupBy: ['CHANNEL', 'DAY'] })).toEqual([
      row({ day: '2026-11-10', channel: 'EXTENSION', count: 1, users: 1 }),
      row({ day: '2026-11-11', channel: 'EXTENSION', count: 1, users: 1 }),
      row({ day: '2026-11-10', channel: 'SERVER', count: 2, users: 1 }),
      row({ day: '2026-11-11', channel: 'SERVER', count: 1, users: 1 }),
      row({ day: '2026-11-11', channel: 'WEB', count: 1, users: 1 }),
    ]);
  });

  it('groups by phase and tier (a missing tier is its own null group)', async () => {
    expect(await eventCounts({ ...WINDOW, groupBy: ['PHASE', 'USER_TIER'] })).toEqual([
      row({ phase: 'CLOSED_BETA', userTier: null, count: 1, users: 1 }), // A5
      row({ phase: 'OPEN_BETA', userTier: 'free', count: 3, users: 1 }), // A1 A2 A6
      row({ phase: 'OPEN_BETA', userTier: 'pro', count: 2, users: 1 }), // A3 A4
    ]);
  });

  it('applies filters before grouping', async () => {
    expect(await eventCounts({ ...WINDOW, groupBy: ['DAY'], eventName: 'CONTEXT_LOADED' })).toEqual(
      [
        row({ day: '2026-11-10', count: 3, users: 2 }), // A1 A2 A3
        row({ day: '2026-11-11', count: 1, users: 1 }), // A5
      ],
    );
    expect(await eventCounts({ ...WINDOW, groupBy: ['EVENT_NAME'], channel: 'SERVER' })).toEqual([
      row({ eventName: 'CONTEXT_LOADED', count: 3, users: 2 }), // A1 A2 (u_a) A5 (u_c)
    ]);
  });

  it('with only `to`, reads the 30 days before it', async () => {
    // 2026-10-13 .. 2026-11-12: A0–A6
    expect(await eventCounts({ to: WINDOW.to, groupBy: ['PHASE'] })).toEqual([
      row({ phase: 'CLOSED_BETA', count: 1, users: 1 }), // A5
      row({ phase: 'OPEN_BETA', count: 6, users: 3 }), // A0 A1 A2 A3 A4 A6: u_d u_a u_b
    ]);
  });

  it('with only `from`, reads up to now', async () => {
    // 2026-11-11 .. now: A4 A5 A6 A7
    expect(
      await eventCounts({ from: '2026-11-11T00:00:00.000Z', groupBy: ['EVENT_NAME'] }),
    ).toEqual([
      row({ eventName: 'CONTEXT_LOADED', count: 1, users: 1 }), // A5
      row({ eventName: 'SESSION_STARTED', count: 2, users: 2 }), // A4 A7
      row({ eventName: 'WEB_VIEW_OPENED', count: 1, users: 1 }), // A6
    ]);
  });

  it('by default reads the last 30 days', async () => {
    const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    const recent = [
      ev(at(HOUR), 'u_recent', 'WEB', 'WEB_VIEW_OPENED'),
      ev(at(29 * DAY), 'u_recent', 'WEB', 'WEB_VIEW_OPENED'),
      ev(at(31 * DAY), 'u_recent', 'WEB', 'WEB_VIEW_OPENED'),
    ];
    const res = await app.gql(
      'mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted } }',
      { e: recent },
      INGEST_TOKEN,
    );
    expect(res.data?.recordEvents.accepted).toBe(3);
    expect(await eventCounts({ groupBy: ['CHANNEL'], userIdHash: 'u_recent' })).toEqual([
      row({ channel: 'WEB', count: 2, users: 1 }),
    ]);
  });
});

const GROUP_KEYS =
  'stackHash errorType sampleMessage count usersAffected firstSeen lastSeen worstSeverity';
async function errorGroups(args: string) {
  const res = await app.gql(
    `{ errorGroups(from: "2026-11-01T00:00:00Z", to: "2026-11-20T00:00:00Z"${args}) { ${GROUP_KEYS} } }`,
  );
  expect(res.errors).toBeUndefined();
  return res.data?.errorGroups;
}

const H1 = {
  stackHash: 'h1',
  errorType: 'TypeError',
  sampleMessage: 'latest h1 message',
  count: 3,
  usersAffected: 2,
  firstSeen: '2026-11-02T10:00:00.000Z',
  lastSeen: '2026-11-07T10:00:00.000Z',
  worstSeverity: 'CRITICAL',
};
const H2 = {
  stackHash: 'h2',
  errorType: 'RangeError',
  sampleMessage: 'r2',
  count: 2,
  usersAffected: 1,
  firstSeen: '2026-11-03T00:00:00.000Z',
  lastSeen: '2026-11-03T12:00:00.000Z',
  worstSeverity: 'ERROR',
};
const H3 = {
  stackHash: 'h3',
  errorType: 'SyntaxError',
  sampleMessage: 'edge',
  count: 2,
  usersAffected: 2,
  firstSeen: '2026-11-10T00:00:00.000Z',
  lastSeen: '2026-11-19T23:59:59.999Z',
  worstSeverity: 'WARNING',
};

describe('errorGroups', () => {
  it('groups by stack hash, most frequent first (ties: most recently seen first)', async () => {
    // h1: G1 G2 G3 (G0 is before the window): worst is G2's CRITICAL, sample G3's message
    expect(await errorGroups('')).toEqual([H1, H3, H2]);
    expect(await errorGroups(', first: 2')).toEqual([H1, H3]);
  });

  it('takes the sample, severity and users from the filtered errors only', async () => {
    // WARNING+: h1 = G1 (warning, u_a) G2 (critical, u_b) → latest is G2 "mid"
    expect(await errorGroups(', severity: [WARNING, ERROR, CRITICAL]')).toEqual([
      { ...H1, sampleMessage: 'mid', count: 2, lastSeen: '2026-11-05T10:00:00.000Z' },
      H2,
      { ...H3, sampleMessage: 'edge', count: 1, usersAffected: 1, firstSeen: H3.lastSeen },
    ]);
    // INFO/WARNING: h1 = G1 G3 (u_a), h3 = G6 G7, h2 = G5
    expect(await errorGroups(', severity: [INFO, WARNING]')).toEqual([
      H3,
      { ...H1, count: 2, usersAffected: 1, worstSeverity: 'WARNING' },
      { ...H2, sampleMessage: 'r2', count: 1, firstSeen: H2.lastSeen, worstSeverity: 'WARNING' },
    ]);
    expect(await errorGroups(', channel: WEB')).toEqual([
      { ...H2, count: 1, firstSeen: H2.lastSeen, worstSeverity: 'WARNING' },
    ]);
    expect(await errorGroups(', errorType: "SyntaxError"')).toEqual([H3]);
  });

  it('sees the whole history of a group inside a wider window', async () => {
    const res = await app.gql(
      `{ errorGroups(from: "2026-10-01T00:00:00Z", to: "2026-11-20T00:00:00Z", errorType: "TypeError") { ${GROUP_KEYS} } }`,
    );
    // G0 joins h1: 4 errors, u_c added, first seen 10-30
    expect(res.data?.errorGroups).toEqual([
      { ...H1, count: 4, usersAffected: 3, firstSeen: '2026-10-30T10:00:00.000Z' },
    ]);
  });
});

async function traceStats(args: string) {
  const res = await app.gql(
    `{ traceStats(from: "2026-11-01T00:00:00Z", to: "2026-11-20T00:00:00Z"${args}) {
      operationName count successRate p50 p95 p99 max } }`,
  );
  expect(res.errors).toBeUndefined();
  return res.data?.traceStats as Record<string, number | string>[];
}

describe('traceStats', () => {
  it('computes count, success rate and interpolated percentiles per operation', async () => {
    const [search, rag, ...rest] = await traceStats('');
    expect(rest).toEqual([]);
    // search_context, sorted: 10 20 30 40 100 (the 1000 ms trace is at the exclusive `to`).
    // percentile_cont(p) reads position p·(n−1) = p·4 and interpolates linearly:
    // p50 → 2 → 30; p95 → 3.8 → 40 + 0.8·60 = 88; p99 → 3.96 → 40 + 0.96·60 = 97.6
    expect(search).toMatchObject({
      operationName: 'search_context',
      count: 5,
      successRate: 0.8,
      p50: 30,
      max: 100,
    });
    expect(search?.p95).toBeCloseTo(88, 9);
    expect(search?.p99).toBeCloseTo(97.6, 9);
    // rag_search: 5.5 7.5; position p·1: p50 → 6.5; p95 → 5.5 + 0.95·2 = 7.4; p99 → 7.48
    expect(rag).toMatchObject({
      operationName: 'rag_search',
      count: 2,
      successRate: 0.5,
      p50: 6.5,
      max: 7.5,
    });
    expect(rag?.p95).toBeCloseTo(7.4, 9);
    expect(rag?.p99).toBeCloseTo(7.48, 9);
  });

  it('filters by operation, channel and phase', async () => {
    expect((await traceStats(', operationName: "rag_search"')).map((s) => s.operationName)).toEqual(
      ['rag_search'],
    );
    expect((await traceStats(', channel: EXTENSION')).map((s) => s.operationName)).toEqual([
      'rag_search',
    ]);
    // open beta drops the closed-beta 100 ms trace: 10 20 30 40, one failure of four
    // p50 → 1.5 → 25; p95 → 2.85 → 30 + 0.85·10 = 38.5; p99 → 2.97 → 39.7
    const [search] = await traceStats(', phase: OPEN_BETA, operationName: "search_context"');
    expect(search).toMatchObject({ count: 4, successRate: 0.75, p50: 25, max: 40 });
    expect(search?.p95).toBeCloseTo(38.5, 9);
    expect(search?.p99).toBeCloseTo(39.7, 9);
  });

  it('returns no rows for an empty window', async () => {
    const res = await app.gql(
      '{ traceStats(from: "2026-10-01T00:00:00Z", to: "2026-10-02T00:00:00Z") { operationName } }',
    );
    expect(res.data?.traceStats).toEqual([]);
  });
});
