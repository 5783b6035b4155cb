import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const RECORD_LEGACY = `mutation ($events: [JSON!]!, $sentAt: DateTime) {
  recordLegacyEvents(events: $events, sentAt: $sentAt) { accepted duplicates rejected errors { index message } } }`;

/** What the Cortex server's v1 telemetry client wrote. */
const v1 = (over: Record<string, unknown>) => ({
  service: 'mcp',
  user_tier: 'free',
  user_id_hash: 'u_legacy',
  session_id: 'sess_v1',
  timestamp: '2026-11-19T08:00:00.000Z',
  ...over,
});

describe('recordLegacyEvents (docs/api.md#ingest-rules)', () => {
  it('maps catalog names, tool calls, errors and performance, and quarantines the rest', async () => {
    const items = [
      v1({
        event_type: 'context_loaded',
        event_data: { source: 'search' },
        tool_name: 'search_context',
      }),
      v1({
        event_type: 'tool_call',
        tool_name: 'search_context',
        result: 'success',
        duration_ms: 120.5,
        event_data: { result_count: 3 },
      }),
      v1({ event_type: 'tool_call', tool_name: 'update_memory', result: 'error' }), // no duration: no trace
      v1({
        event_type: 'error',
        error_message: 'boom',
        event_data: { error_type: 'DbError', context: { table: 'ctx' } },
        service: 'extension',
      }),
      v1({
        event_type: 'performance',
        duration_ms: 33,
        event_data: { operation: 'rag_search', metadata: { k: 5 } },
        service: 'website',
      }),
      v1({ event_type: 'feature_usage', event_data: { feature: 'x' } }),
      v1({ event_type: 'session_ended' }),
      v1({
        event_name: 'session_started',
        event_type: 'ignored',
        user_tier: 'pro',
        service: 'server',
      }),
    ];
    const res = await app.gql(RECORD_LEGACY, { events: items }, INGEST_TOKEN);
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordLegacyEvents).toEqual({
      accepted: 6,
      duplicates: 0,
      rejected: 2,
      errors: [
        {
          index: 5,
          message:
            "event_type: 'feature_usage' is not in the event catalog (kept so it can be replayed once the catalog covers it)",
        },
        {
          index: 6,
          message:
            "event_type: 'session_ended' is not in the event catalog (kept so it can be replayed once the catalog covers it)",
        },
      ],
    });

    const events = await app.sql(
      `select event_name, channel, result, duration_ms, is_paid_user, metadata from telemetry_events
       where user_id_hash = 'u_legacy' order by event_name, result`,
    );
    expect(events).toEqual([
      {
        event_name: 'context_loaded',
        channel: 'server',
        result: 'success',
        duration_ms: null,
        is_paid_user: false,
        metadata: { source: 'search', tool_name: 'search_context' },
      },
      {
        event_name: 'server_operation_called',
        channel: 'server',
        result: 'error',
        duration_ms: null,
        is_paid_user: false,
        metadata: { tool_name: 'update_memory' },
      },
      {
        event_name: 'server_operation_called',
        channel: 'server',
        result: 'success',
        duration_ms: 121,
        is_paid_user: false,
        metadata: { result_count: 3, tool_name: 'search_context' },
      },
      {
        event_name: 'session_started',
        channel: 'server',
        result: 'success',
        duration_ms: null,
        is_paid_user: true,
        metadata: null,
      },
    ]);

    const traces = await app.sql(
      `select operation_name, duration_ms, success, result_count, channel, metadata from telemetry_traces
       where user_id_hash = 'u_legacy' order by operation_name`,
    );
    expect(traces).toEqual([
      {
        operation_name: 'rag_search',
        duration_ms: 33,
        success: true,
        result_count: null,
        channel: 'web',
        metadata: { k: 5 },
      },
      {
        operation_name: 'search_context',
        duration_ms: 120.5,
        success: true,
        result_count: 3,
        channel: 'server',
        metadata: { tool_name: 'search_context' },
      },
    ]);

    const errors = await app.sql(
      `select error_type, error_message, severity, channel, metadata from telemetry_errors where user_id_hash = 'u_legacy'`,
    );
    expect(errors).toEqual([
      {
        error_type: 'DbError',
        error_message: 'boom',
        severity: 'error',
        channel: 'extension',
        metadata: { table: 'ctx' },
      },
    ]);

    const failed = await app.sql(
      `select item_index, pipeline, mutation, payload from telemetry_failed_items order by item_index`,
    );
    expect(failed.map((f) => [f.item_index, f.pipeline, f.mutation])).toEqual([
      [5, 'legacy', 'recordLegacyEvents'],
      [6, 'legacy', 'recordLegacyEvents'],
    ]);
    expect(JSON.parse(failed[0]?.payload)).toEqual(items[5]);
  });

  it('is idempotent: re-sending the same v1 payloads stores nothing twice', async () => {
    const items = [
      v1({
        user_id_hash: 'u_retry',
        event_type: 'tool_call',
        tool_name: 'sync_to_cloud',
        duration_ms: 10,
      }),
      v1({ user_id_hash: 'u_retry', event_type: 'context_resumed' }),
    ];
    const first = await app.gql(RECORD_LEGACY, { events: items }, INGEST_TOKEN);
    expect(first.data?.recordLegacyEvents).toMatchObject({
      accepted: 2,
      duplicates: 0,
      rejected: 0,
    });
    const again = await app.gql(RECORD_LEGACY, { events: items }, INGEST_TOKEN);
    expect(again.data?.recordLegacyEvents).toMatchObject({
      accepted: 0,
      duplicates: 2,
      rejected: 0,
    });
    const [{ e, t }] = await app.sql(
      `select (select count(*)::int from telemetry_events where user_id_hash = 'u_retry') as e,
              (select count(*)::int from telemetry_traces where user_id_hash = 'u_retry') as t`,
    );
    expect([e, t]).toEqual([2, 1]); // the tool call made an event and a trace, once
  });

  it('rejects a legacy item whose mapped fields break a v2 rule, naming the field', async () => {
    const res = await app.gql(
      RECORD_LEGACY,
      {
        events: [
          v1({ user_id_hash: 'a@b.c', event_type: 'context_loaded' }),
          'not an object',
          v1({ service: 'cli', event_type: 'context_loaded' }),
        ],
      },
      INGEST_TOKEN,
    );
    expect(res.data?.recordLegacyEvents.errors).toEqual([
      {
        index: 0,
        message:
          'userIdHash: must be 1–128 characters of [A-Za-z0-9_.:-] (a hash, never an e-mail)',
      },
      { index: 1, message: '(item): must be a JSON object' },
      { index: 2, message: "service: 'cli' is not one of mcp, server, extension, web, website" },
    ]);
  });

  it('applies clock skew to legacy items too', async () => {
    const sentAt = new Date(Date.now() - 60 * 60_000).toISOString(); // client clock 1 h slow
    const res = await app.gql(
      RECORD_LEGACY,
      {
        events: [
          v1({
            user_id_hash: 'u_skewv1',
            event_type: 'web_view_opened',
            timestamp: '2026-11-19T08:00:00.000Z',
          }),
        ],
        sentAt,
      },
      INGEST_TOKEN,
    );
    expect(res.data?.recordLegacyEvents.accepted).toBe(1);
    const [row] = await app.sql(
      `select "timestamp", received_at from telemetry_events where user_id_hash = 'u_skewv1'`,
    );
    const shift = new Date(row.received_at).getTime() - new Date(sentAt).getTime();
    expect(new Date(row.timestamp).getTime()).toBe(Date.parse('2026-11-19T08:00:00.000Z') + shift);
  });
});
