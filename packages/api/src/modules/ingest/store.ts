import { LIMITS, PIPELINES, type Pipeline, utf8Bytes } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, runSql, type SqlTransaction } from '../../db/sql.js';
import type { IngestOptions, IngestResult } from './ingest.service.js';
import {
  type InsertAnswer,
  insertErrorsSql,
  insertEventsSql,
  insertFailedItemsSql,
  insertTracesSql,
} from './ingest.sql.js';
import { ROW_ID, ROW_USER_ID_HASH, type Row, scrubRules } from './rows.js';

/*
 * Storing a validated batch (docs/api.md#ingest-rules): each pipeline's good rows in one
 * statement, the refused items in the failed-items store with their reason, all in one
 * transaction when there is more than one statement; then which items were stored and which
 * were duplicates.
 */

/** An item refused by the rules, kept with its reason in the failed-items store. */
export interface Rejection {
  index: number;
  pipeline: Pipeline | 'legacy';
  message: string;
  raw: unknown;
}

const SQL: Record<Pipeline, { name: string; sql: string }> = {
  event: { name: 'insertEvents', sql: insertEventsSql },
  error: { name: 'insertErrors', sql: insertErrorsSql },
  trace: { name: 'insertTraces', sql: insertTracesSql },
};

function failedPayload(raw: unknown): { payload: string; truncated: boolean } {
  let text: string;
  try {
    text = JSON.stringify(raw, (_k, v) => (v instanceof Date ? v.toISOString() : v)) ?? 'null';
  } catch {
    // fuzz fix (harden): JSON nested thousands deep overflows JSON.stringify; keep the reason
    return { payload: '"(not kept: nested too deep to serialise)"', truncated: true };
  }
  if (utf8Bytes(text) <= LIMITS.failedPayloadBytes) return { payload: text, truncated: false };
  const cut = Buffer.from(text, 'utf8').subarray(0, LIMITS.failedPayloadBytes).toString('utf8');
  return { payload: cut.replace(/\uFFFD$/, ''), truncated: true };
}

/**
 * The items of a batch that passed the rules and their rows, per pipeline: `indexes[k]` is the
 * k-th such item's position in the batch, and `items[r]` the k of the r-th row of a pipeline
 * (a v1 item may have an event and a trace). Plain arrays, not an object per item (issue #19).
 */
export interface Batch {
  indexes: number[];
  of: Record<Pipeline, { rows: Row[]; items: number[] }>;
}

/**
 * The keys (user, id) a statement inserted, per user: a key claimed is deleted, so a later twin
 * in the batch counts as a duplicate. Nested maps, not one joined string per row: joining and
 * hashing strings this long was a tenth of ingest's CPU (issue #8).
 */
type InsertedKeys = Map<string, Set<string>>;

function insertedKeys(inserted: InsertAnswer['keys']): InsertedKeys {
  const keys: InsertedKeys = new Map();
  for (const [userIdHash, id] of inserted ?? []) {
    const ids = keys.get(userIdHash);
    if (ids) ids.add(id);
    else keys.set(userIdHash, new Set([id]));
  }
  return keys;
}

const claimInserted = (keys: InsertedKeys, row: Row): boolean =>
  keys.get(row[ROW_USER_ID_HASH] as string)?.delete(row[ROW_ID] as string) ?? false;

export async function store(
  em: EntityManager,
  batch: Batch,
  rejections: Rejection[],
  o: IngestOptions,
): Promise<IngestResult> {
  const receivedAt = o.receivedAt.toISOString();
  const statements: { name: string; sql: string; rows: unknown[]; pipeline: Pipeline | null }[] =
    [];
  for (const pipeline of PIPELINES) {
    const { rows } = batch.of[pipeline];
    if (rows.length > 0) statements.push({ ...SQL[pipeline], rows, pipeline });
  }
  if (rejections.length > 0 && o.keepRejected !== false) {
    const failed = rejections.map((r) => {
      const fired = new Set<string>();
      const { payload, truncated } = failedPayload(o.scrubber.value(r.raw, fired));
      return {
        pipeline: r.pipeline,
        mutation: o.mutation,
        item_index: r.index,
        reason: r.message,
        payload,
        payload_truncated: truncated,
        scrub_rules: scrubRules(fired),
      };
    });
    statements.push({
      name: 'insertFailedItems',
      sql: insertFailedItemsSql,
      rows: failed,
      pipeline: null,
    });
  }
  // which items had a row inserted; a key inserted once is claimed by its first item, so a
  // later twin in the batch is a duplicate
  const stored = new Uint8Array(batch.indexes.length);
  const runAll = async (transaction?: SqlTransaction) => {
    for (const s of statements) {
      // bind parameters: MikroORM would escape the whole JSON into the SQL text, which costs a
      // third of the server's CPU per batch
      const [answer] = await runSql<InsertAnswer>(
        em,
        s.sql,
        { rows: JSON.stringify(s.rows), receivedAt, expected: s.rows.length },
        { name: s.name, bindParameters: true, transaction },
      );
      if (!s.pipeline || !answer) continue;
      const { rows, items } = batch.of[s.pipeline];
      // every row inserted (the usual clean batch): no twins, no duplicates, nothing to match
      if (answer.inserted === rows.length) {
        for (const k of items) stored[k] = 1;
        continue;
      }
      // every key of an item is claimed, not only the first: its twins are duplicates
      const keys = insertedKeys(answer.keys);
      rows.forEach((row, r) => {
        if (claimInserted(keys, row)) stored[items[r]!] = 1;
      });
    }
  };
  // one statement is atomic on its own (the usual clean batch): no BEGIN/COMMIT round trips
  if (statements.length === 1) await runAll();
  else if (statements.length > 1) await inTransaction(em, runAll);
  const storedIndexes = batch.indexes.filter((_, k) => stored[k] === 1);
  const accepted = storedIndexes.length;
  return {
    accepted,
    duplicates: batch.indexes.length - accepted,
    rejected: rejections.length,
    errors: rejections.map((r) => ({ index: r.index, message: r.message })),
    storedIndexes,
  };
}
