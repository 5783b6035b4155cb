import { createHash } from 'node:crypto';
import { serviceChannel, USER_ID_HASH } from '@cortex-telemetry/events';
import type { MappedItem } from '../ingest/ingest.service.js';
import { OtlpDecodeError } from './otlp-codec.js';

/**
 * OTLP spans as Cortex records (docs/api.md#opentelemetry-traces): a span is one trace, each of
 * its `exception` events one error. The records then obey the rules of any other item; what a
 * span lacks (a user, a channel) is a refusal of that span naming the attribute, never a guess.
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Attributes taken into a record's own fields, so they are not copied into its metadata. */
const USER = 'enduser.id';
const SESSION = 'session.id';
const CHANNEL = 'cortex.channel';
const PHASE = 'cortex.phase';
const SERVICE = 'service.name';
const VERSION = 'service.version';
const MAPPED = new Set([USER, SESSION, CHANNEL, PHASE]);
const EXCEPTION_FIELDS = new Set(['exception.type', 'exception.message', 'exception.stacktrace']);
const STATUS_CODE_ERROR = 2;
/** Deeper AnyValues are refused before anything recurses further (metadata allows 32 levels). */
const MAX_VALUE_DEPTH = 40;

class SpanRefused extends Error {}

/** The members of a list field; anything else there means the body is no OTLP request. */
function members(v: unknown, field: string): Json[] {
  if (v == null) return [];
  if (!Array.isArray(v) || !v.every(isObject)) {
    throw new OtlpDecodeError(`${field}: must be a list of objects`);
  }
  return v;
}

/**
 * A non-negative int64 of the JSON form: a decimal string, or a number (which JSON has already
 * rounded to a double: nanoseconds since 1970 then keep about 256 ns of precision).
 */
function int64(v: unknown): bigint | null {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 64) return BigInt(v);
  return null;
}

/** AnyValue as plain JSON: int64 beyond 2^53 stays a string rather than losing digits. */
function anyValue(v: unknown, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH) {
    throw new SpanRefused(`attributes: nest at most ${MAX_VALUE_DEPTH} levels`);
  }
  if (!isObject(v)) return null;
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return v.boolValue === true;
  if ('intValue' in v) {
    const n = typeof v.intValue === 'string' ? Number(v.intValue) : v.intValue;
    return typeof n === 'number' && Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return String(v.bytesValue);
  if ('arrayValue' in v) {
    const values = isObject(v.arrayValue) ? v.arrayValue.values : [];
    return Array.isArray(values) ? values.map((x) => anyValue(x, depth + 1)) : [];
  }
  if ('kvlistValue' in v) {
    const values = isObject(v.kvlistValue) ? v.kvlistValue.values : [];
    return attributes(values, depth + 1);
  }
  return null;
}

function attributes(kvs: unknown, depth = 0): Json {
  const out: Json = {};
  if (!Array.isArray(kvs)) return out;
  for (const kv of kvs) {
    if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value, depth);
  }
  return out;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** `enduser.id` as it is when it already passes the userIdHash rule, else its SHA-256 in hex. */
export function userIdHashOf(endUserId: string): string {
  return USER_ID_HASH.test(endUserId)
    ? endUserId
    : createHash('sha256').update(endUserId).digest('hex');
}

/** `cortex.channel`, else `service.name` by the v1 service names (a `cortex-` prefix allowed). */
function channelOf(attrs: Json): string {
  const given = text(attrs[CHANNEL]);
  if (given) return given.toLowerCase();
  const service = text(attrs[SERVICE]);
  const channel = service && serviceChannel(service.replace(/^cortex[-_]/i, ''));
  if (channel) return channel;
  throw new SpanRefused(
    `channel: set the ${CHANNEL} attribute (extension, server, web) or a ${SERVICE} of mcp, server, extension, web, website (got ${service === undefined ? 'none' : JSON.stringify(service.slice(0, 64))})`,
  );
}

const isoOf = (nanos: bigint): string => new Date(Number(nanos / 1_000_000n)).toISOString();

function mapSpan(span: Json, resource: Json, scopeName: string | undefined): MappedItem['rows'] {
  const traceId = typeof span.traceId === 'string' ? span.traceId.toLowerCase() : '';
  const spanId = typeof span.spanId === 'string' ? span.spanId.toLowerCase() : '';
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new SpanRefused('traceId: must be 16 bytes (32 hex)');
  if (!/^[0-9a-f]{16}$/.test(spanId)) throw new SpanRefused('spanId: must be 8 bytes (16 hex)');
  const own = attributes(span.attributes);
  const attrs = { ...resource, ...own };
  const endUser = text(attrs[USER]);
  if (!endUser) throw new SpanRefused(`userIdHash: no ${USER} attribute on the span or resource`);
  const start = int64(span.startTimeUnixNano);
  const end = int64(span.endTimeUnixNano);
  if (!start) throw new SpanRefused('startTimeUnixNano: required (nanoseconds since 1970)');
  if (end === null) throw new SpanRefused('endTimeUnixNano: required (nanoseconds since 1970)');
  const status = isObject(span.status) ? span.status : {};
  const name = typeof span.name === 'string' ? span.name : '';
  const common = {
    userIdHash: userIdHashOf(endUser),
    sessionId: text(attrs[SESSION]) ?? null,
    channel: channelOf(attrs),
    phase: text(attrs[PHASE])?.toLowerCase() ?? null,
    clientVersion: text(attrs[VERSION]) ?? null,
  };
  const link: Json = { 'otel.trace_id': traceId, 'otel.span_id': spanId };
  const parent = typeof span.parentSpanId === 'string' ? span.parentSpanId.toLowerCase() : '';
  const metadata: Json = { ...link };
  if (parent !== '') metadata['otel.parent_span_id'] = parent;
  if (typeof status.message === 'string' && status.message !== '') {
    metadata['otel.status_message'] = status.message;
  }
  if (scopeName) metadata['otel.scope.name'] = scopeName;
  if (text(resource[SERVICE])) metadata[SERVICE] = resource[SERVICE];
  for (const [k, v] of Object.entries(own)) if (!MAPPED.has(k)) metadata[k] = v;

  const rows: Exclude<MappedItem['rows'], { reason: string }> = [
    {
      pipeline: 'trace',
      idSource: { otlp: [traceId, spanId] },
      input: {
        ...common,
        timestamp: isoOf(start),
        operationName: name,
        durationMs: Number(end - start) / 1e6,
        success: status.code !== STATUS_CODE_ERROR && status.code !== 'STATUS_CODE_ERROR',
        metadata,
      },
    },
  ];
  members(span.events, 'events').forEach((event, index) => {
    if (event.name !== 'exception') return;
    const ex = attributes(event.attributes);
    const errorMetadata: Json = { ...link, 'otel.operation': name };
    for (const [k, v] of Object.entries(ex)) if (!EXCEPTION_FIELDS.has(k)) errorMetadata[k] = v;
    const at = int64(event.timeUnixNano);
    rows.push({
      pipeline: 'error',
      idSource: { otlp: [traceId, spanId, index] },
      input: {
        ...common,
        timestamp: isoOf(at || start),
        errorType: text(ex['exception.type']) ?? 'Error',
        errorMessage: text(ex['exception.message']) ?? '',
        stackTrace: text(ex['exception.stacktrace']) ?? null,
        severity: 'error',
        metadata: errorMetadata,
      },
    });
  });
  return rows;
}

/**
 * Every span of an ExportTraceServiceRequest in its JSON form, in order, with what it maps to or
 * why it is refused. Throws OtlpDecodeError when the body's structure is not a request's.
 */
export function mapRequest(request: Json): MappedItem[] {
  const items: MappedItem[] = [];
  for (const rs of members(request.resourceSpans, 'resourceSpans')) {
    const resource = isObject(rs.resource) ? rs.resource : {};
    for (const ss of members(rs.scopeSpans, 'resourceSpans.scopeSpans')) {
      const scope = isObject(ss.scope) ? ss.scope : {};
      for (const span of members(ss.spans, 'resourceSpans.scopeSpans.spans')) {
        // kept with a refusal: a request of this one span, which `/v1/traces` takes again
        const raw = {
          resourceSpans: [{ resource, scopeSpans: [{ scope, spans: [span] }] }],
        };
        let rows: MappedItem['rows'];
        try {
          const name = typeof scope.name === 'string' && scope.name !== '' ? scope.name : undefined;
          rows = mapSpan(span, attributes(resource.attributes), name);
        } catch (error) {
          if (!(error instanceof SpanRefused)) throw error;
          rows = { reason: error.message };
        }
        items.push({ pipeline: 'trace', raw, rows });
      }
    }
  }
  return items;
}
