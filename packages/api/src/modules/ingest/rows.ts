import { createHash } from 'node:crypto';
import {
  type ParsedError,
  type ParsedEvent,
  type ParsedTrace,
  type Pipeline,
  resolveIsPaidUser,
  type Scrubber,
  stackFingerprint,
  stampPhase,
} from '@cortex-telemetry/events';
import { CanonicalInstant } from '../shared/instant.js';

/**
 * The row ingest stores for one valid item: its values by position, the common columns of
 * columns.ts and then its pipeline's, in list order, read back by position (ingest.sql.ts). A
 * null column is `null`. No keys: repeated 500 times a batch they were a quarter of the
 * parameter's bytes (issue #19).
 */
export type Row = unknown[];
type ParsedItem = ParsedEvent | ParsedError | ParsedTrace;

/** Where a row holds its key `(user_id_hash, id)` (COMMON_COLUMNS order). */
export const ROW_ID = 0;
export const ROW_USER_ID_HASH = 2;

export interface RowOptions {
  openBetaStartsAt: Date;
  /** Removes secrets and personal data before anything is stored (docs/privacy.md). */
  scrubber: Scrubber;
}

export function computeStackHash(errorType: string, stackTrace: string | null): string {
  return createHash('sha256')
    .update(stackFingerprint(errorType, stackTrace))
    .digest('hex')
    .slice(0, 32);
}

/** The rules that fired on an item, as its `scrub_rules` value. */
export const scrubRules = (fired: Set<string>) => (fired.size === 0 ? null : [...fired].sort());

/**
 * The same as a PostgreSQL array literal (`{"email","ip"}`), the form a positional row carries:
 * every element quoted, so a custom rule named `null` stays a name.
 */
export function scrubRulesLiteral(fired: Set<string>): string | null {
  const rules = scrubRules(fired);
  if (rules === null) return null;
  return `{${rules.map((r) => `"${r.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `toISOString` for the years 0001–9999 an item's timestamp is held to (inputs.ts), in
 * less than half its time: it was the costliest call of building a row (issue #8). An instant
 * GraphQL read from that very text (shared/instant.ts) answers it as it came.
 */
export function isoTimestamp(date: Date): string {
  if (date instanceof CanonicalInstant) return date.text;
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/** The id the client gave the item (its idempotency key), if any. */
function itemId(pipeline: Pipeline, item: ParsedItem): string | null {
  if (pipeline === 'event') return (item as ParsedEvent).eventId;
  if (pipeline === 'error') return (item as ParsedError).errorId;
  return (item as ParsedTrace).traceId;
}

/**
 * The row of a valid item whose timestamp is already skew-corrected. It holds the item
 * scrubbed, and the stack hash is computed from the scrubbed trace so the same bug from two
 * home directories groups together. `fired` must come empty; the rules that fired are left in it.
 * Built as one array literal per pipeline, in the order of columns.ts (rows.test.ts holds the
 * positions to the column lists).
 */
export function itemRow(
  pipeline: Pipeline,
  item: ParsedItem,
  fallbackId: () => string,
  timestamp: Date,
  o: RowOptions,
  fired: Set<string>,
): Row {
  const id = itemId(pipeline, item) ?? fallbackId();
  const ts = isoTimestamp(timestamp);
  const isPaidUser = resolveIsPaidUser(item.isPaidUser, item.userTier);
  const phase = stampPhase(item.phase, timestamp, o.openBetaStartsAt);
  const metadata = item.metadata === null ? null : o.scrubber.value(item.metadata, fired);
  if (pipeline === 'event') {
    const e = item as ParsedEvent;
    return [
      id,
      ts,
      e.userIdHash,
      e.userTier,
      isPaidUser,
      e.sessionId,
      e.channel,
      phase,
      e.projectId,
      e.branchId,
      e.contextId,
      e.clientVersion,
      metadata,
      scrubRulesLiteral(fired),
      e.eventName,
      e.result,
      e.durationMs,
    ];
  }
  if (pipeline === 'error') {
    const e = item as ParsedError;
    const errorType = o.scrubber.text(e.errorType, fired);
    const errorMessage = o.scrubber.text(e.errorMessage, fired);
    const stackTrace = e.stackTrace === null ? null : o.scrubber.text(e.stackTrace, fired);
    return [
      id,
      ts,
      e.userIdHash,
      e.userTier,
      isPaidUser,
      e.sessionId,
      e.channel,
      phase,
      e.projectId,
      e.branchId,
      e.contextId,
      e.clientVersion,
      metadata,
      scrubRulesLiteral(fired),
      errorType,
      errorMessage,
      stackTrace,
      e.stackHash ?? computeStackHash(errorType, stackTrace),
      e.severity,
      e.relatedEventName,
    ];
  }
  const t = item as ParsedTrace;
  return [
    id,
    ts,
    t.userIdHash,
    t.userTier,
    isPaidUser,
    t.sessionId,
    t.channel,
    phase,
    t.projectId,
    t.branchId,
    t.contextId,
    t.clientVersion,
    metadata,
    scrubRulesLiteral(fired),
    t.operationName,
    t.durationMs,
    t.success,
    t.resultCount,
  ];
}
