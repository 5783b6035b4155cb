import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { decodeFailedItemCursor, encodeFailedItemCursor } from '../shared/cursor.js';
import { checkPageSize } from '../shared/pagination.js';
import { checkRange } from '../shared/window.js';
import { listFailedItemsSql } from './failed-items.sql.js';
import type { ReplayResult } from './replay.service.js';

/** The pipelines a rejected item can come from: the three of the catalog, and v1 payloads. */
export const FAILED_ITEM_PIPELINES = ['event', 'error', 'trace', 'legacy'] as const;
export type FailedItemPipeline = (typeof FAILED_ITEM_PIPELINES)[number];

export interface FailedItemRow {
  id: string;
  receivedAt: Date;
  pipeline: FailedItemPipeline;
  mutation: string;
  itemIndex: number;
  reason: string;
  payload: string;
  payloadTruncated: boolean;
  /** When it was last replayed; null when never. */
  replayedAt: Date | null;
  /** Every replay, oldest first (docs/api.md#replaying-failed-items). */
  replays: FailedItemReplay[];
}

export interface FailedItemReplay {
  at: Date;
  result: ReplayResult;
  reason: string | null;
}

/** The history column as stored by replay.sql.ts: `[{ at, result, reason }]`, `at` ISO text. */
function replaysOf(value: unknown): FailedItemReplay[] {
  const list = (typeof value === 'string' ? JSON.parse(value) : value) as {
    at: string;
    result: ReplayResult;
    reason: string | null;
  }[];
  return list.map((r) => ({ at: new Date(r.at), result: r.result, reason: r.reason }));
}

export interface FailedItemFilter {
  first: number;
  after: string | null;
  pipeline: FailedItemPipeline | null;
  from: Date | null;
  to: Date | null;
}

/** Cursor text keeps microseconds, so the keyset condition compares what the sort compares. */

/**
 * Keyset pagination on (received_at, id) descending, stable while new failures arrive; the same
 * page-size rule and versioned, checked cursor as the analyst lists (analytics/arguments.ts).
 */
export async function listFailedItems(em: EntityManager, f: FailedItemFilter) {
  checkPageSize(f.first);
  checkRange(f.from, f.to);
  const key = f.after ? decodeFailedItemCursor(f.after) : null;
  const rows = await runSql<Record<string, unknown>>(
    em,
    listFailedItemsSql,
    {
      pipeline: f.pipeline,
      from: f.from?.toISOString() ?? null,
      to: f.to?.toISOString() ?? null,
      afterReceivedAt: key?.receivedAt ?? null,
      afterId: key?.id ?? null,
      limit: f.first + 1,
    },
    { name: 'listFailedItems', read: true },
  );
  const page = rows.slice(0, f.first);
  const last = page.at(-1);
  return {
    nodes: page.map(
      (r): FailedItemRow => ({
        id: String(r.id),
        receivedAt: new Date(String(r.received_at)),
        pipeline: r.pipeline as FailedItemPipeline,
        mutation: String(r.mutation),
        itemIndex: Number(r.item_index),
        reason: String(r.reason),
        payload: String(r.payload),
        payloadTruncated: Boolean(r.payload_truncated),
        replayedAt: r.replayed_at ? new Date(String(r.replayed_at)) : null,
        replays: replaysOf(r.replays ?? []),
      }),
    ),
    pageInfo: {
      endCursor: last
        ? encodeFailedItemCursor({ receivedAt: String(last.sort_received_at), id: String(last.id) })
        : null,
      hasNextPage: rows.length > f.first,
    },
  };
}
