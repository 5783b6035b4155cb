import {
  BETA_PHASES,
  CHANNELS,
  type EventName,
  isEventName,
  SEVERITIES,
} from '@cortex-telemetry/events';
import type { Defaults, TelemetryItem } from './types.js';

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

function commonProblem(d: Record<string, unknown>): string | null {
  if (typeof d.userIdHash !== 'string' || d.userIdHash === '') {
    return 'userIdHash: is required (set it in `defaults` or on the call)';
  }
  if (!channels.has(d.channel as string)) return `channel: must be one of ${CHANNELS.join(', ')}`;
  for (const f of STRING_FIELDS) {
    if (d[f] !== undefined && typeof d[f] !== 'string') return `${f}: must be a string`;
  }
  if (d.phase !== undefined && !phases.has(d.phase as string)) {
    return `phase: must be one of ${BETA_PHASES.join(', ')}`;
  }
  if (d.isPaidUser !== undefined && typeof d.isPaidUser !== 'boolean') {
    return 'isPaidUser: must be a boolean';
  }
  if (Number.isNaN(Date.parse(d.timestamp as string))) {
    return 'timestamp: must be a valid date-time';
  }
  const m = d.metadata;
  if (m !== undefined && (m === null || typeof m !== 'object' || Array.isArray(m))) {
    return 'metadata: must be a JSON object';
  }
  return null;
}

const isInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= INT_MAX;

/** The first GraphQL-level problem of an item, or null when the server will look at it. */
export function itemProblem(item: TelemetryItem): string | null {
  const d = item.data as unknown as Record<string, unknown>;
  const common = commonProblem(d);
  if (common) return common;
  switch (item.kind) {
    case 'event':
      if (!isEventName(d.eventName)) return 'eventName: must be one of the 17 catalog events';
      if (d.durationMs !== undefined && !isInt(d.durationMs)) {
        return `durationMs: must be an integer between 0 and ${INT_MAX}`;
      }
      if (d.result !== undefined && typeof d.result !== 'string') return 'result: must be a string';
      return null;
    case 'error':
      if (typeof d.errorType !== 'string') return 'errorType: must be a string';
      if (typeof d.errorMessage !== 'string') return 'errorMessage: must be a string';
      if (!severities.has(d.severity as string)) {
        return `severity: must be one of ${SEVERITIES.join(', ')}`;
      }
      if (d.relatedEventName !== undefined && !isEventName(d.relatedEventName)) {
        return 'relatedEventName: must be one of the 17 catalog events';
      }
      return null;
    case 'trace':
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

export function mergeDefaults<T extends object>(defaults: Defaults, fields: T): Defaults & T {
  return { ...defaults, ...fields };
}

export type { EventName };
