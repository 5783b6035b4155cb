import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, runSql } from '../../db/sql.js';
import {
  type FoldLane,
  foldCommitLockSql,
  foldLaneLockSql,
  foldLaneSql,
  lanePendingSql,
} from './day-sets.sql.js';
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
const EVERY_USER: FoldLane = { index: 0, count: 1 };

/**
 * Folds every pending day fact — of one lane's users when `lane` is given — into the day sets
 * (see foldPendingSql), in a transaction of its own that first takes the fold lock (foldLockSql,
 * or the lane's): a fold of the same users already running finishes first, then this one sees
 * everything committed before it got the lock.
 */
export async function foldPendingDays(
  em: EntityManager,
  lane: FoldLane = EVERY_USER,
): Promise<FoldResult> {
  return inTransaction(em, async (transaction) => {
    await runSql(em, foldLaneLockSql(lane), {}, { name: 'foldLock', transaction });
    // the KPI reads' memory and JIT settings (query.ts), for the same kind of statement
    const [row] = await runSql<Omit<FoldResult, 'newDays'> & { new_days: number }>(
      em,
      foldLaneSql(lane),
      {},
      { name: 'foldPendingDays', settings: KPI_SETTINGS, transaction },
    );
    // on Citus, wait for the reads in flight and hold off new ones until the commit is done
    await runSql(em, foldCommitLockSql, {}, { name: 'foldCommitLock', transaction });
    return row ? { facts: row.facts, lags: row.lags, newDays: row.new_days } : NOTHING_FOLDED;
  });
}

/**
 * The folder's tick when it may be idle: nothing pending in the lane costs one probe of a table
 * that is empty most of the time, instead of a transaction and the fold lock.
 */
async function foldPendingIfAny(em: EntityManager, lane: FoldLane): Promise<FoldResult> {
  const [probe] = await runSql<{ pending: boolean }>(
    em,
    lanePendingSql(lane),
    {},
    { name: 'hasPendingDays' },
  );
  return probe?.pending ? foldPendingDays(em, lane) : NOTHING_FOLDED;
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
 * Keeps the pending queue small on disk. Folds delete every note they claim, so between vacuums its
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
 * waits for one. With `lanes` > 1 (FOLD_LANES), as many of these loops run side by side, each
 * folding its share of the users (FoldLane), so the fold can use more than one core. A failed
 * fold leaves its facts pending (its transaction rolled back) and is retried on the next tick.
 * Statistics and the queue's vacuum (above) run one at a time, whichever lane's fold asks.
 */
export function startDaySetFolder(
  newEm: () => EntityManager,
  options: {
    intervalMs?: number;
    busyIntervalMs?: number;
    lanes?: number;
    onError?: (error: unknown) => void;
  },
): DaySetFolder {
  const idle = options.intervalMs ?? 250;
  const busy = options.busyIntervalMs ?? 20;
  const count = options.lanes ?? 1;
  let stats = emptyStats();
  let stopped = false;
  const statistics = dayStatistics();
  const queue = pendingQueueUpkeep();
  let upkeep: Promise<void> = Promise.resolve();
  const afterFold = (em: EntityManager, result: FoldResult) => {
    const next = upkeep.then(async () => {
      await statistics.grew(em, result.newDays);
      await queue.folded(em, result.facts);
    });
    upkeep = next.catch(() => undefined);
    return next;
  };

  const startLane = (lane: FoldLane) => {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const tick = async () => {
      let found = false;
      try {
        const em = newEm();
        const result = await foldPendingIfAny(em, lane);
        found = result.facts > 0;
        if (found) {
          stats.folds++;
          stats.facts += result.facts;
          stats.maxFacts = Math.max(stats.maxFacts, result.facts);
          for (const [ms, n] of result.lags) stats.lags.set(ms, (stats.lags.get(ms) ?? 0) + n);
          await afterFold(em, result);
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
    return async () => {
      clearTimeout(timer);
      await running;
    };
  };
  const stops = Array.from({ length: count }, (_, index) => startLane({ index, count }));

  return {
    takeStats: () => {
      const taken = stats;
      stats = emptyStats();
      return taken;
    },
    stop: async () => {
      stopped = true;
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
