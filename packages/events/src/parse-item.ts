import { BETA_PHASES, CHANNELS, EVENT_NAMES, SEVERITIES } from './catalog.js';
import {
  EARLIEST,
  fitsUtf8,
  inputSchemas,
  isStorableText,
  LATEST,
  LIMITS,
  metadataProblem,
  type ParsedItem,
  type Pipeline,
  USER_ID_HASH,
  UUID,
} from './inputs.js';

/**
 * One item through the rules of inputs.ts (issue #8: running the zod schemas on every item,
 * valid or not, cost half of ingest's Node CPU with the garbage they leave). `validItem` checks
 * every rule by hand with plain comparisons and builds what the zod schema would return; an
 * item it does not accept goes through the zod schema, which says which rules it breaks, so
 * every message still has one source. inputs.test.ts holds both to the same answers, case by case.
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Formats a zod failure as `field: rule; field: rule` (names the field and the rule). */
function formatIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(item)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

export function parseItem<P extends Pipeline>(
  pipeline: P,
  raw: unknown,
): ParseResult<ParsedItem<P>> {
  const valid = validItem(pipeline, raw);
  if (valid) return { ok: true, value: valid };
  const parsed = inputSchemas[pipeline].safeParse(raw);
  if (!parsed.success) return { ok: false, message: formatIssues(parsed.error.issues) };
  return { ok: true, value: parsed.data as ParsedItem<P> };
}

/** A field that breaks its rule; an item holding one is left to the zod schemas. */
const INVALID = Symbol('invalid');

const EVENT_NAME_SET: ReadonlySet<unknown> = new Set(EVENT_NAMES);
const CHANNEL_SET: ReadonlySet<unknown> = new Set(CHANNELS);
const PHASE_SET: ReadonlySet<unknown> = new Set(BETA_PHASES);
const SEVERITY_SET: ReadonlySet<unknown> = new Set(SEVERITIES);

const oneOf = (values: ReadonlySet<unknown>, v: unknown) => (values.has(v) ? v : INVALID);
const optionalOneOf = (values: ReadonlySet<unknown>, v: unknown) =>
  v == null ? null : oneOf(values, v);

const text = (v: unknown, min: number, max: number) =>
  typeof v === 'string' && v.length >= min && v.length <= max && isStorableText(v) ? v : INVALID;
const optionalText = (v: unknown, max: number) => (v == null ? null : text(v, 0, max));

const textOfBytes = (v: unknown, maxBytes: number) =>
  typeof v === 'string' && isStorableText(v) && fitsUtf8(v, maxBytes) ? v : INVALID;

const id = (v: unknown) =>
  v == null ? null : typeof v === 'string' && UUID.test(v) ? v.toLowerCase() : INVALID;

const optionalCount = (v: unknown) =>
  v == null
    ? null
    : Number.isInteger(v) && (v as number) >= 0 && (v as number) <= LIMITS.maxInt
      ? v
      : INVALID;

const optionalBoolean = (v: unknown) => (v == null ? null : typeof v === 'boolean' ? v : INVALID);

const storableInstant = (t: number) => t >= EARLIEST && t <= LATEST;

/**
 * A Date (what GraphQL's DateTime coerces to) is kept as it is; a string only in the canonical
 * form `toISOString` writes, which the zod rule reads the same way. Other ISO-8601 spellings
 * (offsets, microseconds) are left to the zod rule.
 */
function timestamp(v: unknown) {
  if (v instanceof Date) return storableInstant(v.getTime()) ? v : INVALID;
  if (typeof v !== 'string') return INVALID;
  const date = new Date(v);
  return storableInstant(date.getTime()) && date.toISOString() === v ? date : INVALID;
}

const metadata = (v: unknown) => (v == null ? null : metadataProblem(v) === null ? v : INVALID);

/**
 * The fields every pipeline shares, as one object literal its pipeline's fields are then added
 * to: added the other way round (a pipeline's 4–6 fields, then these 12), the object's
 * property storage was reallocated several times per item (issue #19).
 */
function commonFields(r: Record<string, unknown>): Record<string, unknown> {
  return {
    timestamp: timestamp(r.timestamp),
    userIdHash:
      typeof r.userIdHash === 'string' && USER_ID_HASH.test(r.userIdHash) ? r.userIdHash : INVALID,
    userTier: optionalText(r.userTier, LIMITS.userTier),
    isPaidUser: optionalBoolean(r.isPaidUser),
    sessionId: optionalText(r.sessionId, LIMITS.sessionId) ?? '',
    channel: oneOf(CHANNEL_SET, r.channel),
    phase: optionalOneOf(PHASE_SET, r.phase),
    projectId: optionalText(r.projectId, LIMITS.scopeId),
    branchId: optionalText(r.branchId, LIMITS.scopeId),
    contextId: optionalText(r.contextId, LIMITS.scopeId),
    clientVersion: optionalText(r.clientVersion, LIMITS.clientVersion),
    metadata: metadata(r.metadata),
  };
}

const pipelineFields: Record<
  Pipeline,
  (r: Record<string, unknown>, item: Record<string, unknown>) => void
> = {
  event: (r, item) => {
    item.eventId = id(r.eventId);
    item.eventName = oneOf(EVENT_NAME_SET, r.eventName);
    item.result = optionalText(r.result, LIMITS.result) ?? 'success';
    item.durationMs = optionalCount(r.durationMs);
  },
  error: (r, item) => {
    item.errorId = id(r.errorId);
    item.errorType = text(r.errorType, 1, LIMITS.errorType);
    item.errorMessage = textOfBytes(r.errorMessage, LIMITS.errorMessageBytes);
    item.stackTrace =
      r.stackTrace == null ? null : textOfBytes(r.stackTrace, LIMITS.stackTraceBytes);
    item.stackHash = optionalText(r.stackHash, LIMITS.stackHash);
    item.severity = oneOf(SEVERITY_SET, r.severity);
    item.relatedEventName = optionalOneOf(EVENT_NAME_SET, r.relatedEventName);
  },
  trace: (r, item) => {
    item.traceId = id(r.traceId);
    item.operationName = text(r.operationName, 1, LIMITS.operationName);
    item.durationMs =
      typeof r.durationMs === 'number' && Number.isFinite(r.durationMs) && r.durationMs >= 0
        ? r.durationMs
        : INVALID;
    item.success = typeof r.success === 'boolean' ? r.success : INVALID;
    item.resultCount = optionalCount(r.resultCount);
  },
};

/** The item as its zod schema returns it when it breaks no rule, else null. */
export function validItem<P extends Pipeline>(pipeline: P, raw: unknown): ParsedItem<P> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const item = commonFields(r);
  pipelineFields[pipeline](r, item);
  for (const key in item) if (item[key] === INVALID) return null;
  return item as ParsedItem<P>;
}
