import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  type Booted,
  boot,
  ingestItems,
  loadConfig,
  startEmbeddedPostgres,
  withDatabase,
} from '@cortex-telemetry/api';
import { seedDemoIfEmpty } from '@cortex-telemetry/api/seed';
import pg from 'pg';
import { pino } from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { benchDatabase, dropUnlessKept, fillUnlessReused, foldAll } from './bench-db.js';
import { type Milestones, pageTimes, percentile, spread } from './dashboard-page.js';
import { load } from './kpi-run.js';
import { DEFAULT_LAST_DAY } from './synthetic.js';

/** The dashboard benchmark itself; `dashboard.bench.ts` is the entry (see there for options). */
const env = process.env;
const RUNS = Number(env.BENCH_RUNS ?? 7);
const ADMIN = `bench-admin-${randomBytes(8).toString('hex')}`;
/** The dashboard builds to time, each served by a server of its own; the checkout's by default. */
const BUILDS = env.BENCH_WEB_DIR?.split(',') ?? [
  fileURLToPath(new URL('../packages/web/dist/', import.meta.url)),
];

const datasets = (): string[] => {
  const args = process.argv.slice(2).filter((a) => a === 'demo' || /^\d+$/.test(a));
  const list = args.length > 0 ? args : (env.BENCH_DASHBOARD?.split(',') ?? []);
  return list.length > 0 ? list : ['demo', '10000000'];
};

/** The bundle as a browser fetches it: every asset gzipped, and the chart library alone. */
function bundleReport(dist: string): string {
  const assets = join(dist, 'assets');
  let total = 0;
  let charts = 0;
  for (const file of readdirSync(assets)) {
    if (!/\.(js|css)$/.test(file)) continue;
    const size = gzipSync(readFileSync(join(assets, file))).length;
    total += size;
    if (file.startsWith('apex')) charts += size;
  }
  return `bundle: ${(total / 1024).toFixed(1)} KiB gzipped (all JS + CSS), of which apexcharts ${(charts / 1024).toFixed(1)} KiB`;
}

/**
 * The query the cards wait for, as the page sends it: the window's cards and charts (the previous
 * window's summaries are asked after it).
 */
async function apiTime(endpoint: string, asOf: string, runs: number): Promise<number[]> {
  const day = (offset: number) =>
    new Date(Date.parse(`${asOf}T12:00:00Z`) + offset * 86_400_000).toISOString();
  const report = `cdr { rate sessions dependentSessions series { day rate sessions dependentSessions } }
    resurrection { rate resurrectedUsers activeUsers viaContextUsers series { day resurrectedUsers activeUsers } }
    dauWau { dau avgDau wau mau stickiness series { day dau wau mau } }
    paidConversion { rate conversions eligibleUsers cancellations paidUsersAtEnd series { day conversions cancellations } }`;
  const query = `{ current: kpis(days: 30, asOf: "${day(0)}", phase: OPEN_BETA) { ${report} } }`;
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
    if (i > 0) times.push(performance.now() - started); // the first one warms up
  }
  return times.sort((a, b) => a - b);
}

async function runDataset(serverUrl: string, dataset: string, browser: Browser) {
  const bench = benchDatabase(`ct_dash_${dataset}`, datasets().length);
  const { name } = bench;
  const url = withDatabase(serverUrl, name);
  console.log(
    `\n== ${dataset === 'demo' ? 'demo data' : `${Number(dataset).toLocaleString('en')} synthetic events`}, database ${name}`,
  );
  const logger = pino({ level: 'silent' });
  const apps: Booted[] = [];
  const start = async (webDir: string) => {
    const app = await boot({
      databaseUrl: serverUrl,
      database: name,
      poolMax: 4,
      config: loadConfig({ SEED_DEMO: '0' }),
      tokens: { ingest: [], admin: [ADMIN] },
      logger,
      webDir,
    });
    apps.push(app);
    return app;
  };
  try {
    const { orm, config } = await start(BUILDS[0]!);
    let asOf = new Date().toISOString().slice(0, 10);
    const started = performance.now();
    await fillUnlessReused(bench, async () => {
      if (dataset === 'demo') {
        const seeded = await seedDemoIfEmpty({ orm, config, ingest: ingestItems }, logger);
        // folded, as the server's background folder does within seconds of `pnpm start`
        await foldAll(orm);
        console.log(`  seeded ${seeded.events.toLocaleString('en')} events`);
      } else {
        const loader = new pg.Pool({ connectionString: url, max: 2 });
        await load(loader, Number(dataset), url).finally(() => loader.end());
      }
      console.log(`  loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });
    // the synthetic data ends on a fixed day; the demo's on the day it was seeded (today)
    if (dataset !== 'demo') asOf = DEFAULT_LAST_DAY;
    for (const dir of BUILDS.slice(1)) await start(dir);
    const bases = await Promise.all(
      apps.map(async ({ server }) => {
        await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      }),
    );
    const api = await apiTime(`${bases[0]}/graphql`, asOf, RUNS);
    const path = `/open-beta?days=30&asOf=${asOf}`;
    const tracePath = (build: number) =>
      env.BENCH_TRACE && join(env.BENCH_TRACE, `dashboard-${dataset}-build${build + 1}.trace.json`);
    const runs = await pageTimes(
      browser,
      bases.map((base) => `${base}${path}`),
      ADMIN,
      tracePath,
    );
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log(
      `  ${path}, ${RUNS} cold navigations each after one warm-up${BUILDS.length > 1 ? `, alternating between ${BUILDS.length} builds` : ''}`,
    );
    console.log(
      `  API (the window's query, from Node): p50 ${ms(percentile(api, 0.5))}, max ${ms(api.at(-1) ?? Number.NaN)}`,
    );
    for (const [build, dir] of BUILDS.entries()) {
      const times = runs[build]!;
      if (BUILDS.length > 1) console.log(`\n  build ${build + 1}: ${dir}`);
      if (tracePath(build))
        console.log(`  trace of its first measured navigation: ${tracePath(build)}`);
      const cards = spread(times, (m) => m.cards);
      const charts = spread(times, (m) => m.drawn[3] ?? Number.NaN);
      console.log(
        `  navigation → 4 cards with numbers: p50 ${ms(cards.p50)}, p95 ${ms(cards.p95)}, max ${ms(cards.max)}`,
      );
      console.log(
        `  navigation → 4 charts drawn: p95 ${ms(charts.p95)}, p50 ${ms(charts.p50)}, max ${ms(charts.max)}`,
      );
      console.log(
        `  charts / API: ${(charts.p50 / percentile(api, 0.5)).toFixed(1)}× (goals at 10M, p95: cards < 400 ms, charts < 1000 ms)`,
      );
      printSteps(times);
    }
  } finally {
    for (const { server, orm } of apps) {
      if (server.listening) await new Promise<void>((done) => server.close(() => done()));
      await orm.close(true);
    }
    await dropUnlessKept(serverUrl, bench);
  }
}

/** Where the time goes: each step's p50 / p95 from navigation start. */
function printSteps(runs: Milestones[]): void {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const steps: (readonly [string, (m: Milestones) => number])[] = [
    ['index.html received', (m) => m.page],
    ['view chunk loaded', (m) => m.viewChunk],
    ['query sent', (m) => m.request],
    ['answer received', (m) => m.answer],
    ['query, sent → answered', (m) => m.answer - m.request],
    ['cards', (m) => m.cards],
    ['chart chunk loaded', (m) => m.chartChunk],
    ...[0, 1, 2, 3].map(
      (i) => [`chart ${i + 1} drawn`, (m: Milestones) => m.drawn[i] ?? Number.NaN] as const,
    ),
    ['long tasks before chart 4 (sum)', (m) => m.longTasks.total],
    ['longest task', (m) => m.longTasks.max],
  ];
  console.log('  where the time goes (from navigation start; p50 / p95):');
  for (const [label, pick] of steps) {
    const { p50, p95 } = spread(runs, pick);
    console.log(`    ${label.padEnd(34)}${ms(p50).padStart(9)} /${ms(p95).padStart(9)}`);
  }
  const counts = runs.map((m) => m.longTasks.count).sort((a, b) => a - b);
  console.log(`    long tasks before chart 4: ${counts.join(', ')} per run`);
}

export async function runDashboardBench(): Promise<void> {
  for (const dir of BUILDS) {
    if (!existsSync(join(dir, 'index.html'))) {
      throw new Error(`${dir}/index.html is missing: run \`npx -y pnpm@12.4.2 build\` first.`);
    }
    console.log(`${BUILDS.length > 1 ? `${dir}: ` : ''}${bundleReport(dir)}`);
  }
  let stop: (() => Promise<void>) | undefined;
  let serverUrl = env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: join(tmpdir(), 'cortex-bench-pg') });
    serverUrl = embedded.url('postgres');
    stop = embedded.stop;
  }
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
    ],
  });
  try {
    for (const dataset of datasets()) await runDataset(serverUrl, dataset, browser);
  } finally {
    await browser.close();
    await stop?.();
  }
}
