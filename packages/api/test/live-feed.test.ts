import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const base = (timestamp: string, userIdHash: string, sessionId: string) => ({
  timestamp,
  userIdHash,
  sessionId,
  channel: 'SERVER',
});

/**
 * Four ingest requests, one after the other, so the server's receive times increase request by
 * request; the items of one request share theirs. Newest received first, then newest timestamp,
 * then id:
 *   request 4: D1 (event, u_a, s_1, CONTEXT_RESUMED, 08:00 — the oldest timestamp, received last)
 *   request 3: C2, C1 (traces, both 10:00: id 6 before id 5)
 *   request 2: B1 (error, u_a, s_1)
 *   request 1: A2 (event, 10:05) before A1 (event, 10:00)
 * and request 5 below (LT, LE) before them all.
 */
const A1 = {
  eventId: id(1),
  eventName: 'CONTEXT_LOADED',
  ...base('2026-11-20T10:00:00.000Z', 'u_a', 's_1'),
};
const A2 = {
  eventId: id(2),
  eventName: 'SESSION_STARTED',
  ...base('2026-11-20T10:05:00.000Z', 'u_b', 's_2'),
};
const B1 = {
  errorId: id(3),
  errorType: 'TypeError',
  errorMessage: 'ctx is undefined',
  severity: 'ERROR',
  ...base('2026-11-20T09:00:00.000Z', 'u_a', 's_1'),
};
const C1 = {
  traceId: id(5),
  operationName: 'rag_search',
  durationMs: 150.5,
  success: true,
  ...base('2026-11-20T10:00:00.000Z', 'u_b', 's_2'),
};
const C2 = {
  traceId: id(6),
  operationName: 'rag_search',
  durationMs: 88,
  success: false,
  ...base('2026-11-20T10:00:00.000Z', 'u_a', 's_9'),
};
const D1 = {
  eventId: id(7),
  eventName: 'CONTEXT_RESUMED',
  ...base('2026-11-20T08:00:00.000Z', 'u_a', 's_1'),
};

/**
 * Request 5, the newest: a v1 `tool_call` with a duration is stored as an event and a trace with
 * the same receive time and timestamp, so only the pipeline orders them: the trace (LT) first,
 * then the event (LE). Their ids are derived from the payload, so the test names them by type.
 */
const LEGACY_TOOL_CALL = {
  service: 'mcp',
  event_type: 'tool_call',
  tool_name: 'search_context',
  result: 'success',
  duration_ms: 120,
  user_id_hash: 'u_c',
  session_id: 's_5',
  timestamp: '2026-11-20T07:00:00Z',
};

const NAMES = new Map<string, string>([
  [id(1), 'A1'],
  [id(2), 'A2'],
  [id(3), 'B1'],
  [id(5), 'C1'],
  [id(6), 'C2'],
  [id(7), 'D1'],
]);

beforeAll(async () => {
  app = await startTestApp();
  await app.record('recordEvents', [A1, A2]);
  await app.record('recordErrors', [B1]);
  await app.record('recordTraces', [C1, C2]);
  await app.record('recordEvents', [D1]);
  const legacy = await app.gql(
    'mutation ($es: [JSON!]!) { recordLegacyEvents(events: $es) { accepted rejected } }',
    { es: [LEGACY_TOOL_CALL] },
    INGEST_TOKEN,
  );
  expect(legacy.data?.recordLegacyEvents).toEqual({ accepted: 1, rejected: 0 });
});
afterAll(async () => app?.close());

const FEED = `query ($first: Int, $after: String, $since: DateTime, $userIdHash: String,
    $sessionId: String, $eventName: [CortexEventName!], $pipeline: [LivePipeline!]) {
  liveFeed(first: $first, after: $after, since: $since, userIdHash: $userIdHash,
      sessionId: $sessionId, eventName: $eventName, pipeline: $pipeline) {
    nodes { __typename ... on TelemetryRecord { id receivedAt } }
    pageInfo { endCursor hasNextPage }
  }
}`;

type Page = {
  nodes: { __typename: string; id: string; receivedAt: string }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
};

async function feed(args: Record<string, unknown> = {}): Promise<Page> {
  const res = await app.gql<{ liveFeed: Page }>(FEED, args);
  expect(res.errors).toBeUndefined();
  return res.data?.liveFeed as Page;
}

const names = (page: Page) =>
  page.nodes.map((n) => NAMES.get(n.id) ?? (n.__typename === 'TelemetryTrace' ? 'LT' : 'LE'));

/** Every page of a walk by `endCursor`, as fixture names. */
async function walk(first: number, args: Record<string, unknown> = {}) {
  const pages: (string | undefined)[][] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 10; guard++) {
    const page = await feed({ ...args, first, after });
    pages.push(names(page));
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

const ALL = ['LT', 'LE', 'D1', 'C2', 'C1', 'B1', 'A2', 'A1'];

describe('liveFeed', () => {
  it('lists every pipeline newest received first, then by timestamp and id', async () => {
    const page = await feed();
    expect(names(page)).toEqual(ALL);
    expect(page.nodes.map((n) => n.__typename)).toEqual([
      'TelemetryTrace',
      'TelemetryEvent',
      'TelemetryEvent',
      'TelemetryTrace',
      'TelemetryTrace',
      'TelemetryError',
      'TelemetryEvent',
      'TelemetryEvent',
    ]);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('walks every page by cursor with no gap or repeat', async () => {
    expect(await walk(1)).toEqual(ALL.map((n) => [n]));
    // a page ending on LT (trace) must keep LE (event, same instant); one ending on LE must not
    // repeat LT
    expect(await walk(2)).toEqual([
      ['LT', 'LE'],
      ['D1', 'C2'],
      ['C1', 'B1'],
      ['A2', 'A1'],
    ]);
    expect(await walk(3)).toEqual([
      ['LT', 'LE', 'D1'],
      ['C2', 'C1', 'B1'],
      ['A2', 'A1'],
    ]);
    expect(await walk(4)).toEqual([
      ['LT', 'LE', 'D1', 'C2'],
      ['C1', 'B1', 'A2', 'A1'],
    ]);
    expect(await walk(2, { userIdHash: 'u_a' })).toEqual([
      ['D1', 'C2'],
      ['B1', 'A1'],
    ]);
  });

  it('filters by user, session, event name, pipeline and receive time', async () => {
    expect(names(await feed({ userIdHash: 'u_a' }))).toEqual(['D1', 'C2', 'B1', 'A1']);
    expect(names(await feed({ userIdHash: 'u_b' }))).toEqual(['C1', 'A2']);
    expect(names(await feed({ sessionId: 's_1' }))).toEqual(['D1', 'B1', 'A1']);
    expect(names(await feed({ userIdHash: 'u_a', sessionId: 's_9' }))).toEqual(['C2']);
    // an event name keeps events only
    expect(names(await feed({ eventName: ['CONTEXT_LOADED', 'CONTEXT_RESUMED'] }))).toEqual([
      'D1',
      'A1',
    ]);
    expect(names(await feed({ eventName: ['CONTEXT_LOADED'], pipeline: ['TRACE'] }))).toEqual([]);
    expect(names(await feed({ pipeline: ['ERROR', 'TRACE'] }))).toEqual(['LT', 'C2', 'C1', 'B1']);
    expect(names(await feed({ userIdHash: 'u_c' }))).toEqual(['LT', 'LE']);
    expect(names(await feed({ pipeline: ['EVENT'], userIdHash: 'u_b' }))).toEqual(['A2']);
    // since B1's receive time (milliseconds, so at or before it): B1 and everything after it
    const b1 = (await feed()).nodes[5];
    expect(NAMES.get(b1?.id ?? '')).toBe('B1');
    expect(names(await feed({ since: b1?.receivedAt }))).toEqual([
      'LT',
      'LE',
      'D1',
      'C2',
      'C1',
      'B1',
    ]);
    expect(names(await feed({ userIdHash: 'nobody' }))).toEqual([]);
  });

  it('returns the whole stored record of each pipeline', async () => {
    const res = await app.gql(`{ liveFeed(first: 6) { nodes {
      ... on TelemetryEvent { id eventName result userIdHash sessionId channel phase }
      ... on TelemetryError { id errorType errorMessage severity stackHash }
      ... on TelemetryTrace { id operationName durationMs success resultCount }
    } } }`);
    expect(res.errors).toBeUndefined();
    const [lt, le, d1, c2, , b1] = res.data?.liveFeed.nodes ?? [];
    // the v1 tool call: an event and a trace named after the tool (docs/api.md#legacy-v1-payloads)
    expect(lt).toMatchObject({ operationName: 'search_context', durationMs: 120, success: true });
    expect(le).toMatchObject({ eventName: 'SERVER_OPERATION_CALLED', userIdHash: 'u_c' });
    expect(d1).toEqual({
      id: id(7),
      eventName: 'CONTEXT_RESUMED',
      result: 'success',
      userIdHash: 'u_a',
      sessionId: 's_1',
      channel: 'SERVER',
      phase: 'OPEN_BETA',
    });
    expect(c2).toEqual({
      id: id(6),
      operationName: 'rag_search',
      durationMs: 88,
      success: false,
      resultCount: null,
    });
    expect(b1).toMatchObject({
      id: id(3),
      errorType: 'TypeError',
      errorMessage: 'ctx is undefined',
      severity: 'ERROR',
    });
    expect(b1.stackHash).toMatch(/\S/);
  });

  it('refuses bad arguments naming the argument and the rule', async () => {
    const code = async (args: string) => {
      const res = await app.gql(`{ liveFeed(${args}) { pageInfo { hasNextPage } } }`);
      return res.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message]);
    };
    expect(await code('first: 201')).toEqual([
      ['BAD_USER_INPUT', 'first', 'first: must be between 1 and 200 (got 201)'],
    ]);
    expect(await code('first: 0')).toEqual([
      ['BAD_USER_INPUT', 'first', 'first: must be between 1 and 200 (got 0)'],
    ]);
    expect(await code('pipeline: []')).toEqual([
      ['BAD_USER_INPUT', 'pipeline', 'pipeline: must list at least one value when given'],
    ]);
    expect(await code('after: "bm90IGEgY3Vyc29y"')).toEqual([
      ['BAD_USER_INPUT', 'after', 'after: not a cursor returned by this API'],
    ]);
    // a cursor of the events list is not one of the feed's
    const events = await app.gql('{ events(first: 1) { pageInfo { endCursor } } }');
    expect(await code(`after: "${events.data?.events.pageInfo.endCursor}"`)).toEqual([
      ['BAD_USER_INPUT', 'after', 'after: not a cursor returned by this API'],
    ]);
  });

  it('is for admin tokens only', async () => {
    const res = await app.gql('{ liveFeed { pageInfo { hasNextPage } } }', {}, INGEST_TOKEN);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

describe('the documented liveFeed examples run as written', () => {
  const root = new URL('../../../', import.meta.url);

  it('README: the curl of "Did my event arrive?"', async () => {
    const readme = await readFile(new URL('README.md', root), 'utf8');
    const body = /-d '(\{\n {2}"query": "\{ liveFeed[^']*)'/.exec(readme)?.[1];
    expect(body).toBeDefined();
    const res = await app.gql(JSON.parse(body ?? '').query);
    expect(res.errors).toBeUndefined();
    expect(res.data?.liveFeed.nodes).toEqual([]);
  });

  it('docs/api.md: the Live feed block', async () => {
    const api = await readFile(new URL('docs/api.md', root), 'utf8');
    const section = api.slice(api.indexOf('### Live feed'));
    const query = /```graphql\n([\s\S]*?)```/.exec(section)?.[1];
    expect(query).toContain('liveFeed(');
    const res = await app.gql(query ?? '');
    expect(res.errors).toBeUndefined();
    expect(res.data?.liveFeed.nodes).toEqual([]);
  });
});
