import type { EntityManager } from '@mikro-orm/postgresql';
import { applyQueryTimeout, readQuery } from '../../query-timeout.js';
import { foldLockSql, foldPendingSql } from './day-sets.sql.js';

/** What one fold merged: pending facts, and their accepted → folded lag as [ms, facts] pairs. */
export interface FoldResult {
  facts: number;
  lags: [number, number][];
}

const FOLD_SETTINGS = "select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)";

/**
 * Folds every pending day fact into the day sets (see foldPendingSql), in a transaction of its
 * own that first takes the fold lock: a fold already running finishes first, then this one
 * sees everything committed before it got the lock.
 */
export async function foldPendingDays(em: EntityManager): Promise<FoldResult> {
  const connection = em.getConnection();
  return connection.transactional(async (trx) => {
    // a fold run for a request waits no longer than its statement timeout (it then rolls back
    // and its facts stay pending); the background folder's EntityManager carries none
    await applyQueryTimeout(em, trx);
    await connection.execute(foldLockSql, [], 'all', trx);
    await connection.execute(FOLD_SETTINGS, [], 'all', trx);
    const [row] = await connection.execute<FoldResult[]>(foldPendingSql, [], 'all', trx);
    return row ?? { facts: 0, lags: [] };
  });
}

const NOTHING_FOLDED: FoldResult = { facts: 0, lags: [] };

/**
 * Read-after-write for KPI reads: a batch whose response was sent has committed its pending
 * facts, so this probe sees them (or sees them still claimed by a running fold, whose delete is
 * not committed yet — then foldPendingDays waits for that fold). Nothing pending costs one
 * index-free probe of a table that is empty most of the time.
 */
export async function foldPendingIfAny(em: EntityManager): Promise<FoldResult> {
  const [probe] = await readQuery<{ pending: boolean }[]>(
    em,
    'select exists (select 1 from kpi_pending) as pending',
    [],
  );
  return probe?.pending ? foldPendingDays(em) : NOTHING_FOLDED;
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

  const tick = async () => {
    let found = false;
    try {
      const result = await foldPendingIfAny(newEm());
      found = result.facts > 0;
      if (found) {
        stats.folds++;
        stats.facts += result.facts;
        stats.maxFacts = Math.max(stats.maxFacts, result.facts);
        for (const [ms, n] of result.lags) stats.lags.set(ms, (stats.lags.get(ms) ?? 0) + n);
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
