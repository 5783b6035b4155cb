import { runKpiBench } from './kpi-run.js';

/**
 * `pnpm bench:kpi [events…]` (or BENCH_EVENTS=100000,1000000): for each size, a fresh database
 * bulk-loaded with synthetic events, rollups rebuilt with ingest's aggregation, then p50/p95 of
 * the KPI, retention, lifecycle and funnel queries through the real GraphQL server beside the
 * naive SQL over the raw table, in the same run, with a check that both give the same answers
 * (the run fails on any difference). Then again for the `kpis` and some single KPIs with a fold
 * backlog: BENCH_PENDING more events (default size / 100, at most 50,000; 0 skips it) stored
 * through ingest's own statement and not folded, so every answer goes through the pending tail
 * and must still match the naive scan of all events (read-after-write). BENCH_RUNS / BENCH_WARMUP tune
 * the engine's repetitions (default 20 after 3), BENCH_NAIVE_RUNS / BENCH_NAIVE_WARMUP the naive
 * ones (5 after 1), BENCH_USERS the user count (default events / 20, 1k–50k), BENCH_KEEP_DB=1
 * keeps the database and BENCH_DB=<its name> runs on it again without loading (migrated to this
 * checkout first; events an earlier run stored as a backlog are still pending), BENCH_CASES=retention,
 * kpis(days: 30) only the cases whose label starts with one of those, CITUS_URL (a Citus coordinator) runs each size on a cluster database too and
 * prints both side by side, with the shard fan-out of each KPI query.
 */
await runKpiBench();
