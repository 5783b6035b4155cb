import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const RESULT = 'accepted duplicates rejected errors { index message }';
const RECORD_EVENTS = `mutation ($events: [EventInput!]!, $sentAt: DateTime) {
  recordEvents(events: $events, sentAt: $sentAt) { ${RESULT} } }`;
const RECORD_EVENT = `mutation ($event: EventInput!) { recordEvent(event: $event) { ${RESULT} } }`;
const RECORD_ERRORS = `mutation ($errors: [ErrorInput!]!, $sentAt: DateTime) {
  recordErrors(errors: $errors, sentAt: $sentAt) { ${RESULT} } }`;
const RECORD_ERROR = `mutation ($error: ErrorInput!) { recordError(error: $error) { ${RESULT} } }`;
const RECORD_TRACES = `mutation ($traces: [TraceInput!]!, $sentAt: DateTime) {
  recordTraces(traces: $traces, sentAt: $sentAt) { ${RESULT} } }`;
const RECORD_TRACE = `mutation ($trace: TraceInput!) { recordTrace(trace: $trace) { ${RESULT} } }`;

let seq = 0;
/** Distinct, valid UUIDs per test so tests never collide on the idempotency key. */
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

const event = (over: Record<string, unknown> = {}) => ({
  eventId: uuid(),
  eventName: 'CONTEXT_LOADED',
  timestamp: '2026-11-20T10:00:00.000Z',
  userIdHash: 'u_ingest',
  sessionId: 's_1',
  channel: 'SERVER',
  ...over,
});

const ok = (accepted: number, duplicates = 0) => ({
  accepted,
  duplicates,
  rejected: 0,
  errors: [],
});

describe('recordEvent / recordEvents', () => {
  it('stores one event with the docs/api.md#pipelines defaults', async () => {
    const e = event({ userTier: 'pro' });
    const res = await app.gql(RECORD_EVENT, { event: e }, INGEST_TOKEN);
    expect(res.data?.recordEvent).toEqual(ok(1));
    const [row] = await app.sql('select * from telemetry_events where id = ?', [e.eventId]);
    expect(row).toMatchObject({
      event_name: 'context_loaded',
      user_id_hash: 'u_ingest',
      session_id: 's_1',
      channel: 'server',
      result: 'success',
      duration_ms: null,
      is_paid_user: true, // tier `pro` is paid
      phase: 'open_beta', // 2026-11-20 ≥ OPEN_BETA_STARTS_AT 2026-10-01
      user_tier: 'pro',
      metadata: null,
    });
    expect(new Date(row.timestamp).toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });

  it('keeps given values: isPaidUser false beats a paid tier, phase, ids, metadata', async () => {
    const e = event({
      userTier: 'enterprise',
      isPaidUser: false,
      phase: 'CLOSED_BETA',
      result: 'partial',
      durationMs: 42,
      projectId: 'p',
      branchId: 'b',
      contextId: 'c',
      clientVersion: '2.1.0',
      metadata: { tool_name: 'search_context', nested: { n: 1 } },
    });
    await app.gql(RECORD_EVENT, { event: e }, INGEST_TOKEN);
    const [row] = await app.sql('select * from telemetry_events where id = ?', [e.eventId]);
    expect(row).toMatchObject({
      is_paid_user: false,
      phase: 'closed_beta',
      result: 'partial',
      duration_ms: 42,
      project_id: 'p',
      branch_id: 'b',
      context_id: 'c',
      client_version: '2.1.0',
      metadata: { tool_name: 'search_context', nested: { n: 1 } },
    });
  });

  it('stamps the phase from OPEN_BETA_STARTS_AT at the exact boundary', async () => {
    const before = event({ timestamp: '2026-09-30T23:59:59.999Z' });
    const at = event({ timestamp: '2026-10-01T00:00:00.000Z' });
    const res = await app.gql(RECORD_EVENTS, { events: [before, at] }, INGEST_TOKEN);
    expect(res.data?.recordEvents).toEqual(ok(2));
    const rows = await app.sql('select id, phase from telemetry_events where id in (?, ?)', [
      before.eventId,
      at.eventId,
    ]);
    const phaseOf = Object.fromEntries(rows.map((r) => [r.id, r.phase]));
    expect(phaseOf).toEqual({ [before.eventId]: 'closed_beta', [at.eventId]: 'open_beta' });
  });

  it('generates an id when none is given', async () => {
    const e = event({ userIdHash: 'u_noid' });
    delete (e as Record<string, unknown>).eventId;
    const res = await app.gql(RECORD_EVENT, { event: e }, INGEST_TOKEN);
    expect(res.data?.recordEvent).toEqual(ok(1));
    const rows = await app.sql("select id from telemetry_events where user_id_hash = 'u_noid'");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts a repeated id as a duplicate, stored once — across requests and within a batch', async () => {
    const e = event({ userIdHash: 'u_dup' });
    expect((await app.gql(RECORD_EVENT, { event: e }, INGEST_TOKEN)).data?.recordEvent).toEqual(
      ok(1),
    );
    expect((await app.gql(RECORD_EVENT, { event: e }, INGEST_TOKEN)).data?.recordEvent).toEqual(
      ok(0, 1),
    );
    const twin = event({ userIdHash: 'u_dup' });
    // batch: the old id again, a new id twice → 1 accepted, 2 duplicates
    const res = await app.gql(RECORD_EVENTS, { events: [e, twin, twin] }, INGEST_TOKEN);
    expect(res.data?.recordEvents).toEqual(ok(1, 2));
    const [{ n }] = await app.sql(
      "select count(*)::int as n from telemetry_events where user_id_hash = 'u_dup'",
    );
    expect(n).toBe(2);
  });

  it('stores the good items of a mixed batch and quarantines the bad ones with reasons', async () => {
    const good1 = event({ userIdHash: 'u_mixed' });
    const badUser = event({ userIdHash: 'someone@example.com' });
    const good2 = event({ userIdHash: 'u_mixed', eventName: 'SESSION_STARTED' });
    const badMeta = event({ userIdHash: 'u_mixed', metadata: { blob: 'x'.repeat(16 * 1024) } });
    const future = event({
      userIdHash: 'u_mixed',
      timestamp: new Date(Date.now() + 2 * 3600_000).toISOString(),
    });
    const res = await app.gql(
      RECORD_EVENTS,
      { events: [good1, badUser, good2, badMeta, future] },
      INGEST_TOKEN,
    );
    const result = res.data?.recordEvents;
    expect(result).toMatchObject({ accepted: 2, duplicates: 0, rejected: 3 });
    expect(result.errors.map((e: { index: number }) => e.index)).toEqual([1, 3, 4]);
    expect(result.errors[0].message).toBe(
      'userIdHash: must be 1–128 characters of [A-Za-z0-9_.:-] (a hash, never an e-mail)',
    );
    expect(result.errors[1].message).toBe('metadata: must be at most 16 KiB when serialised');
    expect(result.errors[2].message).toMatch(
      /^timestamp: must not be more than 1 hour in the future/,
    );

    const stored = await app.sql(
      "select id from telemetry_events where user_id_hash = 'u_mixed' order by id",
    );
    expect(stored.map((r) => r.id).sort()).toEqual([good1.eventId, good2.eventId].sort());

    const failed = await app.sql(
      "select item_index, pipeline, mutation, reason, payload, payload_truncated from telemetry_failed_items where mutation = 'recordEvents' order by item_index",
    );
    expect(failed.map((f) => f.item_index)).toEqual([1, 3, 4]);
    expect(failed[0]).toMatchObject({
      pipeline: 'event',
      reason: result.errors[0].message,
      payload_truncated: false,
    });
    // kept for replay, but scrubbed like everything stored: the e-mail that broke the rule is
    // exactly what must not be kept (docs/privacy.md)
    expect(JSON.parse(failed[0]?.payload)).toMatchObject({
      userIdHash: '[email]',
      eventId: badUser.eventId,
    });
  });

  it('lists failed items newest first with keyset pagination (admin)', async () => {
    const query = `query ($after: String) { failedItems(first: 2, after: $after, pipeline: EVENT) {
      nodes { itemIndex reason mutation payloadTruncated } pageInfo { endCursor hasNextPage } } }`;
    const page1 = await app.gql(query, {});
    expect(page1.errors).toBeUndefined();
    // the mixed batch above quarantined indexes 1, 3, 4 in one request: same received_at, id desc
    expect(page1.data?.failedItems.nodes.map((n: { itemIndex: number }) => n.itemIndex)).toEqual([
      4, 3,
    ]);
    expect(page1.data?.failedItems.pageInfo.hasNextPage).toBe(true);
    const page2 = await app.gql(query, { after: page1.data?.failedItems.pageInfo.endCursor });
    expect(page2.data?.failedItems.nodes.map((n: { itemIndex: number }) => n.itemIndex)).toEqual([
      1,
    ]);
    expect(page2.data?.failedItems.pageInfo.hasNextPage).toBe(false);
  });

  it('shifts every timestamp by receivedAt − sentAt (clock skew)', async () => {
    // the client clock runs 10 minutes fast: sentAt is 10 min ahead of the server
    const sentAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const e = event({ userIdHash: 'u_skew', timestamp: '2026-11-20T10:10:00.000Z' });
    const res = await app.gql(RECORD_EVENTS, { events: [e], sentAt }, INGEST_TOKEN);
    expect(res.data?.recordEvents).toEqual(ok(1));
    const [row] = await app.sql(
      'select "timestamp", received_at from telemetry_events where id = ?',
      [e.eventId],
    );
    const skew = new Date(row.received_at).getTime() - new Date(sentAt).getTime();
    expect(new Date(row.timestamp).getTime()).toBe(
      new Date('2026-11-20T10:10:00.000Z').getTime() + skew,
    );
    // about −10 minutes, give or take the request's own latency
    expect(skew).toBeGreaterThan(-10 * 60_000 - 1);
    expect(skew).toBeLessThan(-10 * 60_000 + 5_000);
  });

  it('accepts a future-looking timestamp that skew correction brings back into range', async () => {
    // client clock 3 h fast: its "now" is 3 h ahead, which alone would be rejected
    const ahead = Date.now() + 3 * 3600_000;
    const e = event({ userIdHash: 'u_skew2', timestamp: new Date(ahead).toISOString() });
    const res = await app.gql(
      RECORD_EVENTS,
      { events: [e], sentAt: new Date(ahead).toISOString() },
      INGEST_TOKEN,
    );
    expect(res.data?.recordEvents).toEqual(ok(1));
  });

  it('rejects only the item a wild sentAt pushes before year 1, storing the rest', async () => {
    // sentAt in the year 9000: every timestamp moves back ~7,000 years; 1500 lands before year 1
    const sentAt = '9000-01-01T00:00:00.000Z';
    const ok1 = event({ userIdHash: 'u_wild', timestamp: '9000-01-01T00:00:00.000Z' });
    const old = event({ userIdHash: 'u_wild', timestamp: '1500-01-01T00:00:00.000Z' });
    const res = await app.gql(RECORD_EVENTS, { events: [ok1, old], sentAt }, INGEST_TOKEN);
    expect(res.data?.recordEvents).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.data?.recordEvents.errors[0].message).toMatch(
      /^timestamp: must not be before 0001-01-01 after clock-skew correction/,
    );
  });

  it('refuses a batch over 1,000 items as a whole, naming the argument', async () => {
    const events = Array.from({ length: 1001 }, () => event({ userIdHash: 'u_big' }));
    const res = await app.gql(RECORD_EVENTS, { events }, INGEST_TOKEN);
    expect(res.errors?.[0]?.message).toBe(
      'events: a batch carries at most 1000 items (got 1001); split it',
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const [{ n }] = await app.sql(
      "select count(*)::int as n from telemetry_events where user_id_hash = 'u_big'",
    );
    expect(n).toBe(0);
  });

  it('fails the whole request on a GraphQL type error (a channel outside the enum)', async () => {
    // an unknown event name is not one: it rejects its item only (contract.test.ts, issue #17)
    const res = await app.gql(
      RECORD_EVENTS,
      { events: [event({ channel: 'DESKTOP' })] },
      INGEST_TOKEN,
    );
    // GraphQL-over-HTTP: variables that do not coerce are a request error, answered with 400
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/DESKTOP/);
    expect(res.data).toBeUndefined();
  });
});

describe('recordError / recordErrors', () => {
  const error = (over: Record<string, unknown> = {}) => ({
    errorId: uuid(),
    timestamp: '2026-11-20T11:00:00.000Z',
    errorType: 'TypeError',
    errorMessage: 'x is undefined',
    severity: 'ERROR',
    userIdHash: 'u_err',
    channel: 'EXTENSION',
    ...over,
  });

  it('stores an error and groups the same bug across machines and releases', async () => {
    const stackA =
      'TypeError: x\n    at load (/home/alice/cortex/dist/index-3f9a2c1b.js:10:5)\n    at main (/home/alice/cortex/dist/main.js:3:1)';
    const stackB =
      'TypeError: y\n    at load (/Users/bob/work/cortex/dist/index-77aa01ff.js:12:9)\n    at main (/Users/bob/work/cortex/dist/main.js:4:2)';
    const a = error({ stackTrace: stackA, relatedEventName: 'CONTEXT_LOADED' });
    const b = error({ stackTrace: stackB });
    const c = error({ stackTrace: stackA, errorType: 'RangeError' });
    const given = error({ stackHash: 'client-hash' });
    const res = await app.gql(RECORD_ERRORS, { errors: [a, b, c, given] }, INGEST_TOKEN);
    expect(res.data?.recordErrors).toEqual(ok(4));
    const rows = await app.sql(
      'select id, stack_hash, severity, related_event_name, channel from telemetry_errors',
    );
    const hash = Object.fromEntries(rows.map((r) => [r.id, r.stack_hash]));
    expect(hash[a.errorId]).toBe(hash[b.errorId]);
    expect(hash[a.errorId]).not.toBe(hash[c.errorId]);
    expect(hash[given.errorId]).toBe('client-hash');
    expect(rows.find((r) => r.id === a.errorId)).toMatchObject({
      severity: 'error',
      related_event_name: 'context_loaded',
      channel: 'extension',
    });
  });

  it('rejects an oversized message only, and counts a duplicate', async () => {
    const good = error();
    const big = error({ errorMessage: 'é'.repeat(4097) }); // 8,194 UTF-8 bytes > 8 KiB
    expect((await app.gql(RECORD_ERROR, { error: good }, INGEST_TOKEN)).data?.recordError).toEqual(
      ok(1),
    );
    const res = await app.gql(RECORD_ERRORS, { errors: [good, big] }, INGEST_TOKEN);
    expect(res.data?.recordErrors).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: 1,
      errors: [{ index: 1, message: 'errorMessage: must be at most 8 KiB (UTF-8)' }],
    });
  });
});

describe('recordTrace / recordTraces', () => {
  const trace = (over: Record<string, unknown> = {}) => ({
    traceId: uuid(),
    timestamp: '2026-11-20T12:00:00.000Z',
    operationName: 'rag_search',
    durationMs: 150.25,
    success: true,
    resultCount: 10,
    userIdHash: 'u_tr',
    channel: 'WEB',
    ...over,
  });

  it('stores traces with float durations and rejects a negative one', async () => {
    const t = trace();
    expect((await app.gql(RECORD_TRACE, { trace: t }, INGEST_TOKEN)).data?.recordTrace).toEqual(
      ok(1),
    );
    const neg = trace({ durationMs: -1 });
    const res = await app.gql(
      RECORD_TRACES,
      { traces: [trace({ success: false }), neg] },
      INGEST_TOKEN,
    );
    expect(res.data?.recordTraces).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: 1,
      errors: [{ index: 1, message: 'durationMs: must be ≥ 0' }],
    });
    const [row] = await app.sql('select * from telemetry_traces where id = ?', [t.traceId]);
    expect(row).toMatchObject({
      operation_name: 'rag_search',
      duration_ms: 150.25,
      success: true,
      result_count: 10,
      channel: 'web',
    });
  });
});

describe('failedItems paging', () => {
  it('walks pages in numeric id order across digit boundaries (9 → 10), none twice', async () => {
    // 12 bad items in one request share received_at, so order falls to the id: 12 rows beyond
    // those already stored push ids past 9 → 10, where a text sort would put '10' before '9'
    const bad = Array.from({ length: 12 }, (_, i) => event({ userIdHash: `bad user ${i}` }));
    const since = new Date().toISOString(); // received_at of this request is at or after it
    const res = await app.gql(RECORD_EVENTS, { events: bad }, INGEST_TOKEN);
    expect(res.data?.recordEvents.rejected).toBe(12);
    const query = `query ($after: String) { failedItems(first: 5, after: $after, pipeline: EVENT, from: "${since}") {
      nodes { itemIndex mutation } pageInfo { endCursor hasNextPage } } }`;
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r: any = await app.gql(query, { after });
      seen.push(...r.data.failedItems.nodes.map((n: { itemIndex: number }) => n.itemIndex));
      after = r.data.failedItems.pageInfo.endCursor;
      if (!r.data.failedItems.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
});
