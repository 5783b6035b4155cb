import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { runSql } from '../../db/sql.js';

/**
 * Retention (docs/privacy.md): errors, traces and failed items older than their configured
 * number of days are deleted in the background, a small batch per statement, so no purge holds
 * locks or a transaction long enough to slow ingest. Events are kept: the KPIs read history.
 * Each batch is keyed by the table's primary key (user first), which also runs on Citus.
 */
export const RETENTION_TARGETS = {
  errors: { table: 'telemetry_errors', time: '"timestamp"', key: 'user_id_hash, id' },
  traces: { table: 'telemetry_traces', time: '"timestamp"', key: 'user_id_hash, id' },
  failedItems: { table: 'telemetry_failed_items', time: 'received_at', key: 'id' },
} as const;

export type RetentionTarget = keyof typeof RETENTION_TARGETS;
/** Days to keep per target; an absent target is kept for ever. */
export type RetentionDays = Partial<Record<RetentionTarget, number>>;

const DAY_MS = 86_400_000;

export const purgeBatchSql = (target: RetentionTarget): string => {
  const { table, time, key } = RETENTION_TARGETS[target];
  return `delete from ${table} where (${key}) in (
    select ${key} from ${table} where ${time} < :cutoff::timestamptz order by ${time} limit :batchSize)`;
};

/** Deletes every expired row, batch by batch; answers how many rows left each target. */
export async function purgeExpired(
  em: EntityManager,
  days: RetentionDays,
  options: { now?: Date; batchSize?: number } = {},
): Promise<Record<RetentionTarget, number>> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 5_000;
  const deleted: Record<RetentionTarget, number> = { errors: 0, traces: 0, failedItems: 0 };
  for (const target of Object.keys(RETENTION_TARGETS) as RetentionTarget[]) {
    const keep = days[target];
    if (keep === undefined) continue;
    const cutoff = new Date(now.getTime() - keep * DAY_MS).toISOString();
    for (;;) {
      const rows = await runSql(
        em,
        purgeBatchSql(target),
        { cutoff, batchSize },
        { name: 'purgeExpired', result: 'rowCount', bindParameters: true },
      );
      deleted[target] += rows;
      if (rows < batchSize) break;
      // let ingest's statements in between batches
      await new Promise((done) => setImmediate(done));
    }
  }
  return deleted;
}

/** Runs the purge soon after start and then every `intervalMs`; `stop()` waits for a run. */
export function startRetention(options: {
  em: EntityManager;
  days: RetentionDays;
  logger: Logger;
  intervalMs?: number;
}): { stop: () => Promise<void> } {
  const { em, days, logger } = options;
  if (Object.values(days).every((d) => d === undefined)) return { stop: async () => {} };
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = purgeExpired(em.fork(), days).then(
      (deleted) => {
        if (Object.values(deleted).some((n) => n > 0)) logger.info({ deleted, days }, 'retention');
      },
      (error: unknown) => logger.warn({ err: error }, 'retention purge failed; retried next run'),
    );
  };
  const first = setTimeout(run, 10_000);
  const every = setInterval(run, options.intervalMs ?? 3_600_000);
  first.unref();
  every.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
