import { badInput } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../common.schema.js';

/** Argument rules shared by the analyst queries; each error names the argument and the rule. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_WINDOW_DAYS = 30;
/** Aggregates scan every row of the window, so its length is capped (a leap year fits). */
export const MAX_WINDOW_DAYS = 366;
const DAY_MS = 86_400_000;

export function checkPageSize(first: number, argument = 'first'): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`${argument}: must be between 1 and ${MAX_PAGE_SIZE} (got ${first})`, argument);
  }
}

export function checkRange(from: Date | null, to: Date | null): void {
  if (from && to && from.getTime() >= to.getTime()) {
    throw badInput(
      `from: must be before to (got from ${from.toISOString()}, to ${to.toISOString()})`,
      'from',
    );
  }
}

/**
 * The window of an aggregate, `[from, to)`: `to` defaults to now, `from` to 30 days before `to`,
 * so the default is the last 30 days and "since X" reads up to now.
 */
export function aggregateWindow(
  from: Date | null,
  to: Date | null,
  now: Date,
): { from: Date; to: Date } {
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (!to && start.getTime() >= end.getTime()) {
    throw badInput(
      `from: must be before now when to is omitted (got from ${start.toISOString()})`,
      'from',
    );
  }
  checkRange(start, end);
  const days = (end.getTime() - start.getTime()) / DAY_MS;
  if (days > MAX_WINDOW_DAYS) {
    throw badInput(
      `from: the window from..to may span at most ${MAX_WINDOW_DAYS} days (got ${Number(days.toFixed(2))})`,
      'from',
    );
  }
  return { from: start, to: end };
}

/** The sort key of a list row: (timestamp, id), then the user since ids are unique per user. */
export interface ListKey {
  /** Microsecond-precise ISO text, so rows a fraction of a millisecond apart keep their order. */
  timestamp: string;
  id: string;
  userIdHash: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeListCursor = (key: ListKey) =>
  encodeCursor(['k1', key.timestamp, key.id, key.userIdHash]);

export function decodeListCursor(after: string): ListKey {
  const [version, timestamp, id, userIdHash, ...rest] = decodeCursor(after);
  if (
    version === 'k1' &&
    rest.length === 0 &&
    typeof timestamp === 'string' &&
    ISO_INSTANT.test(timestamp) &&
    !Number.isNaN(Date.parse(timestamp)) &&
    typeof id === 'string' &&
    UUID.test(id) &&
    typeof userIdHash === 'string'
  ) {
    return { timestamp, id, userIdHash };
  }
  throw badInput('after: not a cursor returned by this API', 'after');
}

/** The sort key of a failed item: when it was received (microseconds), then its store id. */
export interface FailedItemKey {
  receivedAt: string;
  id: string;
}

const STORE_ID = /^\d{1,19}$/;

export const encodeFailedItemCursor = (key: FailedItemKey) =>
  encodeCursor(['f1', key.receivedAt, key.id]);

export function decodeFailedItemCursor(after: string): FailedItemKey {
  const [version, receivedAt, id, ...rest] = decodeCursor(after);
  if (
    version === 'f1' &&
    rest.length === 0 &&
    typeof receivedAt === 'string' &&
    ISO_INSTANT.test(receivedAt) &&
    !Number.isNaN(Date.parse(receivedAt)) &&
    typeof id === 'string' &&
    STORE_ID.test(id)
  ) {
    return { receivedAt, id };
  }
  throw badInput('after: not a cursor returned by this API', 'after');
}

/** A list filter given as `[]` would silently match nothing; say so instead. */
export function checkNonEmptyList<T>(values: readonly T[] | null, argument: string): void {
  if (values && values.length === 0) {
    throw badInput(`${argument}: must list at least one value when given`, argument);
  }
}
