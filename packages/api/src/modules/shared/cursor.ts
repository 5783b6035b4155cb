import { badInput } from '../../errors.js';

/**
 * Opaque keyset cursors: base64url of the sort key, never an offset (stable under inserts).
 * The one codec of the API; each list checks the shape of its own key.
 */
export const encodeCursor = (parts: (string | number)[]) =>
  Buffer.from(JSON.stringify(parts)).toString('base64url');

const NOT_A_CURSOR = 'after: not a cursor returned by this API';

export function decodeCursor(cursor: string, argument = 'after'): (string | number)[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts)) return parts as (string | number)[];
  } catch {
    // fall through to the error below
  }
  // BAD_USER_INPUT with its HTTP 400, like a key of the wrong shape below (issue #17)
  throw badInput(`${argument}: not a cursor returned by this API`, argument);
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
const isInstant = (v: unknown): v is string =>
  typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v));

export const encodeListCursor = (key: ListKey) =>
  encodeCursor(['k1', key.timestamp, key.id, key.userIdHash]);

export function decodeListCursor(after: string): ListKey {
  const [version, timestamp, id, userIdHash, ...rest] = decodeCursor(after);
  if (
    version === 'k1' &&
    rest.length === 0 &&
    isInstant(timestamp) &&
    typeof id === 'string' &&
    UUID.test(id) &&
    typeof userIdHash === 'string'
  ) {
    return { timestamp, id, userIdHash };
  }
  throw badInput(NOT_A_CURSOR, 'after');
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
    isInstant(receivedAt) &&
    typeof id === 'string' &&
    STORE_ID.test(id)
  ) {
    return { receivedAt, id };
  }
  throw badInput(NOT_A_CURSOR, 'after');
}
