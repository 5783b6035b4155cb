import type { EventName } from '@cortex-telemetry/events';
import { isoTimestamp, merge } from './items.js';
import type {
  Defaults,
  ErrorFields,
  EventFields,
  EventItem,
  TelemetryItem,
  TraceFields,
} from './types.js';
import { uuid } from './uuid.js';

/**
 * Complete items from a call's arguments over `defaults`: the id is set here, once, and the
 * timestamp defaults to now. (`emitEvent`'s fast path defers this to `LazyEvent.build`.)
 */
export function buildEvent(
  defaults: Defaults,
  name: EventName,
  fields?: EventFields,
): TelemetryItem {
  const data = merge(defaults, fields) as unknown as EventItem;
  data.eventId = fields?.eventId ?? uuid();
  data.eventName = name;
  data.timestamp = isoTimestamp(fields?.timestamp);
  return { kind: 'event', data };
}

export function buildError(defaults: Defaults, error: unknown, fields: ErrorFields): TelemetryItem {
  const { errorId, errorType, ...rest } = fields;
  const e = error instanceof Error ? error : null;
  return {
    kind: 'error',
    data: {
      ...merge(defaults, rest),
      errorId: errorId ?? uuid(),
      timestamp: isoTimestamp(fields.timestamp),
      errorType: errorType ?? (e ? errorTypeOf(e) : typeof error),
      errorMessage: e ? e.message : String(error),
      ...(e?.stack ? { stackTrace: e.stack } : {}),
      severity: fields.severity ?? 'error',
    },
  } as TelemetryItem;
}

export function buildTrace(
  defaults: Defaults,
  operationName: string,
  durationMs: number,
  fields: TraceFields,
): TelemetryItem {
  const { traceId, ...rest } = fields;
  return {
    kind: 'trace',
    data: {
      ...merge(defaults, rest),
      traceId: traceId ?? uuid(),
      timestamp: isoTimestamp(fields.timestamp),
      operationName,
      durationMs,
      success: fields.success ?? true,
    },
  } as TelemetryItem;
}

/** `class NotFound extends Error {}` keeps `name === 'Error'`: the class name says more. */
function errorTypeOf(error: Error): string {
  if (error.name && error.name !== 'Error') return error.name;
  return error.constructor?.name || 'Error';
}
