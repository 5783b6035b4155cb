import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/**
 * Rows travel to PostgreSQL as one JSON array per row, read back by position from jsonb
 * (ingest.sql.ts). Whatever a client may send must be stored exactly as sent: every character a
 * string may hold (escapes, control characters, quotes, backslashes, characters outside the BMP,
 * strings that look like JSON, NULL or an array literal), strings at their length limits, and
 * numbers at the edges of what their columns hold.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const RESULT = 'accepted duplicates rejected errors { index message }';
const RECORD_EVENTS = `mutation ($events: [EventInput!]!) { recordEvents(events: $events) { ${RESULT} } }`;
const RECORD_ERRORS = `mutation ($errors: [ErrorInput!]!) { recordErrors(errors: $errors) { ${RESULT} } }`;
const RECORD_TRACES = `mutation ($traces: [TraceInput!]!) { recordTraces(traces: $traces) { ${RESULT} } }`;

let seq = 0;
const uuid = () => `00000000-0000-4000-9000-${String(++seq).padStart(12, '0')}`;
const ok = (accepted: number) => ({ accepted, duplicates: 0, rejected: 0, errors: [] });

/** No scrubbing rule matches any of these (scrub_rules stays null below). */
const AWKWARD = [
  'tab\there, newline\nthere, CR LF\r\n, form feed\f, backspace\b',
  'a backslash \\ two \\\\ and one at the end \\',
  'double "quotes", \'single\', `backtick`, {braces}, [brackets], commas,',
  '\u0001\u0002\u001b\u001f\u007f\u0080\u009f control characters around',
  'é ü ß 中文 עברית 😀 𝄞 \u2028\u2029 \uFEFF \uFFFD \uFFFF',
  '{"looks": "like JSON"}',
  '["an", "array"]',
  '{"an","array literal"}',
  'NULL',
  'null',
  '\\N',
  ' leading and trailing spaces ',
];

describe('values stored exactly as sent', () => {
  it('strings with every kind of character, in every text column of an event', async () => {
    const events = AWKWARD.map((text, i) => ({
      eventId: uuid(),
      eventName: 'CONTEXT_LOADED',
      timestamp: '2026-11-20T10:00:00.000Z',
      userIdHash: `u_values_${i}`,
      sessionId: text,
      channel: 'SERVER',
      userTier: text.slice(0, 32),
      projectId: text,
      branchId: text,
      contextId: text,
      clientVersion: text.slice(0, 64),
      result: text.slice(0, 32),
    }));
    const res = await app.gql(RECORD_EVENTS, { events }, INGEST_TOKEN);
    expect(res.data?.recordEvents).toEqual(ok(events.length));
    for (const e of events) {
      const [row] = await app.sql(
        `select session_id, user_tier, project_id, branch_id, context_id, client_version, result,
          scrub_rules from telemetry_events where id = ?`,
        [e.eventId],
      );
      expect(row).toStrictEqual({
        session_id: e.sessionId,
        user_tier: e.userTier,
        project_id: e.projectId,
        branch_id: e.branchId,
        context_id: e.contextId,
        client_version: e.clientVersion,
        result: e.result,
        scrub_rules: null,
      });
    }
  });

  it('metadata as jsonb of what was sent; strings at their limits; an empty session', async () => {
    const metadata = {
      text: AWKWARD.join(' | '),
      'key "quoted"\t\\': 'v',
      numbers: [0, -1, 1.5, 0.1, 1e-7, 1.5e300, 2 ** 53 + 2, -123.456],
      nested: { deep: [null, true, false, { empty: {} }], emptyList: [] },
      nothing: null,
    };
    // 2-byte characters around control characters, just under the 64 KiB and 8 KiB limits
    const block = 'é\t\n\\"x\u0001';
    const stackTrace = block.repeat(Math.floor((64 * 1024) / 9));
    const errorMessage = block.repeat(Math.floor((8 * 1024) / 9));
    const e = {
      errorId: uuid(),
      timestamp: '2026-11-20T10:00:00.000Z',
      userIdHash: 'u_values_error',
      channel: 'SERVER',
      errorType: AWKWARD[0],
      errorMessage,
      stackTrace,
      stackHash: AWKWARD[2],
      severity: 'ERROR',
      metadata,
    };
    const res = await app.gql(RECORD_ERRORS, { errors: [e] }, INGEST_TOKEN);
    expect(res.data?.recordErrors).toEqual(ok(1));
    const [row] = await app.sql(
      `select error_type, error_message, stack_trace, stack_hash, session_id, user_tier,
        project_id, metadata::text as metadata, scrub_rules from telemetry_errors where id = ?`,
      [e.errorId],
    );
    const [expected] = await app.sql('select ?::jsonb::text as metadata', [
      JSON.stringify(metadata),
    ]);
    expect(row).toStrictEqual({
      error_type: AWKWARD[0],
      error_message: errorMessage,
      stack_trace: stackTrace,
      stack_hash: AWKWARD[2],
      session_id: '',
      user_tier: null,
      project_id: null,
      metadata: expected.metadata,
      scrub_rules: null,
    });
  });

  it('numbers at the edges of their columns', async () => {
    const durations = [
      Number.MIN_VALUE,
      Number.MAX_VALUE,
      0.1 + 0.2,
      1e-7,
      123456789.12345679,
      2 ** 53 + 1,
      0,
    ];
    const traces = durations.map((durationMs, i) => ({
      traceId: uuid(),
      timestamp: '2026-11-20T10:00:00.000Z',
      userIdHash: `u_values_trace_${i}`,
      channel: 'WEB',
      operationName: AWKWARD[i] ?? 'op',
      durationMs,
      success: i % 2 === 0,
      resultCount: i === 0 ? 2_147_483_647 : i,
    }));
    const res = await app.gql(RECORD_TRACES, { traces }, INGEST_TOKEN);
    expect(res.data?.recordTraces).toEqual(ok(traces.length));
    for (const t of traces) {
      const [row] = await app.sql(
        `select operation_name, duration_ms, success, result_count from telemetry_traces
          where id = ?`,
        [t.traceId],
      );
      expect(row).toStrictEqual({
        operation_name: t.operationName,
        duration_ms: t.durationMs,
        success: t.success,
        result_count: t.resultCount,
      });
    }
    const e = {
      eventId: uuid(),
      eventName: 'CONTEXT_LOADED',
      timestamp: '2026-11-20T10:00:00.000Z',
      userIdHash: 'u_values_max',
      channel: 'SERVER',
      durationMs: 2_147_483_647,
      isPaidUser: false,
      userTier: 'enterprise',
    };
    expect(
      (await app.gql(RECORD_EVENTS, { events: [e] }, INGEST_TOKEN)).data?.recordEvents,
    ).toEqual(ok(1));
    const [row] = await app.sql(
      'select duration_ms, is_paid_user, user_tier from telemetry_events where id = ?',
      [e.eventId],
    );
    expect(row).toStrictEqual({
      duration_ms: 2_147_483_647,
      is_paid_user: false,
      user_tier: 'enterprise',
    });
  });
});
