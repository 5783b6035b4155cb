import {
  BETA_PHASES,
  CHANNELS,
  type EventName,
  isEventName,
  SEVERITIES,
} from '@cortex-telemetry/events';
import type { Defaults, EventFields, EventItem, TelemetryItem } from './types.js';
import { uuid } from './uuid.js';

/**
 * The checks the client makes before queueing an item: only those whose violation would make
 * the server fail the *whole request* (GraphQL type errors — an unknown enum value, a string
 * where a number belongs, a non-integer `Int`). Rules of one item (lengths, formats, sizes) are
 * the server's: it rejects that item alone, keeps it in its failed-items store and says why.
 */
const channels: ReadonlySet<string> = new Set(CHANNELS);
const severities: ReadonlySet<string> = new Set(SEVERITIES);
const phases: ReadonlySet<string> = new Set(BETA_PHASES);
const INT_MAX = 2_147_483_647;

const STRING_FIELDS = [
  'userIdHash',
  'sessionId',
  'userTier',
  'projectId',
  'branchId',
  'contextId',
  'clientVersion',
] as const;

type Bag = Record<string, unknown>;
const NONE: Bag = {};

function commonProblem(d: Bag, fallback: Bag): string | null {
  const get = (k: string) => (d[k] !== undefined ? d[k] : fallback[k]);
  const userIdHash = get('userIdHash');
  if (typeof userIdHash !== 'string' || userIdHash === '') {
    return 'userIdHash: is required (set it in `defaults` or on the call)';
  }
  if (!channels.has(get('channel') as string)) {
    return `channel: must be one of ${CHANNELS.join(', ')}`;
  }
  for (const f of STRING_FIELDS) {
    const v = get(f);
    if (v !== undefined && typeof v !== 'string') return `${f}: must be a string`;
  }
  const phase = get('phase');
  if (phase !== undefined && !phases.has(phase as string)) {
    return `phase: must be one of ${BETA_PHASES.join(', ')}`;
  }
  const isPaidUser = get('isPaidUser');
  if (isPaidUser !== undefined && typeof isPaidUser !== 'boolean') {
    return 'isPaidUser: must be a boolean';
  }
  const timestamp = d.timestamp;
  if (timestamp !== undefined && !(timestamp instanceof Date) && typeof timestamp !== 'string') {
    return 'timestamp: must be a Date or an ISO-8601 string';
  }
  if (timestamp !== undefined && Number.isNaN(new Date(timestamp as string).getTime())) {
    return 'timestamp: must be a valid date-time';
  }
  const m = d.metadata;
  if (m !== undefined && (m === null || typeof m !== 'object' || Array.isArray(m))) {
    return 'metadata: must be a JSON object';
  }
  return null;
}

const isInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= INT_MAX;

/**
 * The first GraphQL-level problem of an event given as name + call fields over `defaults`
 * (unset call fields fall back to the defaults), or null when the server will look at it.
 */
export function eventProblem(
  name: unknown,
  fields?: object,
  fallback: object = NONE,
): string | null {
  const d = (fields ?? NONE) as Bag;
  if (!isEventName(name)) return 'eventName: must be one of the 17 catalog events';
  const common = commonProblem(d, fallback as Bag);
  if (common) return common;
  if (d.durationMs !== undefined && !isInt(d.durationMs)) {
    return `durationMs: must be an integer between 0 and ${INT_MAX}`;
  }
  if (d.result !== undefined && typeof d.result !== 'string') return 'result: must be a string';
  return null;
}

/** The first GraphQL-level problem of a complete item, or null. */
export function itemProblem(item: TelemetryItem): string | null {
  const d = item.data as unknown as Bag;
  switch (item.kind) {
    case 'event':
      return eventProblem(d.eventName, d);
    case 'error': {
      const common = commonProblem(d, NONE);
      if (common) return common;
      if (typeof d.errorType !== 'string') return 'errorType: must be a string';
      if (typeof d.errorMessage !== 'string') return 'errorMessage: must be a string';
      if (!severities.has(d.severity as string)) {
        return `severity: must be one of ${SEVERITIES.join(', ')}`;
      }
      if (d.relatedEventName !== undefined && !isEventName(d.relatedEventName)) {
        return 'relatedEventName: must be one of the 17 catalog events';
      }
      return null;
    }
    case 'trace': {
      const common = commonProblem(d, NONE);
      if (common) return common;
      if (typeof d.operationName !== 'string') return 'operationName: must be a string';
      if (typeof d.durationMs !== 'number' || !Number.isFinite(d.durationMs)) {
        return 'durationMs: must be a finite number';
      }
      if (typeof d.success !== 'boolean') return 'success: must be a boolean';
      if (d.resultCount !== undefined && !isInt(d.resultCount)) {
        return `resultCount: must be an integer between 0 and ${INT_MAX}`;
      }
      return null;
    }
  }
}

/**
 * `defaults` overlaid with the call's fields; a field set to `undefined` on the call leaves the
 * default in place (as the checks above assume).
 */
export function merge<T extends object>(defaults: object, fields: T | undefined): Bag {
  const out: Bag = { ...defaults };
  if (fields) {
    for (const key in fields) {
      const v = (fields as Bag)[key];
      if (v !== undefined) out[key] = v;
    }
  }
  return out;
}

/**
 * An event as `emitEvent` queues it on its fast path (no `beforeSend`, no `persistPath`): the
 * call's fields and the clock, nothing more. The full item — UUID, ISO timestamp, defaults — is
 * built when the delivery loop takes it, off the caller's thread, and only once: the built item
 * replaces this one in the queue, so a retry re-sends the same id.
 */
export class LazyEvent {
  constructor(
    readonly name: EventName,
    readonly fields: EventFields | undefined,
    readonly at: number,
    readonly defaults: Defaults,
  ) {}

  build(): TelemetryItem {
    const data = merge(this.defaults, this.fields) as unknown as EventItem;
    data.eventId = this.fields?.eventId ?? uuid();
    data.eventName = this.name;
    data.timestamp = isoTimestamp(this.fields?.timestamp ?? new Date(this.at));
    return { kind: 'event', data };
  }
}

export const idOf = (item: TelemetryItem): string =>
  item.kind === 'event'
    ? item.data.eventId
    : item.kind === 'error'
      ? item.data.errorId
      : item.data.traceId;

/** A Date or ISO string as ISO; anything else passes through for `itemProblem` to name. */
export function isoTimestamp(value: Date | string | undefined): string {
  if (value === undefined) return new Date().toISOString();
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return value;
}

/** GraphQL wants enum values in UPPER_CASE; the client speaks the catalog's wire values. */
const ENUM_FIELDS = ['eventName', 'channel', 'phase', 'severity', 'relatedEventName'] as const;

/** The item as the GraphQL input type expects it, JSON-encoded. */
export function wireJson(item: TelemetryItem): string {
  const wire: Record<string, unknown> = { ...item.data };
  for (const f of ENUM_FIELDS) {
    const v = wire[f];
    if (typeof v === 'string') wire[f] = v.toUpperCase();
  }
  return JSON.stringify(wire);
}

/** Names items in a report: kind, name and id of the first few (`event context_loaded 6f1c…`). */
export function describeItems(items: readonly TelemetryItem[], max = 10): string {
  const named = items.slice(0, max).map((item) => {
    const name =
      item.kind === 'event'
        ? item.data.eventName
        : item.kind === 'error'
          ? item.data.errorType
          : item.data.operationName;
    return `${item.kind} ${name} ${idOf(item)}`;
  });
  const more = items.length > max ? `, and ${items.length - max} more` : '';
  return `${named.join(', ')}${more}`;
}
