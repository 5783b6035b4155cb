import { type EventName, PIPELINES, type Pipeline } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import { checkNonEmptyList } from '../analytics/arguments.js';
import { filterConditions } from '../analytics/filters.sql.js';
import {
  type Connection,
  type TelemetryErrorRow,
  type TelemetryEventRow,
  type TelemetryTraceRow,
  toRow,
} from '../analytics/lists.service.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { checkPageSize } from '../shared/pagination.js';
import {
  afterKeyCondition,
  getLiveFeedSql,
  type LiveFeedDbRow,
  PIPELINE_RANK,
} from './get-live-feed.sql.js';

/** A live page is what a person reads at a glance; a poll every few seconds stays cheap. */
export const MAX_LIVE_PAGE_SIZE = 200;

export type LiveItem = TelemetryEventRow | TelemetryErrorRow | TelemetryTraceRow;

export interface LiveFeedArgs {
  first: number;
  after: string | null;
  /** Only rows received at or after this instant. */
  since: Date | null;
  userIdHash: string | null;
  sessionId: string | null;
  /** Only events of these names; errors and traces are then left out. */
  eventNames: readonly EventName[] | null;
  /** Only these pipelines; null is all three. */
  pipelines: readonly Pipeline[] | null;
}

/** The feed's sort key; receive and event times microsecond-precise. */
interface LiveKey {
  received: string;
  timestamp: string;
  rank: number;
  id: string;
  userIdHash: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RANKS = new Set(Object.values(PIPELINE_RANK));

const isInstant = (v: unknown): v is string =>
  typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v));

const encodeLiveCursor = (k: LiveKey) =>
  encodeCursor(['l1', k.received, k.timestamp, k.rank, k.id, k.userIdHash]);

function decodeLiveCursor(after: string): LiveKey {
  const [version, received, timestamp, rank, id, userIdHash, ...rest] = decodeCursor(after);
  if (
    version === 'l1' &&
    rest.length === 0 &&
    isInstant(received) &&
    isInstant(timestamp) &&
    typeof rank === 'number' &&
    RANKS.has(rank) &&
    typeof id === 'string' &&
    UUID.test(id) &&
    typeof userIdHash === 'string'
  ) {
    return { received, timestamp, rank, id, userIdHash };
  }
  throw badInput('after: not a cursor returned by this API', 'after');
}

/** The analyst filters the feed does not take (its time bound is on `received_at`). */
const NO_FILTER = {
  from: null,
  to: null,
  userIdHash: null,
  sessionId: null,
  channel: null,
  phase: null,
};

function checkArgs(args: LiveFeedArgs): void {
  checkPageSize(args.first, 'first', MAX_LIVE_PAGE_SIZE);
  checkNonEmptyList(args.eventNames, 'eventName');
  checkNonEmptyList(args.pipelines, 'pipeline');
}

/**
 * One page of the live feed, newest received first across the pipelines asked for; fetches one
 * row more than asked to learn whether another follows.
 */
export async function getLiveFeed(
  em: EntityManager,
  args: LiveFeedArgs,
): Promise<Connection<LiveItem>> {
  checkArgs(args);
  const { conditions: shared, values } = filterConditions({
    ...NO_FILTER,
    userIdHash: args.userIdHash,
    sessionId: args.sessionId,
  });
  if (args.since) {
    shared.push('received_at >= :since::timestamptz');
    values.since = args.since.toISOString();
  }
  const key = args.after ? decodeLiveCursor(args.after) : null;
  if (key) {
    Object.assign(values, {
      afterReceived: key.received,
      afterTimestamp: key.timestamp,
      afterId: key.id,
      afterUser: key.userIdHash,
    });
  }
  const names = filterConditions({ ...NO_FILTER, eventNames: args.eventNames });
  Object.assign(values, names.values);
  // an event-name filter selects events: errors and traces have no event name of their own
  const pipelines = (args.pipelines ?? PIPELINES).filter((p) => !args.eventNames || p === 'event');
  if (pipelines.length === 0)
    return { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } };

  const branches = PIPELINES.filter((p) => pipelines.includes(p)).map((pipeline) => ({
    pipeline,
    conditions: [
      ...shared,
      ...(pipeline === 'event' ? names.conditions : []),
      ...(key ? [afterKeyCondition(PIPELINE_RANK[pipeline], key.rank)] : []),
    ],
  }));
  const rows = await runSql<LiveFeedDbRow>(
    em,
    getLiveFeedSql(branches),
    { ...values, limit: args.first + 1 },
    { name: 'getLiveFeed', read: true },
  );
  const page = rows.slice(0, args.first);
  const last = page.at(-1);
  return {
    nodes: page.map((r) => toRow[r.pipeline](r) as LiveItem),
    pageInfo: {
      endCursor: last
        ? encodeLiveCursor({
            received: last.sort_received,
            timestamp: last.sort_timestamp,
            rank: Number(last.rank),
            id: String(last.id),
            userIdHash: String(last.user_id_hash),
          })
        : null,
      hasNextPage: rows.length > args.first,
    },
  };
}
