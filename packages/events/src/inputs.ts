import { z } from 'zod';
import { BETA_PHASES, CHANNELS, EVENT_NAMES, isPaidTier, SEVERITIES } from './catalog.js';

/**
 * Per-item rules (docs/api.md#pipelines). GraphQL already checked types; these are the rules whose violation
 * rejects one item only. Every message starts with the field name so clients can act on it.
 */
export const LIMITS = {
  userIdHash: 128,
  userTier: 32,
  sessionId: 128,
  scopeId: 128,
  clientVersion: 64,
  metadataBytes: 16 * 1024,
  /** Nesting of `metadata`: deeper JSON is no record of usage, and recursive readers overflow. */
  metadataDepth: 32,
  /** Nesting of a whole v1 item (its metadata and event_data included). */
  legacyItemDepth: 40,
  result: 32,
  errorType: 256,
  errorMessageBytes: 8 * 1024,
  stackTraceBytes: 64 * 1024,
  stackHash: 128,
  operationName: 256,
  futureToleranceMs: 60 * 60 * 1000,
  /** PostgreSQL `integer`: a larger value would fail the whole batch's insert, not one item. */
  maxInt: 2_147_483_647,
  batchItems: 1000,
  bodyBytes: 2 * 1024 * 1024,
  failedPayloadBytes: 64 * 1024,
} as const;

const encoder = new TextEncoder();
export const utf8Bytes = (s: string): number => encoder.encode(s).length;
/** A UTF-16 unit is at most 3 UTF-8 bytes: most strings pass without being encoded at all. */
export const fitsUtf8 = (s: string, maxBytes: number): boolean =>
  s.length * 3 <= maxBytes || utf8Bytes(s) <= maxBytes;

export const USER_ID_HASH = /^[A-Za-z0-9_.:-]{1,128}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * PostgreSQL text and jsonb hold neither U+0000 nor an unpaired UTF-16 surrogate (which JSON
 * carries as `\ud800`): such a value would fail the whole batch's insert, so it is a rule of
 * the item instead. In `u` mode a well-formed surrogate pair is one code point, not `\p{Cs}`.
 */
const UNSTORABLE = /\0|\p{Cs}/u;
const UNSTORABLE_MESSAGE = 'must not contain NUL (\\u0000) or unpaired surrogate characters';
export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);
// a fresh params object per use: zod normalises (rewrites) the one it is given
const text = () => z.string().refine(isStorableText, { message: UNSTORABLE_MESSAGE });
/** Walks with a stack of its own: metadata nested thousands deep must not overflow the call stack. */
const isStorable = (root: unknown): boolean => {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return false;
    } else if (Array.isArray(v)) {
      pending.push(...v);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, value] of Object.entries(v)) {
        if (UNSTORABLE.test(key)) return false;
        pending.push(value);
      }
    }
  }
  return true;
};

/** How deep a JSON value nests (a scalar is 0), without recursion. */
export function jsonDepth(root: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[root, 0]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Array.isArray(v) ? v : Object.values(v)) pending.push([child, depth + 1]);
  }
  return deepest;
}

const optionalText = (max: number) =>
  text()
    .max(max, { message: `must be at most ${max} characters` })
    .nullish()
    .transform((v) => v ?? null);

const maxBytes = (max: number) =>
  text().refine((s) => fitsUtf8(s, max), {
    message: `must be at most ${max / 1024} KiB (UTF-8)`,
  });

const id = z
  .string()
  .regex(UUID, { message: 'must be a UUID' })
  .nullish()
  .transform((v) => (v ? v.toLowerCase() : null));

/**
 * The metadata rules, in order, each only once the previous holds: the depth is checked first
 * (without recursion) because serialising JSON nested a few thousand deep overflows the stack.
 * Says which rule a metadata value (not null) breaks, or null when it breaks none.
 */
export function metadataProblem(v: unknown): string | null {
  if (typeof v !== 'object' || Array.isArray(v)) return 'must be a JSON object';
  if (jsonDepth(v) > LIMITS.metadataDepth) {
    return `must nest at most ${LIMITS.metadataDepth} levels of objects and arrays`;
  }
  if (!fitsUtf8(JSON.stringify(v), LIMITS.metadataBytes)) {
    return `must be at most ${LIMITS.metadataBytes / 1024} KiB when serialised`;
  }
  return isStorable(v) ? null : UNSTORABLE_MESSAGE;
}

const metadata = z
  .unknown()
  .optional()
  .superRefine((v, ctx) => {
    if (v == null) return;
    const problem = metadataProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => (v == null ? null : (v as Record<string, unknown>)));

const timestamp = z.union([z.date(), z.iso.datetime({ offset: true })], {
  message: 'must be an ISO-8601 date-time',
});
/** The instants PostgreSQL's timestamptz and a 4-digit ISO year both hold. */
export const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
export const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

const count = () =>
  z
    .number()
    .int({ message: 'must be an integer' })
    .min(0, { message: 'must be ≥ 0' })
    .max(LIMITS.maxInt, { message: `must be at most ${LIMITS.maxInt}` });

const common = {
  timestamp: timestamp
    .transform((v) => (v instanceof Date ? v : new Date(v)))
    .refine((d) => !Number.isNaN(d.getTime()), { message: 'must be a valid date-time' })
    .refine(
      (d) => Number.isNaN(d.getTime()) || (d.getTime() >= EARLIEST && d.getTime() <= LATEST),
      {
        message: 'must be between 0001-01-01 and 9999-12-31',
      },
    ),
  userIdHash: z.string().regex(USER_ID_HASH, {
    message: 'must be 1–128 characters of [A-Za-z0-9_.:-] (a hash, never an e-mail)',
  }),
  userTier: optionalText(LIMITS.userTier),
  isPaidUser: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  sessionId: optionalText(LIMITS.sessionId).transform((v) => v ?? ''),
  channel: z.enum(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` }),
  phase: z
    .enum(BETA_PHASES, { message: `must be one of ${BETA_PHASES.join(', ')}` })
    .nullish()
    .transform((v) => v ?? null),
  projectId: optionalText(LIMITS.scopeId),
  branchId: optionalText(LIMITS.scopeId),
  contextId: optionalText(LIMITS.scopeId),
  clientVersion: optionalText(LIMITS.clientVersion),
  metadata,
};

const eventName = z.enum(EVENT_NAMES, { message: 'must be one of the 17 catalog events' });

export const eventInputSchema = z.object({
  eventId: id,
  eventName,
  result: optionalText(LIMITS.result).transform((v) => v ?? 'success'),
  durationMs: count()
    .nullish()
    .transform((v) => v ?? null),
  ...common,
});

export const errorInputSchema = z.object({
  errorId: id,
  errorType: text()
    .min(1, { message: 'must not be empty' })
    .max(LIMITS.errorType, { message: `must be at most ${LIMITS.errorType} characters` }),
  errorMessage: maxBytes(LIMITS.errorMessageBytes),
  stackTrace: maxBytes(LIMITS.stackTraceBytes)
    .nullish()
    .transform((v) => v ?? null),
  stackHash: optionalText(LIMITS.stackHash),
  severity: z.enum(SEVERITIES, { message: `must be one of ${SEVERITIES.join(', ')}` }),
  relatedEventName: eventName.nullish().transform((v) => v ?? null),
  ...common,
});

export const traceInputSchema = z.object({
  traceId: id,
  operationName: text()
    .min(1, { message: 'must not be empty' })
    .max(LIMITS.operationName, { message: `must be at most ${LIMITS.operationName} characters` }),
  durationMs: z
    .number()
    .finite({ message: 'must be a finite number' })
    .min(0, { message: 'must be ≥ 0' }),
  success: z.boolean(),
  resultCount: count()
    .nullish()
    .transform((v) => v ?? null),
  ...common,
});

export type EventInput = z.input<typeof eventInputSchema>;
export type ErrorInput = z.input<typeof errorInputSchema>;
export type TraceInput = z.input<typeof traceInputSchema>;
export type ParsedEvent = z.output<typeof eventInputSchema>;
export type ParsedError = z.output<typeof errorInputSchema>;
export type ParsedTrace = z.output<typeof traceInputSchema>;

export const PIPELINES = ['event', 'error', 'trace'] as const;
export type Pipeline = (typeof PIPELINES)[number];

export const inputSchemas = {
  event: eventInputSchema,
  error: errorInputSchema,
  trace: traceInputSchema,
} as const;
export type ParsedItem<P extends Pipeline> = z.output<(typeof inputSchemas)[P]>;

/** docs/api.md#pipelines: `is_paid_user` when given, else true iff the tier is a paid one. */
export function resolveIsPaidUser(isPaidUser: boolean | null, tier: string | null): boolean {
  return isPaidUser ?? isPaidTier(tier);
}

/** docs/api.md#pipelines: phase when given, else `open_beta` from `OPEN_BETA_STARTS_AT` on. */
export function stampPhase(
  given: (typeof BETA_PHASES)[number] | null,
  timestamp: Date,
  openBetaStartsAt: Date,
): (typeof BETA_PHASES)[number] {
  return given ?? (timestamp.getTime() >= openBetaStartsAt.getTime() ? 'open_beta' : 'closed_beta');
}
