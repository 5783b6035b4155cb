import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../common.schema.js';

export interface FailedItemRow {
  id: string;
  receivedAt: Date;
  pipeline: string;
  mutation: string;
  itemIndex: number;
  reason: string;
  payload: string;
  payloadTruncated: boolean;
}

export interface FailedItemFilter {
  first: number;
  after: string | null;
  pipeline: string | null;
  from: Date | null;
  to: Date | null;
}

/** Keyset pagination on (received_at, id) descending: stable while new failures arrive. */
export async function listFailedItems(em: EntityManager, f: FailedItemFilter) {
  if (f.first < 1 || f.first > 500) throw badInput('first: must be between 1 and 500', 'first');
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
    const [receivedAt, id] = decodeCursor(f.after);
    where.push('(received_at, id) < (?::timestamptz, ?::bigint)');
    params.push(receivedAt, id);
  }
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(
    `select id::text as id, received_at, pipeline, mutation, item_index, reason, payload, payload_truncated
     from telemetry_failed_items ${where.length ? `where ${where.join(' and ')}` : ''}
     order by received_at desc, telemetry_failed_items.id desc limit ?`,
    [...params, f.first + 1],
  );
  const nodes: FailedItemRow[] = rows.slice(0, f.first).map((r) => ({
    id: String(r.id),
    // raw rows carry timestamps as text (MikroORM keeps pg from parsing them)
    receivedAt: new Date(String(r.received_at)),
    pipeline: String(r.pipeline),
    mutation: String(r.mutation),
    itemIndex: Number(r.item_index),
    reason: String(r.reason),
    payload: String(r.payload),
    payloadTruncated: Boolean(r.payload_truncated),
  }));
  const last = nodes.at(-1);
  return {
    nodes,
    pageInfo: {
      endCursor: last ? encodeCursor([last.receivedAt.toISOString(), last.id]) : null,
      hasNextPage: rows.length > f.first,
    },
  };
}
