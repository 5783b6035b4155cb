import type { Pipeline, Scrubber } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { type DemoItem, userItems } from './demo-sessions.js';
import { demoTimeline, demoUsers } from './demo-users.js';

/**
 * Demo data for a fresh install (README.md#configuration): 90 days of a closed beta (~40 testers) and an open
 * beta (~1,500 users) ending now, so every dashboard and KPI has something to show on first
 * start. It is written through `ingestItems`, exactly like real traffic, so the KPI day sets
 * and stack hashing are the real ones. Each item carries its phase (closed beta over the first
 * half of the 90 days, open beta after), so the demo does not depend on `OPEN_BETA_STARTS_AT`.
 */
export interface SeedOptions {
  /** "Now" of the demo; the data is a pure function of (seed, now). */
  now?: Date;
  seed?: number;
  /** Batches in flight: one parses/validates while PostgreSQL writes the other. */
  concurrency?: number;
  users?: { closed: number; open: number };
}

export interface SeedSummary {
  seeded: boolean;
  events: number;
  errors: number;
  traces: number;
  users: number;
  ms: number;
}

/**
 * Where the demo goes, handed in by the server (`boot()`'s `orm` and `config`, and `ingestItems`
 * of `@cortex-telemetry/api`), so the seed imports nothing of the server it fills (the
 * server's build imports the seed). Only what the seed uses of `ingestItems`' signature.
 */
export interface DemoTarget {
  orm: { em: EntityManager };
  config: { OPEN_BETA_STARTS_AT: Date; scrubber: Scrubber };
  /** The server's ingest path for one batch of one pipeline. */
  ingest: (
    em: EntityManager,
    pipeline: Pipeline,
    items: readonly unknown[],
    options: {
      receivedAt: Date;
      sentAt: Date | null;
      openBetaStartsAt: Date;
      mutation: string;
      argument: string;
      scrubber: Scrubber;
    },
  ) => Promise<{ accepted: number; rejected: number; errors: { message: string }[] }>;
}

export const DEMO_SEED = 20261001;
const BATCH = 1000;

/** Generates the demo's items user by user, so memory holds one user's items, not 250k. */
export function* demoItems(options: {
  now: Date;
  seed: number;
  users?: { closed: number; open: number };
}): Generator<DemoItem> {
  const timeline = demoTimeline(options.now);
  for (const user of demoUsers(options.seed, timeline, options.users)) {
    yield* userItems(user, timeline);
  }
}

async function isEmpty(em: EntityManager): Promise<boolean> {
  const rows = await em
    .getConnection()
    .execute<{ found: boolean }[]>('select exists (select 1 from telemetry_events) as found');
  return rows[0]?.found !== true;
}

export async function seedDemoIfEmpty(
  { orm, config, ingest }: DemoTarget,
  logger: Logger,
  options: SeedOptions = {},
): Promise<SeedSummary> {
  const started = Date.now();
  const em = orm.em.fork();
  if (!(await isEmpty(em))) {
    logger.debug('demo seed skipped: telemetry_events is not empty');
    return { seeded: false, events: 0, errors: 0, traces: 0, users: 0, ms: 0 };
  }
  const now = options.now ?? new Date();
  const concurrency = options.concurrency ?? 2;
  const users = options.users ?? { closed: 40, open: 1500 };
  logger.info(
    { closedBetaUsers: users.closed, openBetaUsers: users.open, days: 90 },
    'seeding demo data (empty database)',
  );

  const stored: Record<Pipeline, number> = { event: 0, error: 0, trace: 0 };
  const buffers: Record<Pipeline, Record<string, unknown>[]> = { event: [], error: [], trace: [] };
  const inFlight = new Set<Promise<void>>();
  let nextLog = 50_000;

  const write = async (pipeline: Pipeline, items: Record<string, unknown>[]) => {
    const result = await ingest(orm.em.fork(), pipeline, items, {
      receivedAt: now,
      sentAt: null,
      openBetaStartsAt: config.OPEN_BETA_STARTS_AT,
      mutation: 'seedDemo',
      argument: 'items',
      scrubber: config.scrubber,
    });
    // a rejected demo item is a bug in the generator, not something to hide in failed items
    if (result.rejected > 0) {
      throw new Error(`demo seed: ${pipeline} rejected: ${result.errors[0]?.message ?? '?'}`);
    }
    stored[pipeline] += result.accepted;
    const total = stored.event + stored.error + stored.trace;
    if (total >= nextLog) {
      nextLog += 50_000;
      logger.info({ ...stored, elapsedMs: Date.now() - started }, 'seeding demo data…');
    }
  };
  const flush = async (pipeline: Pipeline) => {
    const items = buffers[pipeline];
    if (items.length === 0) return;
    buffers[pipeline] = [];
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    // the first failure is kept and rethrown below; a rejected job nobody awaits yet would crash
    const job: Promise<void> = write(pipeline, items)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(job));
    inFlight.add(job);
  };

  let failure: unknown = null;
  const generated = demoItems({
    now,
    seed: options.seed ?? DEMO_SEED,
    users,
  });
  for (const { pipeline, item } of generated) {
    buffers[pipeline].push(item);
    if (buffers[pipeline].length >= BATCH) await flush(pipeline);
    if (failure !== null) break;
  }
  if (failure === null)
    for (const pipeline of ['event', 'error', 'trace'] as const) await flush(pipeline);
  await Promise.all(inFlight);
  if (failure !== null) throw failure;

  const summary: SeedSummary = {
    seeded: true,
    events: stored.event,
    errors: stored.error,
    traces: stored.trace,
    users: users.closed + users.open,
    ms: Date.now() - started,
  };
  logger.info(summary, 'demo data seeded');
  return summary;
}
