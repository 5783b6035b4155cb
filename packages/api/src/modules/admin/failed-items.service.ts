import type { EntityManager } from '@mikro-orm/postgresql';
import { readQuery } from '../../query-timeout.js';
import {
  checkPageSize,
  checkRange,
  decodeFailedItemCursor,
  encodeFailedItemCursor,
} from '../analytics/arguments.js';
import { isoMillis } from '../analytics/filters.sql.js';

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
}

export interface FailedItemFilter {
  first: number;
  after: string | null;
  pipeline: FailedItemPipeline | null;
  from: Date | null;
  to: Date | null;
}

/** Cursor text keeps microseconds, so the keyset condition compares what the sort compares. */
const SORT_RECEIVED_AT = `to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Keyset pagination on (received_at, id) descending, stable while new failures arrive; the same
 * page-size rule and versioned, checked cursor as the analyst lists (analytics/arguments.ts).
 */
export async function listFailedItems(em: EntityManager, f: FailedItemFilter) {
  checkPageSize(f.first);
  checkRange(f.from, f.to);
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.pipeline) {
    where.push('pipeline = ?');
    params.push(f.pipeline);
  }
  if (f.from) {
    where.push('received_at >= ?');
    params.push(f.from.toISOString());
  }
  if (f.to) {
    where.push('received_at < ?');
    params.push(f.to.toISOString());
  }
  if (f.after) {
    const key = decodeFailedItemCursor(f.after);
    where.push('(received_at, id) < (?::timestamptz, ?::bigint)');
    params.push(key.receivedAt, key.id);
  }
  // ORDER BY qualifies the columns: the bare names would sort by the text aliases selected here
  const rows = await readQuery<Record<string, unknown>[]>(
    em,
    `select id::text as id, ${isoMillis('received_at')} as received_at,
       ${SORT_RECEIVED_AT} as sort_received_at, pipeline, mutation, item_index, reason, payload,
       payload_truncated
     from telemetry_failed_items ${where.length ? `where ${where.join(' and ')}` : ''}
     order by telemetry_failed_items.received_at desc, telemetry_failed_items.id desc limit ?`,
    [...params, f.first + 1],
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
