import { EVENT_NAMES } from '@cortex-telemetry/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../api/test/helpers/app.js';
import { TelemetryClient, TelemetryError, type TelemetryItem } from '../src/index.js';
import { testClient } from './helpers/clients.js';

/**
 * The SDK against the real server (issue 7 item 5a and the API of item 1): what goes in through
 * the client is what PostgreSQL holds, field by field.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('TelemetryClient → real server', () => {
  it('delivers all 17 catalog events with their fields', async () => {
    const { client, errors } = testClient(app, {
      defaults: {
        userIdHash: 'u_all17',
        sessionId: 's_all17',
        channel: 'extension',
        userTier: 'pro',
        clientVersion: '1.2.3',
        projectId: 'p_1',
      },
    });
    EVENT_NAMES.forEach((name, i) => {
      client.emitEvent(name, {
        timestamp: new Date(Date.UTC(2026, 10, 25, 10, 0, i)),
        contextId: `ctx_${i}`,
        branchId: 'b_1',
        result: i % 2 === 0 ? 'success' : 'error',
        durationMs: i * 10,
        phase: 'open_beta',
        metadata: { i, name },
      });
    });
    expect(await client.flush()).toBe(true);
    expect(errors).toEqual([]);
    const rows = await app.sql(
      `select event_name, user_id_hash, session_id, channel, user_tier, is_paid_user, phase,
              project_id, branch_id, context_id, result, duration_ms, client_version, metadata,
              timestamp::text as ts
         from telemetry_events where user_id_hash = 'u_all17' order by timestamp`,
    );
    expect(rows).toHaveLength(17);
    rows.forEach((row, i) => {
      expect(row).toMatchObject({
        event_name: EVENT_NAMES[i],
        session_id: 's_all17',
        channel: 'extension',
        user_tier: 'pro',
        is_paid_user: true, // tier pro ⇒ paid
        phase: 'open_beta',
        project_id: 'p_1',
        branch_id: 'b_1',
        context_id: `ctx_${i}`,
        result: i % 2 === 0 ? 'success' : 'error',
        duration_ms: i * 10,
        client_version: '1.2.3',
        metadata: { i, name: EVENT_NAMES[i] },
      });
    });
    expect(client.stats()).toMatchObject({ delivered: 17, rejected: 0, queued: 0 });
    await client.shutdown();
  });

  it('trackError and trackTrace store type, message, stack, severity and timing', async () => {
    const { client, errors } = testClient(app, {
      defaults: { userIdHash: 'u_et', channel: 'web' },
    });
    class ContextMissing extends Error {}
    const thrown = new ContextMissing('ctx_9 is gone');
    client.trackError(thrown, { severity: 'critical', relatedEventName: 'context_loaded' });
    client.trackTrace('rag_search', 150.5, { success: false, resultCount: 10 });
    expect(await client.flush()).toBe(true);
    expect(errors).toEqual([]);
    const [error] = await app.sql(
      `select error_type, error_message, severity, related_event_name, stack_trace, channel
         from telemetry_errors where user_id_hash = 'u_et'`,
    );
    expect(error).toMatchObject({
      error_type: 'ContextMissing', // the class name, since `name` stays 'Error'
      error_message: 'ctx_9 is gone',
      severity: 'critical',
      related_event_name: 'context_loaded',
      stack_trace: thrown.stack,
      channel: 'web',
    });
    const traces = await app.sql(
      `select operation_name, duration_ms, success, result_count from telemetry_traces where user_id_hash = 'u_et'`,
    );
    expect(traces).toEqual([
      { operation_name: 'rag_search', duration_ms: 150.5, success: false, result_count: 10 },
    ]);
    await client.shutdown();
  });

  it('a batch with invalid items stores the rest and reports each reject once', async () => {
    const { client, errors } = testClient(app, { flushAt: 1000, flushIntervalMs: 60_000 });
    // 5 items in one request: #1 has an e-mail as userIdHash, #3 a 17 KiB metadata object
    client.emitEvent('context_created', { userIdHash: 'u_batch', metadata: { n: 0 } });
    client.emitEvent('context_created', { userIdHash: 'someone@example.com' });
    client.emitEvent('context_created', { userIdHash: 'u_batch', metadata: { n: 2 } });
    client.emitEvent('context_created', {
      userIdHash: 'u_batch',
      metadata: { big: 'x'.repeat(17 * 1024) },
    });
    client.emitEvent('context_created', { userIdHash: 'u_batch', metadata: { n: 4 } });
    expect(await client.flush()).toBe(true);
    const stored = await app.sql(
      `select metadata->>'n' as n from telemetry_events where user_id_hash = 'u_batch' order by 1`,
    );
    expect(stored.map((r) => r.n)).toEqual(['0', '2', '4']);
    expect(errors.map((e) => [e.code, e.message.split(':')[0]])).toEqual([
      ['REJECTED', 'userIdHash'],
      ['REJECTED', 'metadata'],
    ]);
    expect(errors[0]!.item?.kind).toBe('event');
    expect(client.stats()).toMatchObject({ delivered: 3, rejected: 2, queued: 0 });
    // nothing is re-sent: another flush finds nothing to do and no new report appears
    expect(await client.flush()).toBe(true);
    expect(errors).toHaveLength(2);
    await client.shutdown();
  });

  it('reports a wrong event name or a bad field from JavaScript instead of throwing', () => {
    const { client, errors } = testClient(app);
    const js = client as unknown as { emitEvent: (name: string, fields?: object) => void };
    expect(() => js.emitEvent('session_ended')).not.toThrow();
    expect(() => js.emitEvent('context_loaded', { channel: 'mobile' })).not.toThrow();
    expect(() => js.emitEvent('context_loaded', { durationMs: 1.5 })).not.toThrow();
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ['INVALID_ITEM', 'eventName: must be one of the 17 catalog events'],
      ['INVALID_ITEM', 'channel: must be one of extension, server, web'],
      ['INVALID_ITEM', 'durationMs: must be an integer between 0 and 2147483647'],
    ]);
    expect(client.stats()).toMatchObject({ queued: 0, rejected: 3 });
    // @ts-expect-error a name outside the catalog does not compile
    client.emitEvent('session_ended');
  });

  it('sampleRate, beforeSend and enabled:false decide what is queued', async () => {
    const seen: TelemetryItem[] = [];
    const { client } = testClient(app, {
      beforeSend: (item) => {
        seen.push(item);
        if (item.kind === 'event' && item.data.eventName === 'web_view_opened') return null;
        if (item.kind === 'event') item.data.metadata = { scrubbed: true };
        return item;
      },
      defaults: { userIdHash: 'u_hooks', channel: 'web' },
    });
    client.emitEvent('web_view_opened');
    client.emitEvent('session_started', { metadata: { email: 'a@b.c' } });
    expect(await client.flush()).toBe(true);
    const rows = await app.sql(
      `select event_name, metadata from telemetry_events where user_id_hash = 'u_hooks'`,
    );
    expect(rows).toEqual([{ event_name: 'session_started', metadata: { scrubbed: true } }]);
    expect(seen).toHaveLength(2);
    expect(client.stats()).toMatchObject({ filtered: 1, delivered: 1 });

    const none = testClient(app, { sampleRate: 0 });
    none.client.emitEvent('session_started');
    none.client.trackError(new Error('errors are never sampled out'));
    expect(none.client.stats()).toMatchObject({ sampledOut: 1, queued: 1 });
    await none.client.shutdown();

    let fetches = 0;
    const off = new TelemetryClient({
      endpoint: 'http://127.0.0.1:9/graphql',
      token: 't',
      enabled: false,
      fetch: async () => {
        fetches++;
        return new Response('{}');
      },
    });
    off.emitEvent('session_started');
    expect(await off.trackToolCall('search_context', {}, () => 42)).toBe(42);
    expect(await off.flush()).toBe(true);
    expect(fetches).toBe(0);
    expect(off.stats().queued).toBe(0);
  });

  it('bounds the queue: the newest items are dropped, counted and reported once', async () => {
    // nothing listens on port 9 (discard): every send fails and is retried, so the queue fills
    const { client, errors } = testClient('http://127.0.0.1:9', { maxQueueSize: 5 });
    for (let i = 0; i < 8; i++) client.emitEvent('session_started');
    expect(client.stats()).toMatchObject({ queued: 5, dropped: 3 });
    expect(errors.map((e) => e.code)).toEqual(['QUEUE_FULL']);
    expect(await client.shutdown(100)).toBe(false);
    expect(errors.map((e) => e.code)).toEqual(['QUEUE_FULL', 'UNDELIVERED']);
    expect(errors[1]).toBeInstanceOf(TelemetryError);
  });

  it('an endpoint without /graphql is WRONG_ENDPOINT (the server answers 405), not UNAUTHORIZED', async () => {
    // the server's address without the /graphql path: a POST there is answered 405
    const { client: wrong, errors } = testClient(app, {
      endpoint: `${app.baseUrl}/`,
      defaults: { userIdHash: 'u_wrong_path', channel: 'server' },
    });
    const eventId = '0b6a3a0e-5f42-4d0e-8a54-7c1d7e0f2a11';
    wrong.emitEvent('session_started', { eventId });
    expect(await wrong.flush()).toBe(true);
    expect(errors).toHaveLength(1);
    const [report] = errors;
    expect([report!.code, report!.status, report!.items?.map((i) => i.data.userIdHash)]).toEqual([
      'WRONG_ENDPOINT',
      405,
      ['u_wrong_path'],
    ]);
    expect(report!.message).toBe(
      `1 item(s) dropped: HTTP 405 from ${app.baseUrl}/: not a GraphQL endpoint (it ends in /graphql) — event session_started ${eventId}`,
    );
    const rows = await app.sql(
      `select count(*)::int as n from telemetry_events where user_id_hash = 'u_wrong_path'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
    await wrong.shutdown();
  });

  it('trackToolCall re-throws the original error unchanged and records it', async () => {
    const { client } = testClient(app, { defaults: { userIdHash: 'u_tool', channel: 'server' } });
    const original = new RangeError('no such branch');
    const thrown = await client
      .trackToolCall('create_branch', { auto_created: true }, () => {
        throw original;
      })
      .catch((e: unknown) => e);
    expect(thrown).toBe(original);
    expect(await client.flush()).toBe(true);
    const events = await app.sql(
      `select event_name, result from telemetry_events where user_id_hash = 'u_tool'`,
    );
    // a failed call: server_operation_called only (no context_auto_created), result error
    expect(events).toEqual([{ event_name: 'server_operation_called', result: 'error' }]);
    const [error] = await app.sql(
      `select error_type, related_event_name from telemetry_errors where user_id_hash = 'u_tool'`,
    );
    // related: what create_branch with auto_created would have produced
    expect(error).toEqual({ error_type: 'RangeError', related_event_name: 'context_auto_created' });
    const [trace] = await app.sql(
      `select operation_name, success from telemetry_traces where user_id_hash = 'u_tool'`,
    );
    expect(trace).toEqual({ operation_name: 'create_branch', success: false });
    await client.shutdown();
  });
});
