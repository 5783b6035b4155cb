import { type Channel, isEventName } from './catalog.js';
import { type ErrorInput, type EventInput, jsonDepth, LIMITS, type TraceInput } from './inputs.js';

/**
 * The v1 normaliser (docs/api.md#legacy-v1-payloads): turns what the Cortex server's v1 telemetry client wrote into
 * the v2 inputs. It only maps shapes; the produced inputs are then validated by the same zod
 * rules as any v2 item, so a legacy item obeys exactly the same limits.
 */
export type LegacyItem =
  | { pipeline: 'event'; input: EventInput }
  | { pipeline: 'error'; input: ErrorInput }
  | { pipeline: 'trace'; input: TraceInput };

export type LegacyResult = { ok: true; items: LegacyItem[] } | { ok: false; reason: string };

const SERVICE_CHANNELS: Record<string, Channel> = {
  mcp: 'server',
  server: 'server',
  extension: 'extension',
  web: 'web',
  website: 'web',
};

/** A v1 `service` (or an OpenTelemetry `service.name`) as a channel; undefined when unknown. */
export function serviceChannel(service: string): Channel | undefined {
  const key = service.toLowerCase();
  return Object.hasOwn(SERVICE_CHANNELS, key) ? SERVICE_CHANNELS[key] : undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

function legacyTimestamp(v: unknown): Date | string | undefined {
  // v1 wrote ISO strings; some builds wrote epoch seconds, others milliseconds
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v < 1e11 ? v * 1000 : v);
  return typeof v === 'string' ? v : undefined;
}

/** A value quoted in a reason: bounded, and only characters PostgreSQL text can hold. */
function shown(value: string): string {
  const safe = value.replace(
    /\0|\p{Cs}/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const chars = Array.from(safe); // by code point, so a cut never splits a surrogate pair
  return chars.length > 128 ? `${chars.slice(0, 128).join('')}…` : safe;
}

function fail(reason: string): LegacyResult {
  return { ok: false, reason };
}

/** One v1 item's fields, read once; each mapping below builds its v2 inputs from them. */
interface V1Fields {
  raw: Json;
  common: Omit<EventInput, 'eventName' | 'result' | 'durationMs' | 'metadata'>;
  eventData: Json;
  baseMetadata: Json;
  toolName: string | undefined;
  result: string;
  duration: number | undefined;
}

/** Metadata as stored: the v1 `tool_name` folded in, and null rather than an empty object. */
function metadata(v: V1Fields, extra: Json): Json | null {
  const merged = { ...v.baseMetadata, ...extra };
  const withTool = v.toolName ? { ...merged, tool_name: v.toolName } : merged;
  return Object.keys(withTool).length > 0 ? withTool : null;
}

function eventItem(v: V1Fields, eventName: EventInput['eventName']): LegacyItem {
  const input: EventInput = {
    ...v.common,
    eventName,
    result: v.result,
    durationMs: v.duration === undefined ? null : Math.round(v.duration),
    metadata: metadata(v, v.eventData),
  };
  return { pipeline: 'event', input };
}

function traceItem(
  v: V1Fields,
  trace: { operationName: string; durationMs: number; resultCount: unknown; extra: Json },
): LegacyItem {
  const input: TraceInput = {
    ...v.common,
    operationName: trace.operationName,
    durationMs: trace.durationMs,
    success: v.result !== 'error',
    resultCount: num(trace.resultCount) ?? null,
    metadata: metadata(v, trace.extra),
  };
  return { pipeline: 'trace', input };
}

/**
 * The v1 types that are not catalog names: what each becomes, or the reason it cannot be mapped.
 * A catalog name maps to that event (`eventItem`); any other type goes to the failed-items store.
 */
const V1_MAPPINGS: Record<string, (v: V1Fields) => LegacyItem[] | { reason: string }> = {
  // the MCP tool call: the operation event, and with a duration a trace named after the tool
  tool_call: (v) => {
    const event = eventItem(v, 'server_operation_called');
    if (v.duration === undefined) return [event];
    const trace = traceItem(v, {
      operationName: v.toolName ?? 'tool_call',
      durationMs: v.duration,
      resultCount: v.eventData.result_count,
      extra: {},
    });
    return [event, trace];
  },
  error: (v) => {
    const context = v.eventData.context;
    const input: ErrorInput = {
      ...v.common,
      errorType: text(v.eventData.error_type) ?? 'Error',
      errorMessage: text(v.raw.error_message) ?? text(v.eventData.error_message) ?? '',
      stackTrace: text(v.eventData.stack_trace) ?? text(v.eventData.stack) ?? null,
      severity: 'error',
      metadata: metadata(v, isObject(context) ? context : context == null ? {} : { context }),
    };
    return [{ pipeline: 'error', input }];
  },
  performance: (v) => {
    const operation = text(v.eventData.operation);
    if (!operation) return { reason: 'event_data.operation: required for a performance event' };
    if (v.duration === undefined)
      return { reason: 'duration_ms: required for a performance event' };
    return [
      traceItem(v, {
        operationName: operation,
        durationMs: v.duration,
        resultCount: v.eventData.result_count,
        extra: isObject(v.eventData.metadata) ? v.eventData.metadata : {},
      }),
    ];
  },
};

export function normaliseLegacy(raw: unknown): LegacyResult {
  if (!isObject(raw)) return fail('(item): must be a JSON object');
  // checked first and without recursion: the item is serialised later (its id, the failed-items
  // store), and JSON nested a few thousand deep overflows JSON.stringify
  if (jsonDepth(raw) > LIMITS.legacyItemDepth) {
    return fail(`(item): must nest at most ${LIMITS.legacyItemDepth} levels of objects and arrays`);
  }
  const name = text(raw.event_name) ?? text(raw.event_type);
  if (!name) return fail('event_type: required (or a non-empty event_name)');

  // a v2 `channel` overrides the v1 `service`; the refusal names whichever field was used
  const sourceField = text(raw.channel) ? 'channel' : 'service';
  const source = text(raw.channel) ?? text(raw.service);
  if (!source) return fail('service: required (one of mcp, server, extension, web, website)');
  const channel = serviceChannel(source);
  if (!channel) {
    return fail(
      `${sourceField}: '${shown(source)}' is not one of mcp, server, extension, web, website`,
    );
  }

  const timestamp = legacyTimestamp(raw.timestamp);
  if (timestamp === undefined) return fail('timestamp: required (ISO-8601 or epoch)');

  const v: V1Fields = {
    raw,
    common: {
      timestamp,
      userIdHash: raw.user_id_hash as string,
      sessionId: text(raw.session_id) ?? null,
      channel,
      userTier: text(raw.user_tier) ?? null,
      isPaidUser: typeof raw.is_paid_user === 'boolean' ? raw.is_paid_user : null,
      phase: (text(raw.phase) as EventInput['phase']) ?? null,
      projectId: text(raw.project_id) ?? null,
      branchId: text(raw.branch_id) ?? null,
      contextId: text(raw.context_id) ?? null,
      clientVersion: text(raw.client_version) ?? null,
    },
    eventData: isObject(raw.event_data) ? raw.event_data : {},
    baseMetadata: isObject(raw.metadata) ? raw.metadata : {},
    toolName: text(raw.tool_name),
    result: text(raw.result) ?? 'success',
    duration: num(raw.duration_ms),
  };
  if (isEventName(name)) return { ok: true, items: [eventItem(v, name)] };
  const mapping = Object.hasOwn(V1_MAPPINGS, name) ? V1_MAPPINGS[name] : undefined;
  if (!mapping) {
    return fail(
      `event_type: '${shown(name)}' is not in the event catalog (kept so it can be replayed once the catalog covers it)`,
    );
  }
  const items = mapping(v);
  return Array.isArray(items) ? { ok: true, items } : fail(items.reason);
}
