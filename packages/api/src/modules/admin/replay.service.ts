import { LIMITS, type Pipeline } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import {
  type IngestOptions,
  type IngestResult,
  ingestItems,
  ingestLegacy,
  ingestMapped,
  legacyId,
  type MappedItem,
} from '../ingest/ingest.service.js';
import { OTLP_TRACES } from '../otlp/otlp.service.js';
import { OtlpDecodeError } from '../otlp/otlp-codec.js';
import { mapRequest } from '../otlp/otlp-map.js';
import { checkRange } from '../shared/window.js';
import type { FailedItemPipeline } from './failed-items.service.js';
import {
  getFailedItemsByFilterSql,
  getFailedItemsByIdSql,
  type ReplayCandidateRow,
  recordReplaysSql,
} from './replay.sql.js';

/**
 * Failed-item replay (docs/api.md#replaying-failed-items): each item is sent again, with today's
 * rules, through the ingest path of the pipeline it was refused by; what passes is stored under
 * the idempotency key it would have had, so a second replay finds duplicates; what fails again
 * keeps its new reason. Every replay is appended to the item's history.
 */
export const REPLAY_RESULTS = ['accepted', 'duplicate', 'failed'] as const;
export type ReplayResult = (typeof REPLAY_RESULTS)[number];

export interface ReplayFilter {
  pipeline: FailedItemPipeline | null;
  from: Date | null;
  to: Date | null;
}

export interface ReplayedItem {
  id: string;
  result: ReplayResult;
  /** Why it failed again; null when it was stored or already was. */
  reason: string | null;
}

export interface ReplayAnswer {
  accepted: number;
  duplicates: number;
  stillFailing: number;
  items: ReplayedItem[];
}

export type ReplayOptions = Pick<IngestOptions, 'receivedAt' | 'openBetaStartsAt' | 'scrubber'>;

/** One replay answers per item, so it takes what one ingest batch takes. */
export const MAX_REPLAY_ITEMS = LIMITS.batchItems;

const ID_FIELD: Record<Pipeline, string> = { event: 'eventId', error: 'errorId', trace: 'traceId' };
const STORE_ID = /^[1-9][0-9]{0,17}$/;

/**
 * The idempotency key of an item that was sent without one: derived from its store id as a v1
 * item's is from its payload, so the item replayed twice is one row (a fresh random id each time
 * would store it twice).
 */
const replayKey = (failedItemId: string, pipeline: Pipeline) =>
  legacyId({ failedItem: failedItemId }, pipeline);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

function decodePayload(row: ReplayCandidateRow): Decoded {
  if (row.payload_truncated) {
    return {
      ok: false,
      reason: `payload: was cut at ${LIMITS.failedPayloadBytes / 1024} KiB when it was kept, so it cannot be sent again`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(row.payload) };
  } catch {
    return { ok: false, reason: 'payload: is not JSON, so it cannot be sent again' };
  }
}

/** An ingest path and the items bound for it (each with its index in `rows`). */
interface Route {
  at: number[];
  inputs: unknown[];
  run: (em: EntityManager, inputs: unknown[], o: IngestOptions) => Promise<IngestResult>;
  mutation: string;
  argument: string;
}

/** The OTLP form: the one-span request `/v1/traces` kept, decoded and mapped again. */
function otlpItem(value: unknown): MappedItem | { reason: string } {
  if (!isObject(value)) return { reason: 'payload: must be an OTLP ExportTraceServiceRequest' };
  try {
    const mapped = mapRequest(value);
    const [only] = mapped;
    if (mapped.length !== 1 || !only) {
      return { reason: `payload: must hold exactly one span (holds ${mapped.length})` };
    }
    return only;
  } catch (error) {
    if (error instanceof OtlpDecodeError) return { reason: error.message };
    throw error;
  }
}

async function candidates(
  em: EntityManager,
  ids: readonly string[] | null,
  filter: ReplayFilter | null,
): Promise<ReplayCandidateRow[]> {
  if ((ids === null) === (filter === null)) {
    throw badInput(
      ids === null
        ? 'ids, filter: give exactly one of them (the items to replay, or a filter they match); got neither'
        : 'ids, filter: give exactly one of them (the items to replay, or a filter they match); got both',
      ids === null ? 'ids' : 'filter',
    );
  }
  if (ids !== null) {
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw badInput('ids: give at least one failed item id', 'ids');
    if (unique.length > MAX_REPLAY_ITEMS) {
      throw badInput(
        `ids: at most ${MAX_REPLAY_ITEMS} items per replay (got ${unique.length}); split them`,
        'ids',
      );
    }
    const malformed = unique.find((id) => !STORE_ID.test(id));
    if (malformed !== undefined) {
      throw badInput(`ids: must be failed item ids (got ${JSON.stringify(malformed)})`, 'ids');
    }
    const rows = await runSql<ReplayCandidateRow>(
      em,
      getFailedItemsByIdSql,
      { ids: JSON.stringify(unique) },
      { name: 'getFailedItemsById' },
    );
    const found = new Set(rows.map((r) => r.id));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw badInput(`ids: no failed item with id ${missing.join(', ')}`, 'ids');
    }
    return rows;
  }
  const f = filter as ReplayFilter;
  checkRange(f.from, f.to);
  const rows = await runSql<ReplayCandidateRow>(
    em,
    getFailedItemsByFilterSql,
    {
      pipeline: f.pipeline,
      from: f.from?.toISOString() ?? null,
      to: f.to?.toISOString() ?? null,
      limit: MAX_REPLAY_ITEMS + 1,
    },
    { name: 'getFailedItemsByFilter' },
  );
  if (rows.length > MAX_REPLAY_ITEMS) {
    throw badInput(
      `filter: matches more than ${MAX_REPLAY_ITEMS} failed items; narrow it (pipeline, from, to) and replay in parts`,
      'filter',
    );
  }
  return rows;
}

/** Which ingest path an item goes back through: the one that refused it. */
function routeOf(row: ReplayCandidateRow, routes: Map<string, Route>): Route {
  const key = row.mutation === OTLP_TRACES ? 'otlp' : row.pipeline;
  let route = routes.get(key);
  if (!route) {
    if (key === 'otlp') {
      route = {
        at: [],
        inputs: [],
        mutation: OTLP_TRACES,
        argument: 'resourceSpans',
        run: (em, inputs, o) => ingestMapped(em, inputs as MappedItem[], o),
      };
    } else if (key === 'legacy') {
      route = {
        at: [],
        inputs: [],
        mutation: 'recordLegacyEvents',
        argument: 'events',
        run: ingestLegacy,
      };
    } else {
      const pipeline = key as Pipeline;
      route = {
        at: [],
        inputs: [],
        mutation: row.mutation,
        argument: `${pipeline}s`,
        run: (em, inputs, o) => ingestItems(em, pipeline, inputs, o),
      };
    }
    routes.set(key, route);
  }
  return route;
}

export async function replayFailedItems(
  em: EntityManager,
  selection: { ids: readonly string[] | null; filter: ReplayFilter | null },
  o: ReplayOptions,
): Promise<ReplayAnswer> {
  const rows = await candidates(em, selection.ids, selection.filter);
  const outcomes: ReplayedItem[] = rows.map((r) => ({ id: r.id, result: 'failed', reason: null }));
  const routes = new Map<string, Route>();
  rows.forEach((row, i) => {
    const decoded = decodePayload(row);
    let input: unknown = decoded.ok ? decoded.value : undefined;
    if (decoded.ok && row.mutation === OTLP_TRACES) {
      const mapped = otlpItem(decoded.value);
      if ('reason' in mapped) {
        (outcomes[i] as ReplayedItem).reason = mapped.reason;
        return;
      }
      input = mapped;
    } else if (decoded.ok && row.pipeline !== 'legacy') {
      const field = ID_FIELD[row.pipeline as Pipeline];
      if (isObject(input) && input[field] == null)
        input = { ...input, [field]: replayKey(row.id, row.pipeline as Pipeline) };
    }
    if (!decoded.ok) {
      (outcomes[i] as ReplayedItem).reason = decoded.reason;
      return;
    }
    const route = routeOf(row, routes);
    route.at.push(i);
    route.inputs.push(input);
  });
  for (const route of routes.values()) {
    const result = await route.run(em, route.inputs, {
      ...o,
      sentAt: null,
      mutation: route.mutation,
      argument: route.argument,
      keepRejected: false,
    });
    for (const e of result.errors) {
      (outcomes[route.at[e.index] as number] as ReplayedItem).reason = e.message;
    }
    const stored = new Set(result.storedIndexes);
    route.at.forEach((row, index) => {
      const outcome = outcomes[row] as ReplayedItem;
      if (outcome.reason === null) outcome.result = stored.has(index) ? 'accepted' : 'duplicate';
    });
  }
  await recordReplays(em, outcomes, o.receivedAt);
  const count = (result: ReplayResult) => outcomes.filter((x) => x.result === result).length;
  return {
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    stillFailing: count('failed'),
    items: outcomes,
  };
}

async function recordReplays(em: EntityManager, outcomes: ReplayedItem[], at: Date) {
  if (outcomes.length === 0) return;
  const replayedAt = at.toISOString();
  const rows = outcomes.map((x) => ({
    id: x.id,
    reason: x.reason,
    entry: [{ at: replayedAt, result: x.result, reason: x.reason }],
  }));
  await runSql(
    em,
    recordReplaysSql,
    { rows: JSON.stringify(rows), replayedAt },
    { name: 'recordReplays', result: 'rowCount', bindParameters: true },
  );
}
