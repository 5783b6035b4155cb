import { runDashboardBench } from './dashboard-run.js';

/**
 * `pnpm bench:dashboard [demo] [events…]` (or BENCH_DASHBOARD=demo,10000000): for each dataset
 * (the demo seed, then synthetic events through `bench:kpi`'s loader) a fresh database and the
 * real server with the built dashboard, then headless Chromium timing navigation → the four KPI
 * cards with numbers and → all four
 * charts of `/open-beta?days=30` drawn, beside the API time of the dashboard's one query in the
 * same run. BENCH_RUNS (default 7) cold navigations each; the bundle's gzipped size is printed.
 * BENCH_KEEP_DB=1 keeps the database and BENCH_DB=<its name> runs on it again without loading
 * (one dataset, the one it holds; migrated to this checkout first), as in `bench:kpi`: e.g.
 * `BENCH_DB=ct_bench_10000000_8d8f5f pnpm bench:dashboard 10000000` on a database `bench:kpi`
 * loaded and kept. Each build's lines end with where the time goes: p50 / p95 from navigation
 * start of the view chunk loaded, the query sent and answered, the cards, the chart chunk, each
 * chart drawn, and the long tasks before the fourth chart. BENCH_WEB_DIR=<dist>[,<dist>…] times
 * other builds of the dashboard instead of the checkout's, alternating navigations between them
 * (a server each, on the same database), so a before and an after meet the same machine load.
 * BENCH_TRACE=<dir> writes a Chromium trace of each build's first measured navigation there
 * (DevTools → Performance → load).
 */
await runDashboardBench();
