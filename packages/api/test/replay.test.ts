import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/**
 * The failed items of this file. Three were refused 3 h ago for a timestamp more than 1 h in the
 * future — `now − 1 h`, 2 h ahead of their arrival — and pass today: time has passed (the
 * brief's "a past future"). They are written straight into the store, as the ingest path wrote
 * them (wire values, JSON). The others were refused by the real endpoints and still are.
 */
const NOW = Date.now();
const AN_HOUR_AGO = new Date(NOW - 3_600_000);
const THREE_HOURS_AGO = new Date(NOW - 3 * 3_600_000).toISOString();
const DAY = AN_HOUR_AGO.toISOString().slice(0, 10);
const FUTURE_REASON = `timestamp: must not be more than 1 hour in the future (was ${AN_HOUR_AGO.toISOString()} after clock-skew correction, received ${THREE_HOURS_AGO})`;
const USER_ID_RULE =
  'userIdHash: must be 1–128 characters of [A-Za-z0-9_.:-] (a hash, never an e-mail)';

const withId = {
  eventId: '00000000-0000-4000-9000-000000000001',
  eventName: 'session_started',
  timestamp: AN_HOUR_AGO.toISOString(),
  userIdHash: 'u_replay',
  sessionId: 's_1',
  channel: 'server',
};
/** Sent without an id: a replay gives it one derived from its store id, so twice is once. */
const withoutId = { ...withId, eventId: undefined, userIdHash: 'u_no_id', sessionId: 's_2' };
/** Still broken today; its reason was written by an older rule and is replaced. */
const badUser = { ...withId, eventId: undefined, userIdHash: 'not a hash' };
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const startNanos = BigInt(AN_HOUR_AGO.getTime()) * 1_000_000n;
const otlpRequest = (attributes: unknown[]) => ({
  resourceSpans: [
    {
      resource: { attributes: [] },
      scopeSpans: [
        {
          scope: { name: 'manual' },
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              name: 'rag_search',
              kind: 2,
              startTimeUnixNano: String(startNanos),
              endTimeUnixNano: String(startNanos + 150_000_000n),
              attributes,
            },
          ],
        },
      ],
    },
  ],
});

const REPLAY = `mutation ($ids: [ID!], $filter: FailedItemsFilter) {
  replayFailedItems(ids: $ids, filter: $filter) {
    accepted duplicates stillFailing items { id result reason } } }`;

async function insertFailed(pipeline: string, mutation: string, reason: string, payload: unknown) {
  const [row] = await app.sql(
    `insert into telemetry_failed_items (received_at, pipeline, mutation, item_index, reason, payload)
     values (?::timestamptz, ?, ?, 0, ?, ?) returning id::text as id`,
    [THREE_HOURS_AGO, pipeline, mutation, reason, JSON.stringify(payload)],
  );
  return row.id as string;
}

const dau = async () => {
  const res = await app.gql(`{ dauWau(days: 1, asOf: "${DAY}T00:00:00Z") { dau } }`);
  expect(res.errors).toBeUndefined();
  return res.data?.dauWau.dau as number;
};
const count = async (table: string) =>
  Number((await app.sql(`select count(*)::int as n from ${table}`))[0].n);

describe('replayFailedItems', () => {
  const ids: Record<string, string> = {};

  it('stores what passes today, counts the rest as still failing with their new reason', async () => {
    ids.withId = await insertFailed('event', 'recordEvents', FUTURE_REASON, withId);
    ids.withoutId = await insertFailed('event', 'recordEvents', FUTURE_REASON, withoutId);
    ids.badUser = await insertFailed(
      'event',
      'recordEvent',
      'userIdHash: (an older rule)',
      badUser,
    );
    ids.otlp = await insertFailed('trace', 'POST /v1/traces', FUTURE_REASON, {
      ...otlpRequest([str('enduser.id', 'u_otlp'), str('cortex.channel', 'server')]),
    });
    // refused by the real endpoints, for reasons that still hold
    const legacy = await app.gql(
      `mutation ($es: [JSON!]!) { recordLegacyEvents(events: $es) { rejected errors { message } } }`,
      { es: [{ service: 'mcp', event_type: 'feature_usage', user_id_hash: 'u_legacy' }] },
      INGEST_TOKEN,
    );
    expect(legacy.data?.recordLegacyEvents.rejected).toBe(1);
    const legacyReason = legacy.data?.recordLegacyEvents.errors[0].message as string;
    const otlp = await fetch(`${app.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: JSON.stringify(otlpRequest([str('cortex.channel', 'server')])),
    });
    expect(otlp.status).toBe(200);
    const refused = (
      await app.sql(
        `select id::text as id from telemetry_failed_items where mutation in (?, ?) order by id`,
        ['recordLegacyEvents', 'POST /v1/traces'],
      )
    )
      .map((r) => r.id as string)
      .filter((id) => id !== ids.otlp);
    expect(refused).toHaveLength(2);
    [ids.legacy, ids.otlpNoUser] = refused as [string, string];

    // nobody was active that day before the replay
    expect(await dau()).toBe(0);
    const res = await app.gql(REPLAY, {
      ids: [ids.withId, ids.withoutId, ids.badUser, ids.otlp, ids.legacy, ids.otlpNoUser],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.replayFailedItems).toEqual({
      accepted: 3,
      duplicates: 0,
      stillFailing: 3,
      // in store order
      items: [
        { id: ids.withId, result: 'ACCEPTED', reason: null },
        { id: ids.withoutId, result: 'ACCEPTED', reason: null },
        { id: ids.badUser, result: 'FAILED', reason: USER_ID_RULE },
        { id: ids.otlp, result: 'ACCEPTED', reason: null },
        { id: ids.legacy, result: 'FAILED', reason: legacyReason },
        {
          id: ids.otlpNoUser,
          result: 'FAILED',
          reason: 'userIdHash: no enduser.id attribute on the span or resource',
        },
      ],
    });
    // read after write: u_replay and u_no_id started a session that day (the trace is no activity)
    expect(await dau()).toBe(2);
    expect(await count('telemetry_events')).toBe(2);
    expect(await count('telemetry_traces')).toBe(1);
    const [trace] = await app.sql(
      `select user_id_hash, operation_name, duration_ms::float as duration from telemetry_traces`,
    );
    expect(trace).toEqual({ user_id_hash: 'u_otlp', operation_name: 'rag_search', duration: 150 });
    // a replay files nothing new in the store
    expect(await count('telemetry_failed_items')).toBe(6);
  });

  it('replayed twice stores once: the second time they are duplicates', async () => {
    const res = await app.gql(REPLAY, { filter: { pipeline: 'EVENT' } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.replayFailedItems).toEqual({
      accepted: 0,
      duplicates: 2,
      stillFailing: 1,
      items: [
        { id: ids.withId, result: 'DUPLICATE', reason: null },
        { id: ids.withoutId, result: 'DUPLICATE', reason: null },
        { id: ids.badUser, result: 'FAILED', reason: USER_ID_RULE },
      ],
    });
    const otlp = await app.gql(REPLAY, { ids: [ids.otlp] });
    expect(otlp.data?.replayFailedItems).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await dau()).toBe(2);
    expect(await count('telemetry_events')).toBe(2);
    expect(await count('telemetry_traces')).toBe(1);
  });

  it('keeps each item’s history: when, what came of it, and why it failed', async () => {
    const res = await app.gql(
      `{ failedItems(first: 10, pipeline: EVENT) { nodes { id reason replayedAt replays { at result reason } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data?.failedItems.nodes as {
      id: string;
      reason: string;
      replayedAt: string;
      replays: { at: string; result: string; reason: string | null }[];
    }[];
    const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
    const withIdItem = byId[ids.withId as string];
    expect(withIdItem?.replays.map((r) => [r.result, r.reason])).toEqual([
      ['ACCEPTED', null],
      ['DUPLICATE', null],
    ]);
    // the last replay is when it was last replayed; the first came before it
    expect(withIdItem?.replayedAt).toBe(withIdItem?.replays[1]?.at);
    expect(Date.parse(withIdItem?.replays[0]?.at ?? '')).toBeLessThanOrEqual(
      Date.parse(withIdItem?.replayedAt ?? ''),
    );
    // an item that passed keeps the reason it was refused for
    expect(withIdItem?.reason).toBe(FUTURE_REASON);
    const bad = byId[ids.badUser as string];
    expect(bad?.reason).toBe(USER_ID_RULE);
    expect(bad?.replays.map((r) => [r.result, r.reason])).toEqual([
      ['FAILED', USER_ID_RULE],
      ['FAILED', USER_ID_RULE],
    ]);
    // never replayed: no history
    const legacy = await app.gql(
      `{ failedItems(first: 10, pipeline: LEGACY) { nodes { replayedAt replays { result } } } }`,
    );
    expect(legacy.data?.failedItems.nodes).toEqual([
      { replayedAt: expect.any(String), replays: [{ result: 'FAILED' }] },
    ]);
  });

  it('takes exactly one of ids and filter, and known ids only', async () => {
    const both = await app.gql(REPLAY, { ids: [ids.withId], filter: { pipeline: 'EVENT' } });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(both.errors?.[0]?.message).toBe(
      'ids, filter: give exactly one of them (the items to replay, or a filter they match); got both',
    );
    const neither = await app.gql(REPLAY, {});
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(neither.errors?.[0]?.message).toMatch(/^ids, filter: .* got neither$/);
    const empty = await app.gql(REPLAY, { ids: [] });
    expect(empty.errors?.[0]?.message).toBe('ids: give at least one failed item id');
    const unknown = await app.gql(REPLAY, { ids: [ids.withId, '999999'] });
    expect(unknown.errors?.[0]?.message).toBe('ids: no failed item with id 999999');
    const range = await app.gql(REPLAY, {
      filter: { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    });
    expect(range.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // nothing of the refused calls was replayed
    const [row] = await app.sql(
      `select jsonb_array_length(replays) as n from telemetry_failed_items where id = ?`,
      [ids.withId],
    );
    expect(row.n).toBe(2);
  });

  it('cannot send a payload cut at 64 KiB again: it stays failing, saying why', async () => {
    const [row] = await app.sql(
      `insert into telemetry_failed_items (received_at, pipeline, mutation, item_index, reason,
         payload, payload_truncated)
       values (?::timestamptz, 'error', 'recordErrors', 3, 'metadata: must be at most 16 KiB',
         '{"errorType":"SyncError","metadata":{"blob":"aaaa', true)
       returning id::text as id`,
      [THREE_HOURS_AGO],
    );
    const cut = 'payload: was cut at 64 KiB when it was kept, so it cannot be sent again';
    const res = await app.gql(REPLAY, { filter: { pipeline: 'ERROR' } });
    expect(res.data?.replayFailedItems).toEqual({
      accepted: 0,
      duplicates: 0,
      stillFailing: 1,
      items: [{ id: row.id, result: 'FAILED', reason: cut }],
    });
    expect(await count('telemetry_errors')).toBe(0);
  });

  it('is for admin tokens only', async () => {
    const res = await app.gql(REPLAY, { ids: [ids.withId] }, INGEST_TOKEN);
    expect(res.status).toBe(403);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
