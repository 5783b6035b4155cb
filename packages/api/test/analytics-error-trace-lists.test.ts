import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { keyOf, walk } from './helpers/pages.js';

let app: TestApp;

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const AT_10 = '2026-11-10T10:00:00.000Z';

const er = (
  n: number,
  timestamp: string,
  user: string,
  channel: string,
  type: string,
  message: string,
  hash: string,
  severity: string,
  more = {},
) => ({
  errorId: id(n),
  timestamp,
  userIdHash: user,
  channel,
  errorType: type,
  errorMessage: message,
  stackHash: hash,
  severity,
  ...more,
});
/** Sorted newest first: R3, R2, R1, R4. */
const ERRORS = {
  R1: er(101, AT_10, 'u_a', 'SERVER', 'TypeError', 'x is undefined', 'h1', 'ERROR', {
    relatedEventName: 'CONTEXT_LOADED',
  }),
  R2: er(102, AT_10, 'u_b', 'EXTENSION', 'TypeError', 'x is undefined', 'h1', 'WARNING'),
  R3: er(
    103,
    '2026-11-11T12:00:00.000Z',
    'u_a',
    'WEB',
    'RangeError',
    'bad length',
    'h2',
    'CRITICAL',
    {
      stackTrace: 'RangeError: bad length\n    at f (a.js:1:2)',
    },
  ),
  R4: er(104, '2026-11-09T01:00:00.000Z', 'u_c', 'SERVER', 'TypeError', 'y is null', 'h1', 'INFO', {
    phase: 'CLOSED_BETA',
  }),
};
type ErrorKey = keyof typeof ERRORS;

const tr = (
  n: number,
  timestamp: string,
  user: string,
  channel: string,
  operation: string,
  durationMs: number,
  success: boolean,
  more = {},
) => ({
  traceId: id(n),
  timestamp,
  userIdHash: user,
  channel,
  operationName: operation,
  durationMs,
  success,
  ...more,
});
/** Sorted newest first: T3, T2, T1. */
const TRACES = {
  T1: tr(201, AT_10, 'u_a', 'SERVER', 'search_context', 100, true, { resultCount: 3 }),
  T2: tr(202, AT_10, 'u_a', 'SERVER', 'search_context', 250.5, false),
  T3: tr(203, '2026-11-12T00:00:00.000Z', 'u_b', 'EXTENSION', 'rag_search', 40, true),
};
type TraceKey = keyof typeof TRACES;

beforeAll(async () => {
  app = await startTestApp();
  await app.record('recordErrors', Object.values(ERRORS));
  await app.record('recordTraces', Object.values(TRACES));
});
afterAll(async () => app?.close());

const errorKeys = (...keys: ErrorKey[]) => keys.map((k) => keyOf(ERRORS[k]));
const traceKeys = (...keys: TraceKey[]) => keys.map((k) => keyOf(TRACES[k]));

describe('errors list', () => {
  it('walks every page newest first', async () => {
    expect(await walk(app, 'errors', {}, 1)).toEqual(
      errorKeys('R3', 'R2', 'R1', 'R4').map((k) => [k]),
    );
  });

  it('exposes every stored column', async () => {
    const res = await app.gql(`{ errors(first: 2, userIdHash: "u_a") { nodes {
      id timestamp userIdHash sessionId channel phase errorType errorMessage stackTrace stackHash
      severity relatedEventName } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.errors.nodes).toEqual([
      {
        id: id(103),
        timestamp: '2026-11-11T12:00:00.000Z',
        userIdHash: 'u_a',
        sessionId: '',
        channel: 'WEB',
        phase: 'OPEN_BETA',
        errorType: 'RangeError',
        errorMessage: 'bad length',
        stackTrace: 'RangeError: bad length\n    at f (a.js:1:2)',
        stackHash: 'h2',
        severity: 'CRITICAL',
        relatedEventName: null,
      },
      {
        id: id(101),
        timestamp: '2026-11-10T10:00:00.000Z',
        userIdHash: 'u_a',
        sessionId: '',
        channel: 'SERVER',
        phase: 'OPEN_BETA',
        errorType: 'TypeError',
        errorMessage: 'x is undefined',
        stackTrace: null,
        stackHash: 'h1',
        severity: 'ERROR',
        relatedEventName: 'CONTEXT_LOADED',
      },
    ]);
  });

  it.each([
    ['severity (one value)', { severity: 'ERROR' }, ['R1']],
    ['severity (a list)', { severity: ['CRITICAL', 'INFO'] }, ['R3', 'R4']],
    ['errorType', { errorType: 'TypeError' }, ['R2', 'R1', 'R4']],
    ['stackHash', { stackHash: 'h2' }, ['R3']],
    ['userIdHash', { userIdHash: 'u_a' }, ['R3', 'R1']],
    ['phase', { phase: 'CLOSED_BETA' }, ['R4']],
    ['channel', { channel: 'SERVER' }, ['R1', 'R4']],
    ['from', { from: '2026-11-10T10:00:00.000Z' }, ['R3', 'R2', 'R1']],
  ] as [string, Record<string, unknown>, ErrorKey[]][])(
    'filters by %s',
    async (_name, args, keys) => {
      expect((await walk(app, 'errors', args, 2)).flat()).toEqual(errorKeys(...keys));
    },
  );
});

describe('traces list', () => {
  it('walks every page newest first', async () => {
    expect(await walk(app, 'traces', {}, 2)).toEqual([traceKeys('T3', 'T2'), traceKeys('T1')]);
  });

  it('exposes every stored column', async () => {
    const res = await app.gql(`{ traces(first: 1, success: false) { nodes {
      id timestamp userIdHash channel operationName durationMs success resultCount } } }`);
    expect(res.data?.traces.nodes).toEqual([
      {
        id: id(202),
        timestamp: '2026-11-10T10:00:00.000Z',
        userIdHash: 'u_a',
        channel: 'SERVER',
        operationName: 'search_context',
        durationMs: 250.5,
        success: false,
        resultCount: null,
      },
    ]);
  });

  it.each([
    ['operationName', { operationName: 'search_context' }, ['T2', 'T1']],
    ['success true', { success: true }, ['T3', 'T1']],
    ['success false', { success: false }, ['T2']],
    ['channel', { channel: 'EXTENSION' }, ['T3']],
    ['to', { to: '2026-11-12T00:00:00.000Z' }, ['T2', 'T1']],
  ] as [string, Record<string, unknown>, TraceKey[]][])(
    'filters by %s',
    async (_name, args, keys) => {
      expect((await walk(app, 'traces', args, 1)).flat()).toEqual(traceKeys(...keys));
    },
  );
});
