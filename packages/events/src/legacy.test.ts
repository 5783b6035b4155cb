import { describe, expect, it } from 'vitest';
import { resolveIsPaidUser } from './inputs.js';
import { type LegacyItem, type LegacyResult, normaliseLegacy } from './legacy.js';
import { parseItem } from './parse-item.js';

const AT = '2026-01-15T10:00:00+00:00';
const V1 = {
  service: 'mcp',
  event_type: 'context_loaded',
  user_id_hash: 'h_1',
  user_tier: 'free',
  session_id: 's1',
  timestamp: AT,
};

function items(raw: unknown): LegacyItem[] {
  const result = normaliseLegacy(raw);
  if (!result.ok) throw new Error(`expected a normalised item, got refusal: ${result.reason}`);
  return result.items;
}

function only(raw: unknown): LegacyItem {
  const produced = items(raw);
  expect(produced).toHaveLength(1);
  return produced[0]!;
}

function refusal(raw: unknown): string {
  const result: LegacyResult = normaliseLegacy(raw);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.items)}`);
  return result.reason;
}

/** Validates a produced item exactly as ingest does. */
function parsed(item: LegacyItem) {
  return parseItem(item.pipeline, item.input);
}

describe('service / channel → channel (docs/api.md#ingest-rules)', () => {
  it.each([
    ['mcp', 'server'],
    ['server', 'server'],
    ['extension', 'extension'],
    ['web', 'web'],
    ['website', 'web'],
    ['MCP', 'server'],
  ])('service %s → %s', (service, channel) => {
    expect(only({ ...V1, service }).input.channel).toBe(channel);
  });

  it('lets a v2 channel override the service', () => {
    expect(only({ ...V1, service: 'extension', channel: 'web' }).input.channel).toBe('web');
    expect(only({ ...V1, service: 'web', channel: 'server' }).input.channel).toBe('server');
    // the v1 dataclass copied service into channel, so channel may hold a v1 service name
    expect(only({ ...V1, service: null, channel: 'mcp' }).input.channel).toBe('server');
    expect(only({ ...V1, service: undefined, channel: 'website' }).input.channel).toBe('web');
  });

  it('falls back to the service when channel is empty or null', () => {
    expect(only({ ...V1, service: 'extension', channel: '' }).input.channel).toBe('extension');
    expect(only({ ...V1, service: 'extension', channel: null }).input.channel).toBe('extension');
  });

  it('refuses an unknown service', () => {
    expect(refusal({ ...V1, service: 'desktop' })).toBe(
      "service: 'desktop' is not one of mcp, server, extension, web, website",
    );
  });

  it('refuses an unknown channel, naming the channel field', () => {
    expect(refusal({ ...V1, service: 'mcp', channel: 'desktop' })).toBe(
      "channel: 'desktop' is not one of mcp, server, extension, web, website",
    );
  });

  it('refuses names of Object.prototype members', () => {
    for (const service of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(refusal({ ...V1, service })).toMatch(/^service: '.*' is not one of/);
    }
  });

  it('refuses an item with neither service nor channel', () => {
    expect(refusal({ ...V1, service: undefined })).toBe(
      'service: required (one of mcp, server, extension, web, website)',
    );
  });
});

describe('the v1 name (docs/api.md#ingest-rules)', () => {
  it('is event_name when non-empty', () => {
    const item = only({ ...V1, event_name: 'context_resumed', event_type: 'context_loaded' });
    expect(item.pipeline).toBe('event');
    expect(item.input).toMatchObject({ eventName: 'context_resumed' });
  });

  it('falls back to event_type when event_name is empty or null', () => {
    expect(only({ ...V1, event_name: '', event_type: 'context_loaded' }).input).toMatchObject({
      eventName: 'context_loaded',
    });
    expect(only({ ...V1, event_name: null, event_type: 'context_loaded' }).input).toMatchObject({
      eventName: 'context_loaded',
    });
  });

  it('follows event_name to another pipeline too', () => {
    expect(only({ ...V1, event_name: 'error', event_type: 'context_loaded' }).pipeline).toBe(
      'error',
    );
  });

  it('refuses an item without any name', () => {
    expect(refusal({ ...V1, event_type: undefined })).toBe(
      'event_type: required (or a non-empty event_name)',
    );
    expect(refusal({ ...V1, event_type: '', event_name: '' })).toBe(
      'event_type: required (or a non-empty event_name)',
    );
  });
});

describe('a catalog name → that event', () => {
  it('maps every field of a v1 item', () => {
    const item = only({
      ...V1,
      event_type: 'session_started',
      result: 'success',
      duration_ms: 12.6,
      project_id: 'p1',
      branch_id: 'b1',
      context_id: 'c1',
      client_version: '1.2.3',
      phase: 'open_beta',
    });
    expect(item).toEqual({
      pipeline: 'event',
      input: {
        timestamp: AT,
        userIdHash: 'h_1',
        sessionId: 's1',
        channel: 'server',
        userTier: 'free',
        isPaidUser: null,
        phase: 'open_beta',
        projectId: 'p1',
        branchId: 'b1',
        contextId: 'c1',
        clientVersion: '1.2.3',
        eventName: 'session_started',
        result: 'success',
        durationMs: 13,
        metadata: null,
      },
    });
    expect(parsed(item).ok).toBe(true);
  });

  it("defaults result to 'success' and keeps a given one", () => {
    expect(only(V1).input).toMatchObject({ result: 'success', durationMs: null });
    expect(only({ ...V1, result: 'timeout' }).input).toMatchObject({ result: 'timeout' });
  });

  it('accepts each of the 17 catalog names', () => {
    for (const name of ['context_created', 'paid_subscription_canceled', 'web_view_opened']) {
      expect(only({ ...V1, event_type: name }).input).toMatchObject({ eventName: name });
    }
  });

  it('accepts the full shape the v1 dataclass writes (asdict, with nulls)', () => {
    const item = only({
      event_name: 'context_loaded',
      user_id_hash: 'a'.repeat(64),
      user_tier: 'paid',
      is_paid_user: true,
      session_id: '0123456789abcdef',
      channel: 'mcp',
      project_id: null,
      branch_id: null,
      context_id: null,
      result: 'success',
      duration_ms: null,
      metadata: { query_length: 12 },
      timestamp: '2026-01-15T10:00:00.123456+00:00',
      service: 'mcp',
      event_type: null,
      tool_name: null,
      event_data: { query_length: 12 },
      error_message: null,
    });
    const result = parsed(item);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      eventName: 'context_loaded',
      channel: 'server',
      isPaidUser: true,
      projectId: null,
      durationMs: null,
      metadata: { query_length: 12 },
      timestamp: new Date('2026-01-15T10:00:00.123Z'),
    });
  });
});

describe('user_tier → isPaidUser (docs/api.md#pipelines, §5)', () => {
  function paid(raw: unknown): boolean {
    const result = parsed(only(raw));
    if (!result.ok) throw new Error(result.message);
    return resolveIsPaidUser(result.value.isPaidUser, result.value.userTier);
  }

  it('derives it from the tier when is_paid_user is absent', () => {
    expect(paid({ ...V1, user_tier: 'pro' })).toBe(true);
    expect(paid({ ...V1, user_tier: 'paid' })).toBe(true);
    expect(paid({ ...V1, user_tier: 'enterprise' })).toBe(true);
    expect(paid({ ...V1, user_tier: 'free' })).toBe(false);
    expect(paid({ ...V1, user_tier: undefined })).toBe(false);
  });

  it('keeps a given is_paid_user', () => {
    expect(paid({ ...V1, user_tier: 'pro', is_paid_user: false })).toBe(false);
    expect(paid({ ...V1, user_tier: 'free', is_paid_user: true })).toBe(true);
  });
});

describe('metadata (docs/api.md#ingest-rules)', () => {
  it('merges event_data into metadata', () => {
    expect(only({ ...V1, event_data: { a: 1 } }).input.metadata).toEqual({ a: 1 });
    expect(
      only({ ...V1, metadata: { a: 1, b: 1 }, event_data: { b: 2, c: 3 } }).input.metadata,
    ).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('puts tool_name into metadata.tool_name', () => {
    expect(only({ ...V1, tool_name: 'search_context' }).input.metadata).toEqual({
      tool_name: 'search_context',
    });
    expect(
      only({ ...V1, tool_name: 'search_context', event_data: { q: 1 } }).input.metadata,
    ).toEqual({ q: 1, tool_name: 'search_context' });
  });

  it('is null when there is nothing to keep', () => {
    expect(only({ ...V1, event_data: {}, metadata: {} }).input.metadata).toBeNull();
  });
});

describe('tool_call (docs/api.md#ingest-rules)', () => {
  const CALL = {
    ...V1,
    event_type: 'tool_call',
    tool_name: 'search_context',
    result: 'success',
    event_data: { result_count: 3 },
  };

  it('with duration_ms: a server_operation_called event and a trace named after the tool', () => {
    const produced = items({ ...CALL, duration_ms: 41.7 });
    expect(produced).toHaveLength(2);
    const [event, trace] = produced;
    expect(event).toMatchObject({
      pipeline: 'event',
      input: {
        eventName: 'server_operation_called',
        result: 'success',
        durationMs: 42,
        channel: 'server',
        metadata: { result_count: 3, tool_name: 'search_context' },
      },
    });
    expect(trace).toMatchObject({
      pipeline: 'trace',
      input: {
        operationName: 'search_context',
        durationMs: 41.7,
        success: true,
        resultCount: 3,
        channel: 'server',
        userIdHash: 'h_1',
        sessionId: 's1',
      },
    });
    // event_data went to the event; the trace carries result_count in its own column
    expect(trace?.input.metadata).toEqual({ tool_name: 'search_context' });
    for (const item of produced) expect(parsed(item).ok).toBe(true);
  });

  it('without duration_ms: the event only', () => {
    const produced = items(CALL);
    expect(produced).toHaveLength(1);
    expect(produced[0]).toMatchObject({
      pipeline: 'event',
      input: { eventName: 'server_operation_called', durationMs: null },
    });
  });

  it("success is result ≠ 'error'", () => {
    const trace = (result: unknown) => items({ ...CALL, duration_ms: 5, result })[1]!.input;
    expect(trace('error')).toMatchObject({ success: false });
    expect(trace('timeout')).toMatchObject({ success: true });
    expect(trace('success')).toMatchObject({ success: true });
    expect(trace(undefined)).toMatchObject({ success: true });
    expect(items({ ...CALL, duration_ms: 5, result: 'error' })[0]!.input).toMatchObject({
      result: 'error',
    });
  });

  it('result_count is optional', () => {
    expect(items({ ...CALL, duration_ms: 5, event_data: {} })[1]!.input).toMatchObject({
      resultCount: null,
    });
  });

  it('a duration of 0 is present', () => {
    expect(items({ ...CALL, duration_ms: 0 })).toHaveLength(2);
  });
});

describe('error → the errors pipeline (docs/api.md#ingest-rules)', () => {
  const ERR = { ...V1, event_type: 'error', error_message: 'index out of range' };

  it('maps type, message, severity and context', () => {
    const item = only({
      ...ERR,
      event_data: { error_type: 'IndexError', context: { tool: 'search_context', attempt: 2 } },
    });
    expect(item).toMatchObject({
      pipeline: 'error',
      input: {
        errorType: 'IndexError',
        errorMessage: 'index out of range',
        severity: 'error',
        channel: 'server',
        metadata: { tool: 'search_context', attempt: 2 },
      },
    });
    expect(parsed(item).ok).toBe(true);
  });

  it("defaults the error type to 'Error'", () => {
    expect(only(ERR).input).toMatchObject({ errorType: 'Error', severity: 'error' });
    expect(only({ ...ERR, event_data: { error_type: '' } }).input).toMatchObject({
      errorType: 'Error',
    });
  });

  it('keeps a non-object context as metadata.context', () => {
    expect(only({ ...ERR, event_data: { context: 'search' } }).input.metadata).toEqual({
      context: 'search',
    });
    expect(only(ERR).input.metadata).toBeNull();
  });

  it('adds tool_name to the metadata', () => {
    expect(
      only({ ...ERR, tool_name: 'update_memory', event_data: { context: { a: 1 } } }).input
        .metadata,
    ).toEqual({ a: 1, tool_name: 'update_memory' });
  });

  it('an absent message is an empty one, which passes parseItem', () => {
    const item = only({ ...ERR, error_message: undefined });
    expect(item.input).toMatchObject({ errorMessage: '' });
    expect(parsed(item).ok).toBe(true);
  });

  it('an over-long message is caught by parseItem', () => {
    const result = parsed(only({ ...ERR, error_message: 'm'.repeat(8193) }));
    expect(result).toEqual({ ok: false, message: 'errorMessage: must be at most 8 KiB (UTF-8)' });
  });
});

describe('performance → the traces pipeline (docs/api.md#ingest-rules)', () => {
  const PERF = {
    ...V1,
    event_type: 'performance',
    duration_ms: 150.5,
    event_data: { operation: 'rag_search', metadata: { k: 10 } },
  };

  it('maps operation, duration and metadata', () => {
    const item = only(PERF);
    expect(item).toMatchObject({
      pipeline: 'trace',
      input: {
        operationName: 'rag_search',
        durationMs: 150.5,
        success: true,
        resultCount: null,
        metadata: { k: 10 },
        channel: 'server',
      },
    });
    expect(parsed(item).ok).toBe(true);
  });

  it('is a failure when result is error', () => {
    expect(only({ ...PERF, result: 'error' }).input).toMatchObject({ success: false });
  });

  it('refuses an item without event_data.operation', () => {
    expect(refusal({ ...PERF, event_data: { metadata: { k: 1 } } })).toBe(
      'event_data.operation: required for a performance event',
    );
    expect(refusal({ ...PERF, event_data: undefined })).toBe(
      'event_data.operation: required for a performance event',
    );
  });

  it('refuses an item without duration_ms', () => {
    expect(refusal({ ...PERF, duration_ms: undefined })).toBe(
      'duration_ms: required for a performance event',
    );
    expect(refusal({ ...PERF, duration_ms: null })).toBe(
      'duration_ms: required for a performance event',
    );
  });
});

describe('anything else → a refusal with a reason (docs/api.md#the-event-catalog, §5)', () => {
  it.each(['feature_usage', 'session_ended', 'feature', 'CONTEXT_LOADED'])('%s', (name) => {
    expect(refusal({ ...V1, event_type: name })).toBe(
      `event_type: '${name}' is not in the event catalog (kept so it can be replayed once the catalog covers it)`,
    );
  });

  it('quotes the refused value without NUL characters and bounded in length', () => {
    expect(refusal({ ...V1, event_type: 'bad\u0000name' })).toBe(
      "event_type: 'bad\\u0000name' is not in the event catalog (kept so it can be replayed once the catalog covers it)",
    );
    expect(refusal({ ...V1, service: 'x\u0000' })).toBe(
      "service: 'x\\u0000' is not one of mcp, server, extension, web, website",
    );
    expect(refusal({ ...V1, service: 'x\udc00' })).toBe(
      "service: 'x\\udc00' is not one of mcp, server, extension, web, website",
    );
    // cut by code point: 127 letters then an emoji stays whole
    expect(refusal({ ...V1, event_type: `${'n'.repeat(127)}😀😀` })).toContain(
      `'${'n'.repeat(127)}😀…'`,
    );
    const reason = refusal({ ...V1, event_type: 'n'.repeat(5000) });
    expect(reason).toContain(`'${'n'.repeat(128)}…'`);
    expect(reason.length).toBeLessThan(300);
  });

  it.each([[null], [[]], ['context_loaded'], [42], [undefined]])('non-object item %j', (raw) => {
    expect(refusal(raw)).toBe('(item): must be a JSON object');
  });
});

describe('timestamps', () => {
  const EXPECTED = new Date('2026-01-15T10:00:00.000Z');

  it('passes an ISO string through', () => {
    expect(only(V1).input.timestamp).toBe(AT);
  });

  it('reads epoch seconds', () => {
    expect(only({ ...V1, timestamp: EXPECTED.getTime() / 1000 }).input.timestamp).toEqual(EXPECTED);
    expect(only({ ...V1, timestamp: EXPECTED.getTime() / 1000 + 0.25 }).input.timestamp).toEqual(
      new Date('2026-01-15T10:00:00.250Z'),
    );
  });

  it('reads epoch milliseconds', () => {
    expect(only({ ...V1, timestamp: EXPECTED.getTime() }).input.timestamp).toEqual(EXPECTED);
  });

  it('refuses an item without a timestamp', () => {
    expect(refusal({ ...V1, timestamp: undefined })).toBe(
      'timestamp: required (ISO-8601 or epoch)',
    );
  });

  it('leaves a malformed ISO string to parseItem', () => {
    const result = parsed(only({ ...V1, timestamp: 'last tuesday' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^timestamp: /);
  });
});

describe('legacy outputs pass through parseItem (same rules as v2)', () => {
  it('catches an invalid user_id_hash, naming userIdHash', () => {
    const result = parsed(only({ ...V1, user_id_hash: 'someone@example.com' }));
    expect(result).toEqual({
      ok: false,
      message: 'userIdHash: must be 1–128 characters of [A-Za-z0-9_.:-] (a hash, never an e-mail)',
    });
  });

  it('catches a missing user_id_hash', () => {
    const result = parsed(only({ ...V1, user_id_hash: undefined }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^userIdHash: /);
  });

  it('catches an over-long session_id and metadata', () => {
    const long = parsed(only({ ...V1, session_id: 's'.repeat(129) }));
    expect(long).toEqual({ ok: false, message: 'sessionId: must be at most 128 characters' });
    const big = parsed(only({ ...V1, event_data: { blob: 'x'.repeat(16384) } }));
    expect(big).toEqual({ ok: false, message: 'metadata: must be at most 16 KiB when serialised' });
  });

  it('catches an unknown v2 phase', () => {
    const result = parsed(only({ ...V1, phase: 'ga' }));
    expect(result).toEqual({ ok: false, message: 'phase: must be one of closed_beta, open_beta' });
  });

  it('catches a duration or result count too large for PostgreSQL integer', () => {
    const produced = items({
      ...V1,
      event_type: 'tool_call',
      tool_name: 't',
      duration_ms: 3e9,
      event_data: { result_count: 3e9 },
    });
    expect(produced.map((item) => parsed(item))).toEqual([
      { ok: false, message: 'durationMs: must be at most 2147483647' },
      { ok: false, message: 'resultCount: must be at most 2147483647' },
    ]);
  });

  it('catches an epoch timestamp before year 1', () => {
    const result = parsed(only({ ...V1, timestamp: -1e11 }));
    expect(result).toEqual({
      ok: false,
      message: 'timestamp: must be between 0001-01-01 and 9999-12-31',
    });
  });

  it('catches NUL characters in an error message', () => {
    const result = parsed(only({ ...V1, event_type: 'error', error_message: 'bad\u0000byte' }));
    expect(result).toEqual({
      ok: false,
      message: 'errorMessage: must not contain NUL (\\u0000) or unpaired surrogate characters',
    });
  });

  it('catches a negative tool_call duration in both items', () => {
    const produced = items({ ...V1, event_type: 'tool_call', tool_name: 't', duration_ms: -5 });
    expect(produced.map((item) => parsed(item))).toEqual([
      { ok: false, message: 'durationMs: must be ≥ 0' },
      { ok: false, message: 'durationMs: must be ≥ 0' },
    ]);
  });
});
