import { createHash, randomUUID } from 'node:crypto';
import {
  EARLIEST,
  LIMITS,
  normaliseLegacy,
  PIPELINES,
  type Pipeline,
  parseItem,
  type Scrubber,
  utf8Bytes,
  validItem,
} from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, runSql, type SqlTransaction } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import {
  type InsertAnswer,
  insertErrorsSql,
  insertEventsSql,
  insertFailedItemsSql,
  insertTracesSql,
} from './ingest.sql.js';
import { itemRow, ROW_ID, ROW_USER_ID_HASH, type Row, scrubRules } from './rows.js';

/**
 * Ingest (docs/api.md#ingest-rules): validate each item on its own, correct clock skew, stamp phase, then store
 * the batch in one transaction: the good rows set-based, the bad ones in the failed-items store
 * with their reason. A bad item never costs its neighbours; nothing is dropped silently.
 */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: { index: number; message: string }[];
  /** The indexes of the items stored (not the duplicates), for callers that answer per item. */
  storedIndexes?: number[];
}

export interface IngestOptions {
  receivedAt: Date;
  sentAt: Date | null;
  openBetaStartsAt: Date;
  /** The mutation's name, kept with failed items so they can be replayed through it. */
  mutation: string;
  /** The argument holding the list, for error messages (`events`, `errors`, …). */
  argument: string;
  /** Removes secrets and personal data before anything is stored (docs/privacy.md). */
  scrubber: Scrubber;
  /**
   * False when the items already are failed items (a replay, modules/admin/replay.service.ts):
   * a refusal is then answered, not filed in the store a second time.
   */
  keepRejected?: boolean;
}

/** Why an item was refused: the field and the rule it broke. */
interface Refused {
  message: string;
}

const isRefused = (prepared: Row | Refused): prepared is Refused => !Array.isArray(prepared);

interface Rejection {
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

/**
 * The rules that fired on the item being prepared: one set for every item, emptied before each
 * (the row copies what it needs), instead of a set per item for the collector (issue #19).
 * Preparing is synchronous, so no two items share it at once.
 */
const FIRED = new Set<string>();

/**
 * Validates one item and builds its row (rows.ts), or says which field broke which rule.
 * Validation sees what the client sent; the row holds it scrubbed. No wrapper per item: a
 * 500-item batch's result objects were garbage the collector had to sweep (issue #19).
 */
function prepare(
  pipeline: Pipeline,
  raw: unknown,
  o: IngestOptions,
  fallbackId: () => string,
): Row | Refused {
  let item = validItem(pipeline, raw);
  if (item === null) {
    // only a refused item pays for zod, which words the message (or, rarely, accepts it)
    const parsed = parseItem(pipeline, raw);
    if (!parsed.ok) return parsed;
    item = parsed.value;
  }
  const skewMs = o.sentAt ? o.receivedAt.getTime() - o.sentAt.getTime() : 0;
  const timestamp = skewMs === 0 ? item.timestamp : new Date(item.timestamp.getTime() + skewMs);
  // a wild `sentAt` can shift a valid timestamp out of what PostgreSQL stores: this item only
  if (!(timestamp.getTime() >= EARLIEST)) {
    return {
      message: `timestamp: must not be before 0001-01-01 after clock-skew correction (sentAt shifted it by ${skewMs} ms)`,
    };
  }
  if (timestamp.getTime() - o.receivedAt.getTime() > LIMITS.futureToleranceMs) {
    return {
      message: `timestamp: must not be more than 1 hour in the future (was ${timestamp.toISOString()} after clock-skew correction, received ${o.receivedAt.toISOString()})`,
    };
  }
  // clear() allocates a new table even for an empty set: most items fire no rule
  if (FIRED.size > 0) FIRED.clear();
  return itemRow(pipeline, item, fallbackId, timestamp, o, FIRED);
}

function checkBatchSize(count: number, argument: string): void {
  if (count > LIMITS.batchItems) {
    throw badInput(
      `${argument}: a batch carries at most ${LIMITS.batchItems} items (got ${count}); split it`,
      argument,
    );
  }
}

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
interface Batch {
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

async function store(
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

/**
 * How one raw item becomes rows: `add` is called for each of its rows once all of them passed
 * (an item is stored whole or not at all), or the answer is a refusal naming the field and rule.
 */
type ItemRows = (
  raw: unknown,
  add: (pipeline: Pipeline, row: Row) => void,
) => { pipeline: Pipeline | 'legacy'; message: string } | null;

async function ingestBatch(
  em: EntityManager,
  items: readonly unknown[],
  o: IngestOptions,
  toRows: ItemRows,
  kept: (raw: unknown) => unknown = (raw) => raw,
): Promise<IngestResult> {
  checkBatchSize(items.length, o.argument);
  const batch: Batch = {
    indexes: [],
    of: {
      event: { rows: [], items: [] },
      error: { rows: [], items: [] },
      trace: { rows: [], items: [] },
    },
  };
  const add = (pipeline: Pipeline, row: Row) => {
    const of = batch.of[pipeline];
    of.rows.push(row);
    of.items.push(batch.indexes.length);
  };
  const rejections: Rejection[] = [];
  items.forEach((raw, index) => {
    const refusal = toRows(raw, add);
    if (refusal === null) batch.indexes.push(index);
    else rejections.push({ index, ...refusal, raw: kept(raw) });
  });
  return store(em, batch, rejections, o);
}

export function ingestItems(
  em: EntityManager,
  pipeline: Pipeline,
  items: readonly unknown[],
  o: IngestOptions,
): Promise<IngestResult> {
  return ingestBatch(em, items, o, (raw, add) => {
    const row = prepare(pipeline, raw, o, randomUUID);
    if (isRefused(row)) return { pipeline, message: row.message };
    add(pipeline, row);
    return null;
  });
}

/**
 * Every row of an item that maps to several (a v1 item, an OTLP span), or the first refusal:
 * such an item is stored whole or not at all.
 */
function allRows(
  rows: readonly { pipeline: Pipeline; input: unknown }[],
  o: IngestOptions,
  idOf: (index: number) => () => string,
): { pipeline: Pipeline; row: Row }[] | Refused {
  const prepared: { pipeline: Pipeline; row: Row }[] = [];
  for (const [index, r] of rows.entries()) {
    const row = prepare(r.pipeline, r.input, o, idOf(index));
    if (isRefused(row)) return row;
    prepared.push({ pipeline: r.pipeline, row });
  }
  return prepared;
}

/**
 * Legacy v1 items carry no id, so a retry of the same payload would be stored twice. Their id
 * is derived from the payload itself (and the pipeline), which makes legacy ingest idempotent.
 */
export function legacyId(raw: unknown, pipeline: Pipeline): string {
  const hex = createHash('sha256').update(pipeline).update(JSON.stringify(raw)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A v1 item is stored whole or not at all: every row it maps to must pass the v2 rules. */
export function ingestLegacy(
  em: EntityManager,
  items: readonly unknown[],
  o: IngestOptions,
): Promise<IngestResult> {
  return ingestBatch(em, items, o, (raw, add) => {
    const normalised = normaliseLegacy(raw);
    if (!normalised.ok) return { pipeline: 'legacy', message: normalised.reason };
    const produced = normalised.items;
    const prepared = allRows(produced, o, (i) => () => legacyId(raw, produced[i]!.pipeline));
    if (isRefused(prepared)) return { pipeline: 'legacy', message: prepared.message };
    for (const p of prepared) add(p.pipeline, p.row);
    return null;
  });
}

/**
 * Items another protocol has already mapped to rows (OTLP spans, modules/otlp): each is stored
 * whole or not at all, like a v1 item, its rows through the same rules, scrubbing and
 * idempotency. A row's id is derived from its `idSource` as a v1 item's is from its payload, so
 * the same source sent again is a duplicate. A refusal is filed under the item's `pipeline` with
 * its `raw` form.
 */
export interface MappedItem {
  pipeline: Pipeline;
  raw: unknown;
  rows: { pipeline: Pipeline; input: unknown; idSource: unknown }[] | { reason: string };
}

export function ingestMapped(
  em: EntityManager,
  items: readonly MappedItem[],
  o: IngestOptions,
): Promise<IngestResult> {
  return ingestBatch(
    em,
    items,
    o,
    (item, add) => {
      const { pipeline, rows } = item as MappedItem;
      if (!Array.isArray(rows)) return { pipeline, message: rows.reason };
      const prepared = allRows(
        rows,
        o,
        (i) => () => legacyId(rows[i]!.idSource, rows[i]!.pipeline),
      );
      if (isRefused(prepared)) return { pipeline, message: prepared.message };
      for (const p of prepared) add(p.pipeline, p.row);
      return null;
    },
    (item) => (item as MappedItem).raw,
  );
}
