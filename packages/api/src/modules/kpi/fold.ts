import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, runSql } from '../../db/sql.js';
import { foldCommitLockSql, foldLockSql, foldPendingSql } from './day-sets.sql.js';
import { KPI_SETTINGS } from './query.js';

/**
 * What one fold merged: pending facts, their accepted → folded lag as [ms, facts] pairs, and the
 * day rows it added.
 */
export interface FoldResult {
  facts: number;
  lags: [number, number][];
  newDays: number;
}

const NOTHING_FOLDED: FoldResult = { facts: 0, lags: [], newDays: 0 };

/**
 * Folds every pending day fact into the day sets (see foldPendingSql), in a transaction of its
 * own that first takes the fold lock: a fold already running finishes first, then this one
 * sees everything committed before it got the lock.
 */
export async function foldPendingDays(em: EntityManager): Promise<FoldResult> {
  return inTransaction(em, async (transaction) => {
    await runSql(em, foldLockSql, {}, { name: 'foldLock', transaction });
    // the KPI reads' memory and JIT settings (query.ts), for the same kind of statement
    const [row] = await runSql<Omit<FoldResult, 'newDays'> & { new_days: number }>(
      em,
      foldPendingSql,
      {},
      { name: 'foldPendingDays', settings: KPI_SETTINGS, transaction },
    );
    // on Citus, wait for the reads in flight and hold off new ones until the commit is done
    await runSql(em, foldCommitLockSql, {}, { name: 'foldCommitLock', transaction });
    return row ? { facts: row.facts, lags: row.lags, newDays: row.new_days } : NOTHING_FOLDED;
  });
}

/**
 * The folder's tick when it may be idle: nothing pending costs one probe of a table that is
 * empty most of the time, instead of a transaction and the fold lock.
 */
async function foldPendingIfAny(em: EntityManager): Promise<FoldResult> {
  const [probe] = await runSql<{ pending: boolean }>(
    em,
    'select exists (select 1 from kpi_pending) as pending',
    {},
    { name: 'hasPendingDays' },
  );
  return probe?.pending ? foldPendingDays(em) : NOTHING_FOLDED;
}

/**
 * Keeps the planner's statistics of the day sets current while they grow fast. The fold and the
 * KPI reads' pending tail look days up by subject, one index probe per pending fact — as long
 * as the planner knows kpi_days is large. Statistics taken while it was small (a new database,
 * the first minute of a large load: autovacuum analyzes only every minute) make it loop over a
 * "one-row" scan of kpi_days per fact instead: seconds, growing with the table (seen in
 * `bench:ingest`'s sustained run). So after folds that added more than a fifth to the day rows
 * the planner last saw (and at least 10,000), the folder analyzes them itself.
 */
function dayStatistics() {
  let seen: number | undefined;
  let added = 0;
  return {
    grew: async (em: EntityManager, newDays: number) => {
      added += newDays;
      if (added < 10_000) return;
      seen ??= Number(
        (
          await runSql<{ rows: number }>(
            em,
            "select greatest(reltuples, 0)::bigint as rows from pg_class where oid = 'kpi_days'::regclass",
            {},
            { name: 'getDayRowsEstimate' },
          )
        )[0]?.rows ?? 0,
      );
      if (added < seen / 5) return;
      await runSql(em, 'analyze kpi_days, kpi_day_links', {}, { name: 'analyzeDaySets' });
      seen += added;
      added = 0;
    },
  };
}

/**
 * Keeps the pending queue small on disk. Every fold deletes all of it, so between vacuums its
 * file grows by every note ingest wrote, and what reads it pays for that: each KPI read's pending
 * tail and each fold's claim scan the whole file, and the planner estimates the claimed facts
 * from its size (the queue's autovacuum threshold, Migration20261127000000, acts at most once
 * per `autovacuum_naptime`, a minute, during which sustained ingest notes hundreds of thousands
 * of facts — and not at all where autovacuum is off). So after folds that claimed 10,000 facts
 * (about a megabyte of dead notes), the folder vacuums the queue itself: a few live rows, and the
 * emptied pages at its end cut off.
 */
function pendingQueueUpkeep() {
  let claimed = 0;
  return {
    folded: async (em: EntityManager, facts: number) => {
      claimed += facts;
      if (claimed < 10_000) return;
      claimed = 0;
      await runSql(em, 'vacuum kpi_pending', {}, { name: 'vacuumPendingDays' });
    },
  };
}

export interface FolderStats {
  folds: number;
  facts: number;
  /** accepted → folded lag in ms → facts with that lag. */
  lags: Map<number, number>;
  /** Largest pending backlog a fold claimed, in facts. */
  maxFacts: number;
}

export interface DaySetFolder {
  /** Stats since the last call (the benchmark reads fold lag and backlog from it). */
  takeStats: () => FolderStats;
  stop: () => Promise<void>;
}

const emptyStats = (): FolderStats => ({ folds: 0, facts: 0, lags: new Map(), maxFacts: 0 });

/**
 * The background folder: folds whatever is pending, then waits `intervalMs` — shorter after a
 * fold that found work, so under sustained ingest each fold stays small and a KPI read rarely
 * waits for one. A failed fold leaves its facts pending (its transaction rolled back) and is
 * retried on the next tick.
 */
export function startDaySetFolder(
  newEm: () => EntityManager,
  options: { intervalMs?: number; busyIntervalMs?: number; onError?: (error: unknown) => void },
): DaySetFolder {
  const idle = options.intervalMs ?? 250;
  const busy = options.busyIntervalMs ?? 20;
  let stats = emptyStats();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const statistics = dayStatistics();
  const queue = pendingQueueUpkeep();

  const tick = async () => {
    let found = false;
    try {
      const em = newEm();
      const result = await foldPendingIfAny(em);
      found = result.facts > 0;
      if (found) {
        stats.folds++;
        stats.facts += result.facts;
        stats.maxFacts = Math.max(stats.maxFacts, result.facts);
        for (const [ms, n] of result.lags) stats.lags.set(ms, (stats.lags.get(ms) ?? 0) + n);
        await statistics.grew(em, result.newDays);
        await queue.folded(em, result.facts);
      }
    } catch (error) {
      if (!stopped) options.onError?.(error);
    }
    if (!stopped) timer = setTimeout(schedule, found ? busy : idle);
  };
  const schedule = () => {
    running = tick();
  };
  timer = setTimeout(schedule, 0);

  return {
    takeStats: () => {
      const taken = stats;
      stats = emptyStats();
      return taken;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
