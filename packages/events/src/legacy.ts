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

  const eventData = isObject(raw.event_data) ? raw.event_data : {};
  const baseMetadata = isObject(raw.metadata) ? raw.metadata : {};
  const toolName = text(raw.tool_name);
  const common = {
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
  };
  const withTool = (m: Json): Json | null => {
    const merged = toolName ? { ...m, tool_name: toolName } : m;
    return Object.keys(merged).length > 0 ? merged : null;
  };
  const result = text(raw.result) ?? 'success';
  const duration = num(raw.duration_ms);

  if (isEventName(name)) {
    const event: EventInput = {
      ...common,
      eventName: name,
      result,
      durationMs: duration === undefined ? null : Math.round(duration),
      metadata: withTool({ ...baseMetadata, ...eventData }),
    };
    return { ok: true, items: [{ pipeline: 'event', input: event }] };
  }

  switch (name) {
    case 'tool_call': {
      const items: LegacyItem[] = [
        {
          pipeline: 'event',
          input: {
            ...common,
            eventName: 'server_operation_called',
            result,
            durationMs: duration === undefined ? null : Math.round(duration),
            metadata: withTool({ ...baseMetadata, ...eventData }),
          },
        },
      ];
      if (duration !== undefined) {
        const resultCount = num(eventData.result_count);
        items.push({
          pipeline: 'trace',
          input: {
            ...common,
            operationName: toolName ?? 'tool_call',
            durationMs: duration,
            success: result !== 'error',
            resultCount: resultCount ?? null,
            metadata: withTool({ ...baseMetadata }),
          },
        });
      }
      return { ok: true, items };
    }
    case 'error': {
      const context = eventData.context;
      const contextMetadata = isObject(context) ? context : context == null ? {} : { context };
      return {
        ok: true,
        items: [
          {
            pipeline: 'error',
            input: {
              ...common,
              errorType: text(eventData.error_type) ?? 'Error',
              errorMessage: text(raw.error_message) ?? text(eventData.error_message) ?? '',
              stackTrace: text(eventData.stack_trace) ?? text(eventData.stack) ?? null,
              severity: 'error',
              metadata: withTool({ ...baseMetadata, ...contextMetadata }),
            },
          },
        ],
      };
    }
    case 'performance': {
      const operation = text(eventData.operation);
      if (!operation) return fail('event_data.operation: required for a performance event');
      if (duration === undefined) return fail('duration_ms: required for a performance event');
      const extra = isObject(eventData.metadata) ? eventData.metadata : {};
      return {
        ok: true,
        items: [
          {
            pipeline: 'trace',
            input: {
              ...common,
              operationName: operation,
              durationMs: duration,
              success: result !== 'error',
              resultCount: num(eventData.result_count) ?? null,
              metadata: withTool({ ...baseMetadata, ...extra }),
            },
          },
        ],
      };
    }
    default:
      return fail(
        `event_type: '${shown(name)}' is not in the event catalog (kept so it can be replayed once the catalog covers it)`,
      );
  }
}
