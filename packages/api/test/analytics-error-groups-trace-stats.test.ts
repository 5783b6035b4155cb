import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;

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
  await app.record('recordErrors', ERRORS);
  await app.record('recordTraces', TRACES);
});
afterAll(async () => app?.close());

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
