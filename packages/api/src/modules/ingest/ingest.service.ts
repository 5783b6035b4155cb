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
} from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, runSql, type SqlTransaction } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import {
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

type Prepared = { pipeline: Pipeline; row: Row };

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
 * Validation sees what the client sent; the row holds it scrubbed.
 */
function prepare(
  pipeline: Pipeline,
  raw: unknown,
  o: IngestOptions,
  fallbackId: () => string,
): { ok: true; prepared: Prepared } | { ok: false; message: string } {
  const parsed = parseItem(pipeline, raw);
  if (!parsed.ok) return parsed;
  const item = parsed.value;
  const skewMs = o.sentAt ? o.receivedAt.getTime() - o.sentAt.getTime() : 0;
  const timestamp = skewMs === 0 ? item.timestamp : new Date(item.timestamp.getTime() + skewMs);
  // a wild `sentAt` can shift a valid timestamp out of what PostgreSQL stores: this item only
  if (!(timestamp.getTime() >= EARLIEST)) {
    return {
      ok: false,
      message: `timestamp: must not be before 0001-01-01 after clock-skew correction (sentAt shifted it by ${skewMs} ms)`,
    };
  }
  if (timestamp.getTime() - o.receivedAt.getTime() > LIMITS.futureToleranceMs) {
    return {
      ok: false,
      message: `timestamp: must not be more than 1 hour in the future (was ${timestamp.toISOString()} after clock-skew correction, received ${o.receivedAt.toISOString()})`,
    };
  }
  FIRED.clear();
  const row = itemRow(pipeline, item, fallbackId, timestamp, o, FIRED);
  return { ok: true, prepared: { pipeline, row } };
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
 * The keys (user, id) a statement inserted, per user: a key claimed is deleted, so a later twin
 * in the batch counts as a duplicate. Nested maps, not one joined string per row: joining and
 * hashing strings this long was a tenth of ingest's CPU (issue #8).
 */
type InsertedKeys = Map<string, Set<string>>;

function noteInserted(keys: InsertedKeys, userIdHash: string, id: string): void {
  const ids = keys.get(userIdHash);
  if (ids) ids.add(id);
  else keys.set(userIdHash, new Set([id]));
}

const claimInserted = (keys: InsertedKeys, row: Row): boolean =>
  keys.get(row[ROW_USER_ID_HASH] as string)?.delete(row[ROW_ID] as string) ?? false;

/** Items are grouped per source index so one legacy item producing two rows counts once. */
async function store(
  em: EntityManager,
  groups: { index: number; items: Prepared[] }[],
  rejections: Rejection[],
  o: IngestOptions,
): Promise<IngestResult> {
  const receivedAt = o.receivedAt.toISOString();
  const rowsOf: Record<Pipeline, Row[]> = { event: [], error: [], trace: [] };
  for (const g of groups) for (const i of g.items) rowsOf[i.pipeline].push(i.row);
  const inserted: Record<Pipeline, InsertedKeys> = {
    event: new Map(),
    error: new Map(),
    trace: new Map(),
  };
  const statements: { name: string; sql: string; rows: unknown[]; pipeline: Pipeline | null }[] =
    [];
  for (const pipeline of PIPELINES) {
    const rows = rowsOf[pipeline];
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
  const runAll = async (transaction?: SqlTransaction) => {
    for (const s of statements) {
      // bind parameters: MikroORM would escape the whole JSON into the SQL text, which costs a
      // third of the server's CPU per batch
      const rows = await runSql<{ id: string; user_id_hash: string }>(
        em,
        s.sql,
        { rows: JSON.stringify(s.rows), receivedAt },
        { name: s.name, bindParameters: true, transaction },
      );
      if (s.pipeline) {
        const keys = inserted[s.pipeline];
        for (const r of rows) noteInserted(keys, r.user_id_hash, r.id);
      }
    }
  };
  // one statement is atomic on its own (the usual clean batch): no BEGIN/COMMIT round trips
  if (statements.length === 1) await runAll();
  else if (statements.length > 1) await inTransaction(em, runAll);
  // a key inserted once is claimed by its first item; a later twin in the batch is a duplicate
  const storedIndexes: number[] = [];
  for (const g of groups) {
    let claimed = false;
    // every key of the group is claimed, not only the first: its twins are duplicates
    for (const i of g.items) if (claimInserted(inserted[i.pipeline], i.row)) claimed = true;
    if (claimed) storedIndexes.push(g.index);
  }
  const accepted = storedIndexes.length;
  return {
    accepted,
    duplicates: groups.length - accepted,
    rejected: rejections.length,
    errors: rejections.map((r) => ({ index: r.index, message: r.message })),
    storedIndexes,
  };
}

/** How one raw item becomes rows: all of them, or a rejection naming the field and rule. */
type ItemOutcome =
  | { ok: true; items: Prepared[] }
  | { ok: false; pipeline: Pipeline | 'legacy'; message: string };

async function ingestBatch(
  em: EntityManager,
  items: readonly unknown[],
  o: IngestOptions,
  toRows: (raw: unknown) => ItemOutcome,
  kept: (raw: unknown) => unknown = (raw) => raw,
): Promise<IngestResult> {
  checkBatchSize(items.length, o.argument);
  const groups: { index: number; items: Prepared[] }[] = [];
  const rejections: Rejection[] = [];
  items.forEach((raw, index) => {
    const outcome = toRows(raw);
    if (outcome.ok) groups.push({ index, items: outcome.items });
    else {
      rejections.push({
        index,
        pipeline: outcome.pipeline,
        message: outcome.message,
        raw: kept(raw),
      });
    }
  });
  return store(em, groups, rejections, o);
}

export function ingestItems(
  em: EntityManager,
  pipeline: Pipeline,
  items: readonly unknown[],
  o: IngestOptions,
): Promise<IngestResult> {
  return ingestBatch(em, items, o, (raw) => {
    const result = prepare(pipeline, raw, o, randomUUID);
    return result.ok
      ? { ok: true, items: [result.prepared] }
      : { ok: false, pipeline, message: result.message };
  });
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
  return ingestBatch(em, items, o, (raw) => {
    const normalised = normaliseLegacy(raw);
    if (!normalised.ok) return { ok: false, pipeline: 'legacy', message: normalised.reason };
    const prepared: Prepared[] = [];
    for (const produced of normalised.items) {
      const result = prepare(produced.pipeline, produced.input, o, () =>
        legacyId(raw, produced.pipeline),
      );
      if (!result.ok) return { ok: false, pipeline: 'legacy', message: result.message };
      prepared.push(result.prepared);
    }
    return { ok: true, items: prepared };
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
    (item) => {
      const { pipeline, rows } = item as MappedItem;
      if (!Array.isArray(rows)) return { ok: false, pipeline, message: rows.reason };
      const prepared: Prepared[] = [];
      for (const r of rows) {
        const result = prepare(r.pipeline, r.input, o, () => legacyId(r.idSource, r.pipeline));
        if (!result.ok) return { ok: false, pipeline, message: result.message };
        prepared.push(result.prepared);
      }
      return { ok: true, items: prepared };
    },
    (item) => (item as MappedItem).raw,
  );
}
