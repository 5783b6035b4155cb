import { createHash, randomUUID } from 'node:crypto';
import {
  EARLIEST,
  LIMITS,
  normaliseLegacy,
  type Pipeline,
  parseItem,
  type Scrubber,
  validItem,
} from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../errors.js';
import { itemRow, type Row } from './rows.js';
import { type Batch, type Rejection, store } from './store.js';

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
