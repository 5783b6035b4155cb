import { randomBytes } from 'node:crypto';
import { dropDatabase, foldPendingDays, type Orm } from '@cortex-telemetry/api';

/**
 * The database a benchmark runs on. Loading 10M events takes the better part of an hour, so a
 * run may keep its database (BENCH_KEEP_DB=1) and a later one reuse it (BENCH_DB=<its name>):
 * `boot()` migrates it to the code being measured, and it is neither loaded again nor dropped.
 */
export interface BenchDatabase {
  name: string;
  /** Named by BENCH_DB: already loaded by an earlier run. */
  reused: boolean;
}

/**
 * BENCH_DB when set, else a fresh name `<prefix>_<random>`. `datasets`: how many datasets the run
 * asks for; a kept database holds one, so BENCH_DB with more is refused rather than measuring the
 * same data under several labels.
 */
export function benchDatabase(prefix: string, datasets: number): BenchDatabase {
  const kept = process.env.BENCH_DB;
  if (kept === undefined)
    return { name: `${prefix}_${randomBytes(3).toString('hex')}`, reused: false };
  if (datasets !== 1) {
    throw new Error(
      `BENCH_DB=${kept} holds one dataset: name exactly one (the size it was loaded with), not ${datasets}`,
    );
  }
  return { name: kept, reused: true };
}

/** Runs `fill` on a fresh database; a reused one is already filled. */
export async function fillUnlessReused(
  db: BenchDatabase,
  fill: () => Promise<void>,
): Promise<void> {
  if (!db.reused) return fill();
  console.log('  reused as loaded by an earlier run (BENCH_DB), migrations applied');
}

/** Drops a fresh database unless BENCH_KEEP_DB; a reused one always stays. */
export async function dropUnlessKept(serverUrl: string, db: BenchDatabase): Promise<void> {
  if (!db.reused && !process.env.BENCH_KEEP_DB) await dropDatabase(serverUrl, db.name);
}

/**
 * Folds every pending KPI day fact, as the server's background folder does within seconds of
 * `pnpm start`: a benchmark that seeds through ingest and then reads must not read the whole
 * seed as the KPI reads' pending tail.
 */
export async function foldAll(orm: Orm): Promise<void> {
  while ((await foldPendingDays(orm.em.fork())).facts > 0);
  // and the planner's statistics of the seeded tables, which autovacuum takes within a minute
  // (it is off on the reference machine)
  await orm.em.getConnection().execute('analyze');
}
