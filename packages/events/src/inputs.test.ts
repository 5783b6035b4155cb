import { describe, expect, it } from 'vitest';
import {
  inputSchemas,
  jsonDepth,
  LIMITS,
  type Pipeline,
  resolveIsPaidUser,
  stampPhase,
  utf8Bytes,
} from './inputs.js';
import { parseItem, validItem } from './parse-item.js';

const AT = '2026-01-15T10:00:00.000Z';
const COMMON = { timestamp: AT, userIdHash: 'u_1', channel: 'server' };
const VALID: Record<Pipeline, Record<string, unknown>> = {
  event: { ...COMMON, eventName: 'context_loaded' },
  error: { ...COMMON, errorType: 'TypeError', errorMessage: 'boom', severity: 'error' },
  trace: { ...COMMON, operationName: 'rag_search', durationMs: 12.5, success: true },
};
const PIPELINES: Pipeline[] = ['event', 'error', 'trace'];
const ID_FIELD: Record<Pipeline, string> = { event: 'eventId', error: 'errorId', trace: 'traceId' };

/** The spellings of a timestamp the hand-written check leaves to the zod rule. */
const isOtherIsoSpelling = (timestamp: unknown) =>
  typeof timestamp === 'string' && new Date(timestamp).toISOString() !== timestamp;

/**
 * Every case goes both ways (parse-item.ts): the hand-written check must accept what the zod
 * schema accepts and return the same item, and must leave every rejection to the zod schema.
 */
function accept(pipeline: Pipeline, patch: Record<string, unknown>): Record<string, unknown> {
  const raw = { ...VALID[pipeline], ...patch };
  const result = parseItem(pipeline, raw);
  if (!result.ok) throw new Error(`expected ${pipeline} to be accepted, got: ${result.message}`);
  const checked = validItem(pipeline, raw);
  if (isOtherIsoSpelling(raw.timestamp)) expect(checked).toBeNull();
  else expect(checked).toStrictEqual(inputSchemas[pipeline].parse(raw));
  return result.value as Record<string, unknown>;
}

function reject(pipeline: Pipeline, patch: Record<string, unknown>): string {
  const raw = { ...VALID[pipeline], ...patch };
  const result = parseItem(pipeline, raw);
  if (result.ok) throw new Error(`expected ${pipeline} to be rejected: ${JSON.stringify(patch)}`);
  expect(validItem(pipeline, raw)).toBeNull();
  return result.message;
}

/** A metadata object whose compact JSON is exactly `bytes` UTF-8 bytes: `{"a":"…"}`. */
function metadataOf(bytes: number, fill = 'x'): Record<string, string> {
  const overhead = utf8Bytes('{"a":""}');
  const fillBytes = utf8Bytes(fill);
  const repeats = Math.floor((bytes - overhead) / fillBytes);
  const value = fill.repeat(repeats) + 'y'.repeat(bytes - overhead - repeats * fillBytes);
  const metadata = { a: value };
  expect(utf8Bytes(JSON.stringify(metadata))).toBe(bytes);
  return metadata;
}

describe('LIMITS (docs/api.md#pipelines, §5)', () => {
  it('holds the limits of the spec', () => {
    expect(LIMITS).toMatchObject({
      userIdHash: 128,
      userTier: 32,
      sessionId: 128,
      scopeId: 128,
      clientVersion: 64,
      metadataBytes: 16384,
      result: 32,
      errorType: 256,
      errorMessageBytes: 8192,
      stackTraceBytes: 65536,
      operationName: 256,
      futureToleranceMs: 3_600_000,
      maxInt: 2_147_483_647,
      batchItems: 1000,
      bodyBytes: 2 * 1024 * 1024,
      failedPayloadBytes: 65536,
    });
  });

  it('utf8Bytes counts bytes, not characters', () => {
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('é')).toBe(2);
    expect(utf8Bytes('€')).toBe(3);
    expect(utf8Bytes('😀')).toBe(4);
  });
});

describe.each(PIPELINES)('fields common to all pipelines: %s', (pipeline) => {
  it('accepts the minimal item and fills the defaults', () => {
    expect(accept(pipeline, {})).toMatchObject({
      [ID_FIELD[pipeline]]: null,
      timestamp: new Date(AT),
      userIdHash: 'u_1',
      userTier: null,
      isPaidUser: null,
      sessionId: '',
      channel: 'server',
      phase: null,
      projectId: null,
      branchId: null,
      contextId: null,
      clientVersion: null,
      metadata: null,
    });
  });

  describe('id', () => {
    const field = ID_FIELD[pipeline];
    it('accepts a UUID and lower-cases it', () => {
      expect(accept(pipeline, { [field]: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' })[field]).toBe(
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      );
    });
    it('treats null as absent', () => {
      expect(accept(pipeline, { [field]: null })[field]).toBeNull();
    });
    it.each([
      'not-a-uuid',
      '',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11x',
      'a0eebc999c0b4ef8bb6d6bb9bd380a11',
      'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ])('rejects %j', (value) => {
      expect(reject(pipeline, { [field]: value })).toBe(`${field}: must be a UUID`);
    });
  });

  describe('timestamp', () => {
    it('accepts an ISO-8601 string with Z or an offset, and a Date', () => {
      expect(accept(pipeline, { timestamp: '2026-01-15T19:00:00+09:00' }).timestamp).toEqual(
        new Date(AT),
      );
      expect(accept(pipeline, { timestamp: new Date(AT) }).timestamp).toEqual(new Date(AT));
    });
    it('accepts what Python isoformat() writes (microseconds, +00:00)', () => {
      expect(accept(pipeline, { timestamp: '2026-01-15T10:00:00.123456+00:00' }).timestamp).toEqual(
        new Date('2026-01-15T10:00:00.123Z'),
      );
    });
    it.each(['yesterday', '', '2026-13-45T99:00:00Z'])('rejects %j', (value) => {
      expect(reject(pipeline, { timestamp: value })).toMatch(/^timestamp: /);
    });
    it('accepts years 0001 to 9999, what PostgreSQL timestamptz holds', () => {
      expect(accept(pipeline, { timestamp: '0001-01-01T00:00:00Z' }).timestamp).toEqual(
        new Date('0001-01-01T00:00:00Z'),
      );
      expect(accept(pipeline, { timestamp: '9999-12-31T23:59:59.999Z' }).timestamp).toEqual(
        new Date('9999-12-31T23:59:59.999Z'),
      );
    });
    it('rejects year 0000, earlier dates and years past 9999', () => {
      const MESSAGE = 'timestamp: must be between 0001-01-01 and 9999-12-31';
      expect(reject(pipeline, { timestamp: '0000-12-31T23:59:59Z' })).toBe(MESSAGE);
      expect(reject(pipeline, { timestamp: new Date(-8e15) })).toBe(MESSAGE);
      expect(reject(pipeline, { timestamp: '9999-12-31T23:59:59-01:00' })).toBe(MESSAGE);
    });
    it('rejects an invalid Date and a missing timestamp', () => {
      expect(reject(pipeline, { timestamp: new Date(Number.NaN) })).toMatch(/^timestamp: /);
      expect(reject(pipeline, { timestamp: undefined })).toMatch(/^timestamp: /);
    });
  });

  describe('userIdHash', () => {
    const MESSAGE =
      'userIdHash: must be 1–128 characters of [A-Za-z0-9_.:-] (a hash, never an e-mail)';
    it('accepts 128 characters of the allowed alphabet', () => {
      const hash = 'a'.repeat(128);
      expect(accept(pipeline, { userIdHash: hash }).userIdHash).toBe(hash);
      expect(accept(pipeline, { userIdHash: 'Az09_.:-' }).userIdHash).toBe('Az09_.:-');
      expect(accept(pipeline, { userIdHash: 'x' }).userIdHash).toBe('x');
    });
    it('rejects 129 characters', () => {
      expect(reject(pipeline, { userIdHash: 'a'.repeat(129) })).toBe(MESSAGE);
    });
    it.each(['someone@example.com', '@', '', 'has space', 'abc\n', 'ünïcode', 'a/b'])(
      'rejects %j',
      (value) => {
        expect(reject(pipeline, { userIdHash: value })).toBe(MESSAGE);
      },
    );
    it('is required', () => {
      expect(reject(pipeline, { userIdHash: undefined })).toMatch(/^userIdHash: /);
      expect(reject(pipeline, { userIdHash: null })).toMatch(/^userIdHash: /);
    });
  });

  describe('userTier and isPaidUser', () => {
    it('accepts 32 characters, rejects 33', () => {
      expect(accept(pipeline, { userTier: 't'.repeat(32) }).userTier).toBe('t'.repeat(32));
      expect(reject(pipeline, { userTier: 't'.repeat(33) })).toBe(
        'userTier: must be at most 32 characters',
      );
    });
    it('keeps the tier and a given isPaidUser', () => {
      expect(accept(pipeline, { userTier: 'pro', isPaidUser: false })).toMatchObject({
        userTier: 'pro',
        isPaidUser: false,
      });
    });
    it('rejects a non-boolean isPaidUser', () => {
      expect(reject(pipeline, { isPaidUser: 'yes' })).toMatch(/^isPaidUser: /);
    });
  });

  describe('sessionId', () => {
    it('is empty when absent or null', () => {
      expect(accept(pipeline, { sessionId: undefined }).sessionId).toBe('');
      expect(accept(pipeline, { sessionId: null }).sessionId).toBe('');
    });
    it('accepts 128 characters, rejects 129', () => {
      expect(accept(pipeline, { sessionId: 's'.repeat(128) }).sessionId).toBe('s'.repeat(128));
      expect(reject(pipeline, { sessionId: 's'.repeat(129) })).toBe(
        'sessionId: must be at most 128 characters',
      );
    });
  });

  describe.each(['projectId', 'branchId', 'contextId'])('%s', (field) => {
    it('accepts 128 characters, rejects 129, null when absent', () => {
      expect(accept(pipeline, { [field]: 'p'.repeat(128) })[field]).toBe('p'.repeat(128));
      expect(reject(pipeline, { [field]: 'p'.repeat(129) })).toBe(
        `${field}: must be at most 128 characters`,
      );
      expect(accept(pipeline, { [field]: undefined })[field]).toBeNull();
    });
  });

  describe('clientVersion', () => {
    it('accepts 64 characters, rejects 65', () => {
      expect(accept(pipeline, { clientVersion: 'v'.repeat(64) }).clientVersion).toBe(
        'v'.repeat(64),
      );
      expect(reject(pipeline, { clientVersion: 'v'.repeat(65) })).toBe(
        'clientVersion: must be at most 64 characters',
      );
    });
  });

  describe('channel and phase', () => {
    it('accepts every channel and phase', () => {
      for (const channel of ['extension', 'server', 'web']) {
        expect(accept(pipeline, { channel }).channel).toBe(channel);
      }
      for (const phase of ['closed_beta', 'open_beta']) {
        expect(accept(pipeline, { phase }).phase).toBe(phase);
      }
    });
    it('rejects an unknown channel, a missing channel and an unknown phase', () => {
      expect(reject(pipeline, { channel: 'mcp' })).toBe(
        'channel: must be one of extension, server, web',
      );
      expect(reject(pipeline, { channel: undefined })).toBe(
        'channel: must be one of extension, server, web',
      );
      expect(reject(pipeline, { phase: 'ga' })).toBe(
        'phase: must be one of closed_beta, open_beta',
      );
    });
  });

  describe('metadata', () => {
    it('accepts a JSON object of exactly 16 KiB serialised', () => {
      const metadata = metadataOf(16384);
      expect(accept(pipeline, { metadata }).metadata).toEqual(metadata);
    });
    it('rejects one byte more', () => {
      expect(reject(pipeline, { metadata: metadataOf(16385) })).toBe(
        'metadata: must be at most 16 KiB when serialised',
      );
    });
    it('counts UTF-8 bytes, not characters', () => {
      const atLimit = metadataOf(16384, 'é');
      expect(accept(pipeline, { metadata: atLimit }).metadata).toEqual(atLimit);
      const over = metadataOf(16385, 'é');
      expect(JSON.stringify(over).length).toBeLessThan(16384);
      expect(reject(pipeline, { metadata: over })).toBe(
        'metadata: must be at most 16 KiB when serialised',
      );
    });
    it.each([[[]], [[1, 2]], ['text'], [42], [true]])('rejects %j (not an object)', (value) => {
      expect(reject(pipeline, { metadata: value })).toBe('metadata: must be a JSON object');
    });
    it('treats null as absent and keeps nested objects', () => {
      expect(accept(pipeline, { metadata: null }).metadata).toBeNull();
      expect(accept(pipeline, { metadata: { a: { b: [1, 2] } } }).metadata).toEqual({
        a: { b: [1, 2] },
      });
    });
  });

  describe('NUL and unpaired surrogates (PostgreSQL text and jsonb cannot hold them)', () => {
    const MESSAGE = 'must not contain NUL (\\u0000) or unpaired surrogate characters';
    it.each(['userTier', 'sessionId', 'projectId', 'branchId', 'contextId', 'clientVersion'])(
      'rejects one in %s',
      (field) => {
        expect(reject(pipeline, { [field]: 'a\u0000b' })).toBe(`${field}: ${MESSAGE}`);
      },
    );
    it('rejects one in a metadata value or key, at any depth', () => {
      expect(reject(pipeline, { metadata: { a: 'x\u0000' } })).toBe(`metadata: ${MESSAGE}`);
      expect(reject(pipeline, { metadata: { 'k\u0000': 1 } })).toBe(`metadata: ${MESSAGE}`);
      expect(reject(pipeline, { metadata: { a: [{ b: '\u0000' }] } })).toBe(`metadata: ${MESSAGE}`);
    });
    it.each(['\ud800', 'x\udc00', 'x\ude00\ud83d'])(
      'rejects the unpaired surrogate in %j',
      (value) => {
        expect(reject(pipeline, { sessionId: value })).toBe(`sessionId: ${MESSAGE}`);
        expect(reject(pipeline, { metadata: { a: value } })).toBe(`metadata: ${MESSAGE}`);
        expect(reject(pipeline, { metadata: { [value]: 1 } })).toBe(`metadata: ${MESSAGE}`);
      },
    );
    it('accepts well-formed astral characters (surrogate pairs)', () => {
      expect(accept(pipeline, { sessionId: 's😀', metadata: { '😀': '𝄞' } })).toMatchObject({
        sessionId: 's😀',
        metadata: { '😀': '𝄞' },
      });
    });
    it('accepts the six characters \\u0000 written out', () => {
      expect(accept(pipeline, { sessionId: '\\u0000', metadata: { a: '\\u0000' } })).toMatchObject({
        sessionId: '\\u0000',
        metadata: { a: '\\u0000' },
      });
    });
  });

  it('lists every violation, each starting with its field name', () => {
    const message = reject(pipeline, { userIdHash: 'a@b', sessionId: 's'.repeat(129) });
    const parts = message.split('; ');
    expect(parts).toHaveLength(2);
    expect(parts.some((p) => p.startsWith('userIdHash: '))).toBe(true);
    expect(parts.some((p) => p.startsWith('sessionId: '))).toBe(true);
  });

  it('rejects a non-object item', () => {
    const result = parseItem(pipeline, 'context_loaded');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^\(item\): /);
  });
});

describe('events pipeline', () => {
  it('requires a catalog event name', () => {
    expect(accept('event', { eventName: 'paid_subscription_canceled' }).eventName).toBe(
      'paid_subscription_canceled',
    );
    for (const eventName of ['session_ended', 'CONTEXT_LOADED', '', undefined]) {
      expect(reject('event', { eventName })).toBe(
        'eventName: must be one of the 17 catalog events',
      );
    }
  });

  it('rejects a NUL character in result', () => {
    expect(reject('event', { result: 'ok\u0000' })).toBe(
      'result: must not contain NUL (\\u0000) or unpaired surrogate characters',
    );
  });

  it('durationMs: at most 2147483647 (PostgreSQL integer)', () => {
    expect(accept('event', { durationMs: 2_147_483_647 }).durationMs).toBe(2_147_483_647);
    expect(reject('event', { durationMs: 2_147_483_648 })).toBe(
      'durationMs: must be at most 2147483647',
    );
  });

  it("defaults result to 'success'", () => {
    expect(accept('event', {}).result).toBe('success');
    expect(accept('event', { result: null }).result).toBe('success');
    expect(accept('event', { result: 'error' }).result).toBe('error');
  });

  it('accepts a 32-character result, rejects 33', () => {
    expect(accept('event', { result: 'r'.repeat(32) }).result).toBe('r'.repeat(32));
    expect(reject('event', { result: 'r'.repeat(33) })).toBe(
      'result: must be at most 32 characters',
    );
  });

  it('durationMs: an integer ≥ 0, optional', () => {
    expect(accept('event', {}).durationMs).toBeNull();
    expect(accept('event', { durationMs: 0 }).durationMs).toBe(0);
    expect(accept('event', { durationMs: 1500 }).durationMs).toBe(1500);
    expect(reject('event', { durationMs: -1 })).toBe('durationMs: must be ≥ 0');
    expect(reject('event', { durationMs: 1.5 })).toBe('durationMs: must be an integer');
    expect(reject('event', { durationMs: '15' })).toMatch(/^durationMs: /);
  });
});

describe('errors pipeline', () => {
  it('keeps the error fields and fills the defaults', () => {
    expect(accept('error', {})).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'boom',
      stackTrace: null,
      stackHash: null,
      severity: 'error',
      relatedEventName: null,
    });
  });

  it('errorType: 1–256 characters', () => {
    expect(accept('error', { errorType: 'E'.repeat(256) }).errorType).toBe('E'.repeat(256));
    expect(reject('error', { errorType: 'E'.repeat(257) })).toBe(
      'errorType: must be at most 256 characters',
    );
    expect(reject('error', { errorType: '' })).toBe('errorType: must not be empty');
    expect(reject('error', { errorType: undefined })).toMatch(/^errorType: /);
  });

  it('errorMessage: at most 8 KiB of UTF-8', () => {
    expect(accept('error', { errorMessage: 'm'.repeat(8192) }).errorMessage).toHaveLength(8192);
    expect(reject('error', { errorMessage: 'm'.repeat(8193) })).toBe(
      'errorMessage: must be at most 8 KiB (UTF-8)',
    );
    expect(accept('error', { errorMessage: '' }).errorMessage).toBe('');
  });

  it('errorMessage: a multi-byte character at the boundary counts in bytes', () => {
    // 8190 + 2 bytes = 8192: fits
    expect(accept('error', { errorMessage: `${'m'.repeat(8190)}é` }).errorMessage).toHaveLength(
      8191,
    );
    // 8191 + 2 bytes = 8193: 8192 characters but one byte too many
    const over = `${'m'.repeat(8191)}é`;
    expect(over).toHaveLength(8192);
    expect(reject('error', { errorMessage: over })).toBe(
      'errorMessage: must be at most 8 KiB (UTF-8)',
    );
    // 8189 + 3 bytes (€) = 8192; 8188 + 4 bytes (emoji) = 8192
    expect(accept('error', { errorMessage: `${'m'.repeat(8189)}€` }).errorMessage).toBeTruthy();
    expect(accept('error', { errorMessage: `${'m'.repeat(8188)}😀` }).errorMessage).toBeTruthy();
    expect(reject('error', { errorMessage: `${'m'.repeat(8189)}😀` })).toMatch(/^errorMessage: /);
  });

  it('stackTrace: at most 64 KiB of UTF-8, optional', () => {
    expect(accept('error', { stackTrace: 's'.repeat(65536) }).stackTrace).toHaveLength(65536);
    expect(reject('error', { stackTrace: 's'.repeat(65537) })).toBe(
      'stackTrace: must be at most 64 KiB (UTF-8)',
    );
    expect(reject('error', { stackTrace: `${'s'.repeat(65535)}é` })).toBe(
      'stackTrace: must be at most 64 KiB (UTF-8)',
    );
    expect(accept('error', { stackTrace: null }).stackTrace).toBeNull();
  });

  it.each(['errorType', 'errorMessage', 'stackTrace', 'stackHash'])(
    'rejects a NUL character in %s',
    (field) => {
      expect(reject('error', { [field]: 'a\u0000b' })).toBe(
        `${field}: must not contain NUL (\\u0000) or unpaired surrogate characters`,
      );
    },
  );

  it('keeps a given stackHash', () => {
    expect(accept('error', { stackHash: 'abc123' }).stackHash).toBe('abc123');
  });

  it('severity: one of the four', () => {
    for (const severity of ['info', 'warning', 'error', 'critical']) {
      expect(accept('error', { severity }).severity).toBe(severity);
    }
    expect(reject('error', { severity: 'fatal' })).toBe(
      'severity: must be one of info, warning, error, critical',
    );
    expect(reject('error', { severity: undefined })).toMatch(/^severity: /);
  });

  it('relatedEventName: a catalog event, optional', () => {
    expect(accept('error', { relatedEventName: 'context_loaded' }).relatedEventName).toBe(
      'context_loaded',
    );
    expect(accept('error', { relatedEventName: null }).relatedEventName).toBeNull();
    expect(reject('error', { relatedEventName: 'tool_call' })).toBe(
      'relatedEventName: must be one of the 17 catalog events',
    );
  });
});

describe('traces pipeline', () => {
  it('keeps the trace fields', () => {
    expect(accept('trace', {})).toMatchObject({
      operationName: 'rag_search',
      durationMs: 12.5,
      success: true,
      resultCount: null,
    });
  });

  it('operationName: 1–256 characters', () => {
    expect(accept('trace', { operationName: 'o'.repeat(256) }).operationName).toHaveLength(256);
    expect(reject('trace', { operationName: 'o'.repeat(257) })).toBe(
      'operationName: must be at most 256 characters',
    );
    expect(reject('trace', { operationName: '' })).toBe('operationName: must not be empty');
    expect(reject('trace', { operationName: undefined })).toMatch(/^operationName: /);
  });

  it('durationMs: a float ≥ 0, required', () => {
    expect(accept('trace', { durationMs: 0 }).durationMs).toBe(0);
    expect(accept('trace', { durationMs: 0.25 }).durationMs).toBe(0.25);
    expect(reject('trace', { durationMs: -0.5 })).toBe('durationMs: must be ≥ 0');
    expect(reject('trace', { durationMs: Number.POSITIVE_INFINITY })).toMatch(/^durationMs: /);
    expect(reject('trace', { durationMs: Number.NaN })).toMatch(/^durationMs: /);
    expect(reject('trace', { durationMs: undefined })).toMatch(/^durationMs: /);
  });

  it('success: a required boolean', () => {
    expect(accept('trace', { success: false }).success).toBe(false);
    expect(reject('trace', { success: undefined })).toMatch(/^success: /);
    expect(reject('trace', { success: 'true' })).toMatch(/^success: /);
  });

  it('rejects a NUL character in operationName', () => {
    expect(reject('trace', { operationName: 'a\u0000b' })).toBe(
      'operationName: must not contain NUL (\\u0000) or unpaired surrogate characters',
    );
  });

  it('resultCount: at most 2147483647 (PostgreSQL integer); durationMs is a double', () => {
    expect(accept('trace', { resultCount: 2_147_483_647 }).resultCount).toBe(2_147_483_647);
    expect(reject('trace', { resultCount: 2_147_483_648 })).toBe(
      'resultCount: must be at most 2147483647',
    );
    expect(accept('trace', { durationMs: 3e9 }).durationMs).toBe(3e9);
  });

  it('resultCount: an integer ≥ 0, optional', () => {
    expect(accept('trace', { resultCount: 0 }).resultCount).toBe(0);
    expect(accept('trace', { resultCount: 10 }).resultCount).toBe(10);
    expect(accept('trace', { resultCount: null }).resultCount).toBeNull();
    expect(reject('trace', { resultCount: -1 })).toBe('resultCount: must be ≥ 0');
    expect(reject('trace', { resultCount: 2.5 })).toBe('resultCount: must be an integer');
  });
});

describe('resolveIsPaidUser (docs/api.md#pipelines)', () => {
  it('uses isPaidUser when given', () => {
    expect(resolveIsPaidUser(true, 'free')).toBe(true);
    expect(resolveIsPaidUser(false, 'enterprise')).toBe(false);
    expect(resolveIsPaidUser(true, null)).toBe(true);
  });

  it('else derives it from the tier', () => {
    expect(resolveIsPaidUser(null, 'paid')).toBe(true);
    expect(resolveIsPaidUser(null, 'pro')).toBe(true);
    expect(resolveIsPaidUser(null, 'enterprise')).toBe(true);
    expect(resolveIsPaidUser(null, 'free')).toBe(false);
    expect(resolveIsPaidUser(null, null)).toBe(false);
  });

  it('works on what parseItem returns', () => {
    const parsed = accept('event', { userTier: 'pro' });
    expect(resolveIsPaidUser(parsed.isPaidUser as boolean | null, parsed.userTier as string)).toBe(
      true,
    );
  });
});

describe('stampPhase (docs/api.md#pipelines)', () => {
  const OPEN = new Date('2026-02-01T00:00:00.000Z');

  it('is open_beta from the exact OPEN_BETA_STARTS_AT instant on', () => {
    expect(stampPhase(null, new Date('2026-02-01T00:00:00.000Z'), OPEN)).toBe('open_beta');
    expect(stampPhase(null, new Date('2026-03-01T00:00:00.000Z'), OPEN)).toBe('open_beta');
  });

  it('is closed_beta one millisecond before', () => {
    expect(stampPhase(null, new Date('2026-01-31T23:59:59.999Z'), OPEN)).toBe('closed_beta');
  });

  it('keeps a given phase', () => {
    expect(stampPhase('closed_beta', new Date('2026-03-01T00:00:00.000Z'), OPEN)).toBe(
      'closed_beta',
    );
    expect(stampPhase('open_beta', new Date('2026-01-01T00:00:00.000Z'), OPEN)).toBe('open_beta');
  });
});

describe('metadata nesting (found by the ingest fuzz test)', () => {
  const nested = (levels: number) => {
    let value: Record<string, unknown> = {};
    for (let i = 1; i < levels; i++) value = { d: value };
    return value;
  };
  const event = (metadata: unknown) => ({
    eventName: 'session_started',
    timestamp: '2026-11-01T00:00:00Z',
    userIdHash: 'u_1',
    channel: 'web',
    metadata,
  });

  it('counts levels of objects and arrays; a scalar is level 0', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3); // object → array → object
    expect(jsonDepth(nested(32))).toBe(32);
  });

  it('accepts 32 levels and rejects 33 with the rule', () => {
    expect(parseItem('event', event(nested(32))).ok).toBe(true);
    expect(parseItem('event', event(nested(33)))).toEqual({
      ok: false,
      message: 'metadata: must nest at most 32 levels of objects and arrays',
    });
  });

  it('rejects metadata nested 5,000 deep (under 16 KiB) instead of overflowing the stack', () => {
    const deep = nested(5000); // {"d":…} is 6 bytes a level: 30 KiB, so the size rule fires too
    const result = parseItem('event', event(deep));
    expect(result.ok).toBe(false);
    const shallowEnough = nested(2500); // 15 KiB: only the depth rule applies
    expect(parseItem('event', event(shallowEnough))).toEqual({
      ok: false,
      message: 'metadata: must nest at most 32 levels of objects and arrays',
    });
  });
});
