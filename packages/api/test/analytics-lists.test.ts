import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
let startedAt: number;

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * Sorted newest first by (timestamp, id, user): E7, E5, E4, E3, E2, E8, E1, E6.
 * E1, E2, E3, E8 share a timestamp; E8 reuses E1's id under another user (ids are per user).
 */
const EVENTS = {
  E1: {
    eventId: id(1),
    timestamp: '2026-11-10T10:00:00.000Z',
    userIdHash: 'u_a',
    sessionId: 's_1',
    channel: 'SERVER',
    eventName: 'CONTEXT_LOADED',
  },
  E2: {
    eventId: id(2),
    timestamp: '2026-11-10T10:00:00.000Z',
    userIdHash: 'u_b',
    sessionId: 's_2',
    channel: 'EXTENSION',
    eventName: 'SESSION_STARTED',
  },
  E3: {
    eventId: id(3),
    timestamp: '2026-11-10T10:00:00.000Z',
    userIdHash: 'u_a',
    sessionId: 's_1',
    channel: 'SERVER',
    eventName: 'CONTEXT_RESUMED',
    result: 'error',
  },
  E4: {
    eventId: id(4),
    timestamp: '2026-11-11T08:00:00.000Z',
    userIdHash: 'u_a',
    sessionId: 's_3',
    channel: 'WEB',
    eventName: 'WEB_VIEW_OPENED',
    phase: 'CLOSED_BETA',
    userTier: 'pro',
    projectId: 'p_1',
    branchId: 'b_1',
    contextId: 'c_1',
    clientVersion: '2.1.0',
    durationMs: 120,
    metadata: { view: 'graph', n: 2 },
  },
  E5: {
    eventId: id(5),
    timestamp: '2026-11-12T09:30:00.000Z',
    userIdHash: 'u_c',
    channel: 'SERVER',
    eventName: 'CONTEXT_LOADED',
  },
  E6: {
    eventId: id(6),
    timestamp: '2026-11-09T23:59:59.999Z',
    userIdHash: 'u_b',
    sessionId: 's_2',
    channel: 'EXTENSION',
    eventName: 'EXTENSION_ACTIVATED',
  },
  E7: {
    eventId: id(7),
    timestamp: '2026-11-12T09:30:00.000Z',
    userIdHash: 'u_b',
    sessionId: 's_7',
    channel: 'SERVER',
    eventName: 'CONTEXT_LOADED',
  },
  E8: {
    eventId: id(1),
    timestamp: '2026-11-10T10:00:00.000Z',
    userIdHash: 'u_z',
    sessionId: 's_z',
    channel: 'SERVER',
    eventName: 'CONTEXT_MODIFIED',
  },
} as const;
type EventKey = keyof typeof EVENTS;
const ALL_EVENTS_NEWEST_FIRST: EventKey[] = ['E7', 'E5', 'E4', 'E3', 'E2', 'E8', 'E1', 'E6'];

/** Sorted newest first: R3, R2, R1, R4. */
const ERRORS = {
  R1: {
    errorId: id(101),
    timestamp: '2026-11-10T10:00:00.000Z',
    userIdHash: 'u_a',
    channel: 'SERVER',
    errorType: 'TypeError',
    errorMessage: 'x is undefined',
    stackHash: 'h1',
    severity: 'ERROR',
    relatedEventName: 'CONTEXT_LOADED',
  },
  R2: {
    errorId: id(102),
    timestamp: '2026-11-10T10:00:00.000Z',
    userIdHash: 'u_b',
    channel: 'EXTENSION',
    errorType: 'TypeError',
    errorMessage: 'x is undefined',
    stackHash: 'h1',
    severity: 'WARNING',
  },
  R3: {
    errorId: id(103),
    timestamp: '2026-11-11T12:00:00.000Z',
    userIdHash: 'u_a',
    channel: 'WEB',
    errorType: 'RangeError',
    errorMessage: 'bad length',
    stackHash: 'h2',
    severity: 'CRITICAL',
    stackTrace: 'RangeError: bad length\n    at f (a.js:1:2)',
  },
  R4: {
    errorId: id(104),
    timestamp: '2026-11-09T01:00:00.000Z',
    userIdHash: 'u_c',
    channel: 'SERVER',
    errorType: 'TypeError',
    errorMessage: 'y is null',
    stackHash: 'h1',
    severity: 'INFO',
    phase: 'CLOSED_BETA',
  },
} as const;
type ErrorKey = keyof typeof ERRORS;

/** Sorted newest first: T3, T2, T1. */
const TRACES = {
  T1: {
    traceId: id(201),
    timestamp: '2026-11-10T10:00:00.000Z',
    userIdHash: 'u_a',
    channel: 'SERVER',
    operationName: 'search_context',
    durationMs: 100,
    success: true,
    resultCount: 3,
  },
  T2: {
    traceId: id(202),
    timestamp: '2026-11-10T10:00:00.000Z',
    userIdHash: 'u_a',
    channel: 'SERVER',
    operationName: 'search_context',
    durationMs: 250.5,
    success: false,
  },
  T3: {
    traceId: id(203),
    timestamp: '2026-11-12T00:00:00.000Z',
    userIdHash: 'u_b',
    channel: 'EXTENSION',
    operationName: 'rag_search',
    durationMs: 40,
    success: true,
  },
} as const;
type TraceKey = keyof typeof TRACES;

beforeAll(async () => {
  app = await startTestApp();
  startedAt = Date.now();
  const record = async (mutation: string, type: string, items: object[]) => {
    const res = await app.gql(
      `mutation ($items: [${type}!]!) { ${mutation}(${mutation.replace('record', '').toLowerCase()}: $items) { accepted rejected } }`,
      { items },
      INGEST_TOKEN,
    );
    expect(res.data?.[mutation]).toEqual({ accepted: items.length, rejected: 0 });
  };
  await record('recordEvents', 'EventInput', Object.values(EVENTS));
  await record('recordErrors', 'ErrorInput', Object.values(ERRORS));
  await record('recordTraces', 'TraceInput', Object.values(TRACES));
});
afterAll(async () => app?.close());

type Node = { id: string; userIdHash: string };
type Page = { nodes: Node[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };

const keyOf = (item: { userIdHash: string } & Record<string, unknown>) =>
  `${item.eventId ?? item.errorId ?? item.traceId}/${item.userIdHash}`;

/** Follows `endCursor` until `hasNextPage` is false; returns every page's nodes as keys. */
async function walk(field: string, args: Record<string, unknown>, first: number) {
  const query = `query ($first: Int, $after: String) { ${field}(first: $first, after: $after${Object.entries(
    args,
  )
    .map(([k, v]) => `, ${k}: ${JSON.stringify(v).replace(/"([A-Z_]+)"/g, '$1')}`)
    .join('')}) { nodes { id userIdHash } pageInfo { endCursor hasNextPage } } }`;
  const pages: string[][] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 20; guard++) {
    const res = await app.gql(query, { first, after });
    expect(res.errors).toBeUndefined();
    const page = res.data?.[field] as Page;
    pages.push(page.nodes.map((n) => `${n.id}/${n.userIdHash}`));
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

const eventKeys = (...keys: EventKey[]) => keys.map((k) => keyOf(EVENTS[k]));
const errorKeys = (...keys: ErrorKey[]) => keys.map((k) => keyOf(ERRORS[k]));
const traceKeys = (...keys: TraceKey[]) => keys.map((k) => keyOf(TRACES[k]));

describe('events list', () => {
  it('walks every page newest first, with no gap or repeat across equal timestamps', async () => {
    const expected = eventKeys(...ALL_EVENTS_NEWEST_FIRST);
    for (const first of [1, 2, 3, 8, 50]) {
      const pages = await walk('events', {}, first);
      expect(pages.flat()).toEqual(expected);
      expect(pages.length).toBe(Math.max(1, Math.ceil(8 / first)));
    }
    expect(await walk('events', {}, 3)).toEqual([
      eventKeys('E7', 'E5', 'E4'),
      eventKeys('E3', 'E2', 'E8'),
      eventKeys('E1', 'E6'),
    ]);
  });

  it('exposes every stored column', async () => {
    const res = await app.gql(`{ events(first: 1, phase: CLOSED_BETA) { nodes {
      id timestamp receivedAt userIdHash userTier isPaidUser sessionId channel phase projectId
      branchId contextId clientVersion metadata eventName result durationMs } } }`);
    expect(res.errors).toBeUndefined();
    const [node] = res.data?.events.nodes ?? [];
    const { receivedAt, ...rest } = node;
    expect(rest).toEqual({
      id: id(4),
      timestamp: '2026-11-11T08:00:00.000Z',
      userIdHash: 'u_a',
      userTier: 'pro',
      isPaidUser: true,
      sessionId: 's_3',
      channel: 'WEB',
      phase: 'CLOSED_BETA',
      projectId: 'p_1',
      branchId: 'b_1',
      contextId: 'c_1',
      clientVersion: '2.1.0',
      metadata: { view: 'graph', n: 2 },
      eventName: 'WEB_VIEW_OPENED',
      result: 'success',
      durationMs: 120,
    });
    expect(Date.parse(receivedAt)).toBeGreaterThanOrEqual(startedAt - 60_000);
    expect(Date.parse(receivedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('shows absent optional columns as null and an absent session as ""', async () => {
    const res = await app.gql(`{ events(userIdHash: "u_c") { nodes {
      userTier isPaidUser sessionId projectId metadata durationMs phase } } }`);
    expect(res.data?.events.nodes).toEqual([
      {
        userTier: null,
        isPaidUser: false,
        sessionId: '',
        projectId: null,
        metadata: null,
        durationMs: null,
        phase: 'OPEN_BETA',
      },
    ]);
  });

  it.each([
    [
      'from/to (to exclusive)',
      { from: '2026-11-10T10:00:00.000Z', to: '2026-11-12T09:30:00.000Z' },
      ['E4', 'E3', 'E2', 'E8', 'E1'],
    ],
    ['userIdHash', { userIdHash: 'u_a' }, ['E4', 'E3', 'E1']],
    ['sessionId', { sessionId: 's_2' }, ['E2', 'E6']],
    ['sessionId "" (no session)', { sessionId: '' }, ['E5']],
    ['channel', { channel: 'EXTENSION' }, ['E2', 'E6']],
    ['phase', { phase: 'CLOSED_BETA' }, ['E4']],
    ['eventName (one value)', { eventName: 'CONTEXT_LOADED' }, ['E7', 'E5', 'E1']],
    ['eventName (a list)', { eventName: ['SESSION_STARTED', 'EXTENSION_ACTIVATED'] }, ['E2', 'E6']],
    ['result', { result: 'error' }, ['E3']],
    ['channel and user together', { channel: 'SERVER', userIdHash: 'u_a' }, ['E3', 'E1']],
    ['a filter nothing matches', { userIdHash: 'nobody' }, []],
  ] as [string, Record<string, unknown>, EventKey[]][])(
    'filters by %s',
    async (_name, args, keys) => {
      const pages = await walk('events', args, 2);
      expect(pages.flat()).toEqual(eventKeys(...keys));
    },
  );

  it('returns an empty page with a null cursor when nothing matches', async () => {
    const res = await app.gql(
      '{ events(userIdHash: "nobody") { nodes { id } pageInfo { endCursor hasNextPage } } }',
    );
    expect(res.data?.events).toEqual({
      nodes: [],
      pageInfo: { endCursor: null, hasNextPage: false },
    });
  });

  it('keeps its place when newer rows arrive between pages', async () => {
    const query = `query ($after: String) { events(first: 2, channel: SERVER, after: $after) {
      nodes { id userIdHash } pageInfo { endCursor hasNextPage } } }`;
    const page1 = await app.gql(query, {});
    expect(page1.data?.events.nodes.map(keyOf2)).toEqual(eventKeys('E7', 'E5'));
    const late = {
      eventId: id(9),
      timestamp: '2026-11-13T00:00:00.000Z',
      userIdHash: 'u_late',
      channel: 'SERVER',
      eventName: 'CONTEXT_LOADED',
    };
    const rec = await app.gql(
      'mutation ($e: EventInput!) { recordEvent(event: $e) { accepted } }',
      { e: late },
      INGEST_TOKEN,
    );
    expect(rec.data?.recordEvent.accepted).toBe(1);
    const page2 = await app.gql(query, { after: page1.data?.events.pageInfo.endCursor });
    expect(page2.data?.events.nodes.map(keyOf2)).toEqual(eventKeys('E3', 'E8'));
    await app.sql("delete from telemetry_events where user_id_hash = 'u_late'");
  });
});

const keyOf2 = (n: Node) => `${n.id}/${n.userIdHash}`;

describe('errors list', () => {
  it('walks every page newest first', async () => {
    expect(await walk('errors', {}, 1)).toEqual(errorKeys('R3', 'R2', 'R1', 'R4').map((k) => [k]));
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
      expect((await walk('errors', args, 2)).flat()).toEqual(errorKeys(...keys));
    },
  );
});

describe('traces list', () => {
  it('walks every page newest first', async () => {
    expect(await walk('traces', {}, 2)).toEqual([traceKeys('T3', 'T2'), traceKeys('T1')]);
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
      expect((await walk('traces', args, 1)).flat()).toEqual(traceKeys(...keys));
    },
  );
});
