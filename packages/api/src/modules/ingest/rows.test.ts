import { createScrubber, parseItem } from '@cortex-telemetry/events';
import { describe, expect, it } from 'vitest';
import { COMMON_COLUMNS, PIPELINE_COLUMNS } from './columns.js';
import { isoTimestamp, itemRow, scrubRulesLiteral } from './rows.js';

const OPTIONS = {
  openBetaStartsAt: new Date('2026-10-01T00:00:00.000Z'),
  scrubber: createScrubber(),
};

function rowJson(pipeline: 'event' | 'error' | 'trace', raw: Record<string, unknown>): unknown {
  const parsed = parseItem(pipeline, raw);
  if (!parsed.ok) throw new Error(parsed.message);
  const row = itemRow(
    pipeline,
    parsed.value,
    () => '00000000-0000-4000-8000-000000000000',
    parsed.value.timestamp,
    OPTIONS,
    new Set(),
  );
  const columns = [...COMMON_COLUMNS, ...PIPELINE_COLUMNS[pipeline]];
  // every position a column of the list, in its order: SQL reads the row by these positions
  expect(row).toHaveLength(columns.length);
  const sent = JSON.parse(JSON.stringify(row)) as unknown[];
  // keyed by column for reading; null columns left out
  return Object.fromEntries(
    columns.flatMap(([column], i) => (sent[i] === null ? [] : [[column, sent[i]]])),
  );
}

describe('isoTimestamp', () => {
  it('writes what toISOString writes for every year an item may carry', () => {
    const instants = [
      '0001-01-01T00:00:00.000Z',
      '0099-02-28T23:59:59.009Z',
      '0999-12-31T09:05:07.090Z',
      '2024-02-29T12:00:00.100Z',
      '2026-11-27T15:30:01.999Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const text of instants) expect(isoTimestamp(new Date(text))).toBe(text);
    // a step that is no multiple of a day, second or millisecond walks every field
    const step = 86_400_000 * 97 + 3_723_457;
    for (
      let t = Date.parse('0001-01-01T00:00:00Z');
      t < Date.parse('9999-12-31T00:00:00Z');
      t += step
    ) {
      expect(isoTimestamp(new Date(t))).toBe(new Date(t).toISOString());
    }
  });
});

describe('itemRow', () => {
  it('holds the defaults by position, null columns as null', () => {
    expect(
      rowJson('event', {
        timestamp: new Date('2026-11-01T10:00:00.000Z'),
        userIdHash: 'u_1',
        channel: 'server',
        eventName: 'context_loaded',
      }),
    ).toStrictEqual({
      id: '00000000-0000-4000-8000-000000000000',
      timestamp: '2026-11-01T10:00:00.000Z',
      user_id_hash: 'u_1',
      is_paid_user: false,
      session_id: '',
      channel: 'server',
      phase: 'open_beta',
      event_name: 'context_loaded',
      result: 'success',
    });
  });

  it('keeps every given column, scrubbed, with the rules that fired', () => {
    expect(
      rowJson('error', {
        errorId: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
        timestamp: new Date('2026-09-30T23:59:59.999Z'),
        userIdHash: 'u_2',
        userTier: 'pro',
        sessionId: 's1',
        channel: 'web',
        projectId: 'p',
        branchId: 'b',
        contextId: 'c',
        clientVersion: '1.2.3',
        metadata: { path: '/home/alice/x' },
        errorType: 'TypeError',
        errorMessage: 'mail bob@example.com',
        stackHash: 'h',
        severity: 'critical',
        relatedEventName: 'context_merged',
      }),
    ).toStrictEqual({
      id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      timestamp: '2026-09-30T23:59:59.999Z',
      user_id_hash: 'u_2',
      user_tier: 'pro',
      is_paid_user: true,
      session_id: 's1',
      channel: 'web',
      phase: 'closed_beta',
      project_id: 'p',
      branch_id: 'b',
      context_id: 'c',
      client_version: '1.2.3',
      metadata: { path: '/home/[user]/x' },
      error_type: 'TypeError',
      error_message: 'mail [email]',
      stack_hash: 'h',
      severity: 'critical',
      related_event_name: 'context_merged',
      scrub_rules: '{"email","home_path"}',
    });
  });

  it('writes a trace with its counts', () => {
    expect(
      rowJson('trace', {
        timestamp: new Date('2026-11-01T10:00:00.000Z'),
        userIdHash: 'u_3',
        channel: 'extension',
        phase: 'closed_beta',
        isPaidUser: false,
        userTier: 'enterprise',
        operationName: 'rag_search',
        durationMs: 0.5,
        success: false,
        resultCount: 0,
      }),
    ).toStrictEqual({
      id: '00000000-0000-4000-8000-000000000000',
      timestamp: '2026-11-01T10:00:00.000Z',
      user_id_hash: 'u_3',
      user_tier: 'enterprise',
      is_paid_user: false,
      session_id: '',
      channel: 'extension',
      phase: 'closed_beta',
      operation_name: 'rag_search',
      duration_ms: 0.5,
      success: false,
      result_count: 0,
    });
  });

  it('writes the rules that fired as a PostgreSQL array literal, every name quoted', () => {
    expect(scrubRulesLiteral(new Set())).toBeNull();
    // a custom rule may be named `null`: unquoted, PostgreSQL would read it as a NULL element
    expect(scrubRulesLiteral(new Set(['null', 'email', 'a_b']))).toBe('{"a_b","email","null"}');
  });
});
