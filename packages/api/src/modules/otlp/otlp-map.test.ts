import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from './otlp-codec.js';
import { mapRequest, userIdHashOf } from './otlp-map.js';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const span = (over: Record<string, unknown>) => ({
  traceId: '5B8EFFF798038103D269B633813FC60C',
  spanId: 'EEE19B7EC3C1B174',
  name: 'op',
  startTimeUnixNano: '1795168800000000000',
  endTimeUnixNano: '1795168800001000000',
  attributes: [str('enduser.id', 'u_1'), str('cortex.channel', 'Server')],
  ...over,
});
const one = (s: unknown) => mapRequest({ resourceSpans: [{ scopeSpans: [{ spans: [s] }] }] })[0];

describe('mapRequest (docs/api.md#opentelemetry-traces)', () => {
  it('lower-cases hex ids and the channel, and defaults an exception’s type and message', () => {
    const item = one(
      span({
        events: [
          { name: 'log', timeUnixNano: '1795168800000500000' },
          { name: 'exception', attributes: [str('exception.stacktrace', 'at x')] },
        ],
      }),
    );
    const rows = item?.rows as { pipeline: string; input: Record<string, unknown> }[];
    expect(rows.map((r) => r.pipeline)).toEqual(['trace', 'error']);
    expect(rows[0]?.input).toMatchObject({
      channel: 'server',
      durationMs: 1,
      metadata: { 'otel.trace_id': '5b8efff798038103d269b633813fc60c' },
    });
    // no timeUnixNano on the event: the span's start
    expect(rows[1]?.input).toMatchObject({
      errorType: 'Error',
      errorMessage: '',
      stackTrace: 'at x',
      timestamp: '2026-11-20T10:00:00.000Z',
    });
  });

  it('refuses a span whose ids or times are not OTLP’s, naming the field', () => {
    expect(one(span({ traceId: 'abc' }))?.rows).toEqual({
      reason: 'traceId: must be 16 bytes (32 hex)',
    });
    expect(one(span({ startTimeUnixNano: '0' }))?.rows).toEqual({
      reason: 'startTimeUnixNano: required (nanoseconds since 1970)',
    });
    expect(one(span({ endTimeUnixNano: -5 }))?.rows).toEqual({
      reason: 'endTimeUnixNano: required (nanoseconds since 1970)',
    });
  });

  it('refuses attributes nested past 40 levels without recursing further', () => {
    let value: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < 5000; i++) value = { arrayValue: { values: [value] } };
    const item = one(span({ attributes: [str('enduser.id', 'u_1'), { key: 'deep', value }] }));
    expect(item?.rows).toEqual({ reason: 'attributes: nest at most 40 levels' });
  });

  it('answers 400 (OtlpDecodeError) when a list is not a list', () => {
    expect(() => one(span({ events: 'boom' }))).toThrow(OtlpDecodeError);
    expect(() => mapRequest({ resourceSpans: [{ scopeSpans: [{ spans: [1] }] }] })).toThrow(
      'resourceSpans.scopeSpans.spans: must be a list of objects',
    );
  });

  it('keeps a value that passes the userIdHash rule, hashes anything else', () => {
    expect(userIdHashOf('u_3f9a')).toBe('u_3f9a');
    // printf 'alice@example.com' | sha256sum
    expect(userIdHashOf('alice@example.com')).toBe(
      'ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976',
    );
  });
});
