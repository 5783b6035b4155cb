import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';
import { keyOf, nodeKey, walk } from './helpers/pages.js';

let app: TestApp;
let startedAt: number;

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const AT_10 = '2026-11-10T10:00:00.000Z';

const ev = (
  n: number,
  timestamp: string,
  user: string,
  channel: string,
  name: string,
  more = {},
) => ({
  eventId: id(n),
  timestamp,
  userIdHash: user,
  channel,
  eventName: name,
  ...more,
});
/**
 * Sorted newest first by (timestamp, id, user): E7, E5, E4, E3, E2, E8, E1, E6.
 * E1, E2, E3, E8 share a timestamp; E8 reuses E1's id under another user (ids are per user).
 */
const EVENTS = {
  E1: ev(1, AT_10, 'u_a', 'SERVER', 'CONTEXT_LOADED', { sessionId: 's_1' }),
  E2: ev(2, AT_10, 'u_b', 'EXTENSION', 'SESSION_STARTED', { sessionId: 's_2' }),
  E3: ev(3, AT_10, 'u_a', 'SERVER', 'CONTEXT_RESUMED', { sessionId: 's_1', result: 'error' }),
  E4: ev(4, '2026-11-11T08:00:00.000Z', 'u_a', 'WEB', 'WEB_VIEW_OPENED', {
    sessionId: 's_3',
    phase: 'CLOSED_BETA',
    userTier: 'pro',
    projectId: 'p_1',
    branchId: 'b_1',
    contextId: 'c_1',
    clientVersion: '2.1.0',
    durationMs: 120,
    metadata: { view: 'graph', n: 2 },
  }),
  E5: ev(5, '2026-11-12T09:30:00.000Z', 'u_c', 'SERVER', 'CONTEXT_LOADED'),
  E6: ev(6, '2026-11-09T23:59:59.999Z', 'u_b', 'EXTENSION', 'EXTENSION_ACTIVATED', {
    sessionId: 's_2',
  }),
  E7: ev(7, '2026-11-12T09:30:00.000Z', 'u_b', 'SERVER', 'CONTEXT_LOADED', { sessionId: 's_7' }),
  E8: ev(1, AT_10, 'u_z', 'SERVER', 'CONTEXT_MODIFIED', { sessionId: 's_z' }),
};
type EventKey = keyof typeof EVENTS;
const ALL_EVENTS_NEWEST_FIRST: EventKey[] = ['E7', 'E5', 'E4', 'E3', 'E2', 'E8', 'E1', 'E6'];

beforeAll(async () => {
  app = await startTestApp();
  startedAt = Date.now();
  await app.record('recordEvents', Object.values(EVENTS));
});
afterAll(async () => app?.close());

const eventKeys = (...keys: EventKey[]) => keys.map((k) => keyOf(EVENTS[k]));

describe('events list', () => {
  it('walks every page newest first, with no gap or repeat across equal timestamps', async () => {
    const expected = eventKeys(...ALL_EVENTS_NEWEST_FIRST);
    for (const first of [1, 2, 3, 8, 50]) {
      const pages = await walk(app, 'events', {}, first);
      expect(pages.flat()).toEqual(expected);
      expect(pages.length).toBe(Math.max(1, Math.ceil(8 / first)));
    }
    expect(await walk(app, 'events', {}, 3)).toEqual([
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
      const pages = await walk(app, 'events', args, 2);
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
    expect(page1.data?.events.nodes.map(nodeKey)).toEqual(eventKeys('E7', 'E5'));
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
    expect(page2.data?.events.nodes.map(nodeKey)).toEqual(eventKeys('E3', 'E8'));
    await app.sql("delete from telemetry_events where user_id_hash = 'u_late'");
  });
});
