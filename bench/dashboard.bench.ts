import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `pnpm bench:dashboard [demo] [events…]` (or BENCH_DASHBOARD=demo,10000000): for each dataset
 * (the demo seed, then synthetic events through `bench:kpi`'s loader) a fresh database and the
 * real server with the built dashboard, then headless Chromium timing navigation → all four
 * charts of `/open-beta?days=30` drawn, beside the API time of the dashboard's one query in the
 * same run. BENCH_RUNS (default 7) cold navigations each; the bundle's gzipped size is printed.
 *
 * Like bench:kpi, the entry re-runs itself with the `source` export condition.
 */
if (process.env.BENCH_DASHBOARD_SOURCE === '1') {
  const { runDashboardBench } = await import('./dashboard-run.js');
  await runDashboardBench();
} else {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      '--conditions=source',
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, BENCH_DASHBOARD_SOURCE: '1' } },
  );
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
