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
import type { CommonColumn } from './columns.js';

/**
 * The row ingest stores for one valid item, as a `json_to_recordset` record (ingest.sql.ts).
 * A null column is left `undefined`, which JSON.stringify omits and json_to_recordset reads as
 * null again: the parameter is a third shorter for the usual item, which has no scope ids,
 * metadata or scrubbed text (issue #8).
 */
export type Row = Record<string, unknown>;
type ParsedItem = ParsedEvent | ParsedError | ParsedTrace;

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

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `toISOString` for the years 0001–9999 an item's timestamp is held to (inputs.ts), in
 * less than half its time: it was the costliest call of building a row (issue #8).
 */
export function isoTimestamp(date: Date): string {
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

function commonRow(
  item: ParsedItem,
  id: string,
  timestamp: Date,
  o: RowOptions,
  fired: Set<string>,
): Row {
  const row: Record<CommonColumn, unknown> = {
    id,
    timestamp: isoTimestamp(timestamp),
    user_id_hash: item.userIdHash,
    user_tier: item.userTier ?? undefined,
    is_paid_user: resolveIsPaidUser(item.isPaidUser, item.userTier),
    session_id: item.sessionId,
    channel: item.channel,
    phase: stampPhase(item.phase, timestamp, o.openBetaStartsAt),
    project_id: item.projectId ?? undefined,
    branch_id: item.branchId ?? undefined,
    context_id: item.contextId ?? undefined,
    client_version: item.clientVersion ?? undefined,
    metadata: item.metadata === null ? undefined : o.scrubber.value(item.metadata, fired),
    // filled in by itemRow() once every scrubbed field of the item has been seen
    scrub_rules: undefined,
  };
  return row;
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
 * home directories groups together.
 */
export function itemRow(
  pipeline: Pipeline,
  item: ParsedItem,
  fallbackId: () => string,
  timestamp: Date,
  o: RowOptions,
  fired: Set<string>,
): Row {
  const row = commonRow(item, itemId(pipeline, item) ?? fallbackId(), timestamp, o, fired);
  if (pipeline === 'event') {
    const e = item as ParsedEvent;
    row.event_name = e.eventName;
    row.result = e.result;
    row.duration_ms = e.durationMs ?? undefined;
  } else if (pipeline === 'error') {
    const e = item as ParsedError;
    const errorType = o.scrubber.text(e.errorType, fired);
    const stackTrace = e.stackTrace === null ? null : o.scrubber.text(e.stackTrace, fired);
    row.error_type = errorType;
    row.error_message = o.scrubber.text(e.errorMessage, fired);
    row.stack_trace = stackTrace ?? undefined;
    row.stack_hash = e.stackHash ?? computeStackHash(errorType, stackTrace);
    row.severity = e.severity;
    row.related_event_name = e.relatedEventName ?? undefined;
  } else {
    const t = item as ParsedTrace;
    row.operation_name = t.operationName;
    row.duration_ms = t.durationMs;
    row.success = t.success;
    row.result_count = t.resultCount ?? undefined;
  }
  row.scrub_rules = scrubRules(fired) ?? undefined;
  return row;
}
