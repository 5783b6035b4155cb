import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { benchDatabase, dropUnlessKept, fillUnlessReused } from './bench-db.js';
import { load } from './kpi-run.js';
import { DEFAULT_LAST_DAY } from './synthetic.js';

/** The dashboard benchmark itself; `dashboard.bench.ts` is the entry (see there for options). */
const env = process.env;
const RUNS = Number(env.BENCH_RUNS ?? 7);
const ADMIN = `bench-admin-${randomBytes(8).toString('hex')}`;
const WEB_DIST = new URL('../packages/web/dist/', import.meta.url);
const CHARTS = ['chart-dau-wau', 'chart-cdr', 'chart-resurrection', 'chart-conversion'];

const datasets = (): string[] => {
  const args = process.argv.slice(2).filter((a) => a === 'demo' || /^\d+$/.test(a));
  const list = args.length > 0 ? args : (env.BENCH_DASHBOARD?.split(',') ?? []);
  return list.length > 0 ? list : ['demo', '10000000'];
};

const percentile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

/** The bundle as a browser fetches it: every asset gzipped, and the chart library alone. */
function bundleReport(): string {
  const assets = join(WEB_DIST.pathname, 'assets');
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

/** The dashboard's one round trip, as the page sends it (cards and charts of both windows). */
async function apiTime(endpoint: string, asOf: string, runs: number): Promise<number[]> {
  const day = (offset: number) =>
    new Date(Date.parse(`${asOf}T12:00:00Z`) + offset * 86_400_000).toISOString();
  const report = `cdr { rate sessions dependentSessions series { day rate sessions dependentSessions } }
    resurrection { rate resurrectedUsers activeUsers viaContextUsers series { day resurrectedUsers activeUsers } }
    dauWau { dau avgDau wau mau stickiness series { day dau wau mau } }
    paidConversion { rate conversions eligibleUsers cancellations paidUsersAtEnd series { day conversions cancellations } }`;
  const query = `{ current: kpis(days: 30, asOf: "${day(0)}", phase: OPEN_BETA) { ${report} }
    previous: kpis(days: 30, asOf: "${day(-30)}", phase: OPEN_BETA) { ${report} } }`;
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

/**
 * Recorded in the page from its navigation start, by a script installed before any script runs:
 * when the four KPI cards first show a number and when each chart is drawn (a MutationObserver),
 * when the dashboard's query left and its answer was read (fetch wrapped), and every long task
 * (over 50 ms). A string, not a function: tsx would wrap a function's inner functions in a
 * helper the page does not have.
 */
const WATCH_MILESTONES = `(() => {
  const marks = (window.__marks = { drawn: [], longTasks: [] });
  const check = () => {
    if (marks.cards === undefined) {
      const values = [...document.querySelectorAll('[data-testid="kpi-value"]')];
      if (values.length >= 4 && values.every((v) => /\\d/.test(v.textContent || ''))) {
        marks.cards = performance.now();
      }
    }
    const drawn = document.querySelectorAll('.chart-panel[data-drawn="true"]').length;
    while (marks.drawn.length < Math.min(drawn, 4)) marks.drawn.push(performance.now());
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ['data-drawn'],
  });
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const sent = performance.now();
    const answer = fetch.apply(this, arguments);
    let operation = '';
    try { operation = JSON.parse(String((init && init.body) || '{}')).operationName || ''; } catch {}
    if (operation === 'BetaDashboard' && marks.request === undefined) {
      marks.request = sent;
      answer.then((r) => r.clone().text()).then(() => (marks.answer = performance.now()));
    }
    return answer;
  };
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) marks.longTasks.push([task.startTime, task.duration]);
  }).observe({ type: 'longtask', buffered: true });
})();`;

/** Read once the fourth chart is drawn (a string for the same reason as WATCH_MILESTONES). */
const COLLECT_MILESTONES = `(() => {
  const marks = window.__marks;
  const resources = performance.getEntriesByType('resource');
  const loaded = (chunk) =>
    resources.find((r) => r.name.includes('/assets/' + chunk + '-'))?.responseEnd ?? NaN;
  const fourth = marks.drawn[3] ?? performance.now();
  const before = marks.longTasks.filter(([start]) => start < fourth).map(([, d]) => d);
  return {
    viewChunk: loaded('BetaDashboardView'),
    request: marks.request ?? NaN,
    answer: marks.answer ?? NaN,
    cards: marks.cards ?? NaN,
    chartChunk: loaded('apex'),
    drawn: marks.drawn,
    longTasks: {
      count: before.length,
      total: before.reduce((a, b) => a + b, 0),
      max: Math.max(0, ...before),
    },
  };
})()`;

/** What one navigation recorded, in ms from its start. */
interface Milestones {
  viewChunk: number;
  request: number;
  answer: number;
  cards: number;
  chartChunk: number;
  drawn: number[];
  /** Long tasks before the fourth chart was drawn: how many, their sum and the longest. */
  longTasks: { count: number; total: number; max: number };
}

/**
 * Cold navigations (a fresh browser profile each): navigation start → four KPI cards with
 * numbers, → each chart drawn, and the steps between (chunks loaded, query sent and answered).
 */
async function pageTimes(browser: Browser, url: string): Promise<Milestones[]> {
  const runs: Milestones[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(
      (token) => localStorage.setItem('cortex-telemetry.admin-token', token),
      ADMIN,
    );
    await context.addInitScript({ content: WATCH_MILESTONES });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url, { waitUntil: 'commit' });
    try {
      await Promise.all(
        CHARTS.map((id) =>
          page.locator(`[data-testid="${id}"][data-drawn="true"]`).waitFor({ timeout: 180_000 }),
        ),
      );
    } catch (error) {
      const alert = await page.getByRole('alert').allTextContents();
      throw new Error(`charts not drawn: ${[...alert, ...problems].join(' | ') || String(error)}`);
    }
    const at = (await page.evaluate(COLLECT_MILESTONES)) as Milestones;
    if (i > 0) runs.push(at);
    // the panels below the fold query on after the charts: let them finish, or the server would
    // still be computing them during the next run's navigation
    await page.waitForLoadState('networkidle', { timeout: 180_000 });
    await context.close();
  }
  return runs;
}

/** p50 and p95 of one milestone over the runs. */
function spread(runs: Milestones[], pick: (m: Milestones) => number) {
  const sorted = runs.map(pick).sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted.at(-1)! };
}

async function runDataset(serverUrl: string, dataset: string, browser: Browser) {
  const bench = benchDatabase(`ct_dash_${dataset}`, datasets().length);
  const { name } = bench;
  const url = withDatabase(serverUrl, name);
  console.log(
    `\n== ${dataset === 'demo' ? 'demo data' : `${Number(dataset).toLocaleString('en')} synthetic events`}, database ${name}`,
  );
  const logger = pino({ level: 'silent' });
  let app: Booted | undefined;
  try {
    app = await boot({
      databaseUrl: serverUrl,
      database: name,
      poolMax: 4,
      config: loadConfig({ SEED_DEMO: '0' }),
      tokens: { ingest: [], admin: [ADMIN] },
      logger,
      webDir: WEB_DIST.pathname,
    });
    const { orm, config, server } = app;
    let asOf = new Date().toISOString().slice(0, 10);
    const started = performance.now();
    await fillUnlessReused(bench, async () => {
      if (dataset === 'demo') {
        const seeded = await seedDemoIfEmpty({ orm, config, ingest: ingestItems }, logger);
        console.log(`  seeded ${seeded.events.toLocaleString('en')} events`);
      } else {
        const loader = new pg.Pool({ connectionString: url, max: 2 });
        await load(loader, Number(dataset), url).finally(() => loader.end());
      }
      console.log(`  loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });
    // the synthetic data ends on a fixed day; the demo's on the day it was seeded (today)
    if (dataset !== 'demo') asOf = DEFAULT_LAST_DAY;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = await apiTime(`${base}/graphql`, asOf, RUNS);
    const runs = await pageTimes(browser, `${base}/open-beta?days=30&asOf=${asOf}`);
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const cards = spread(runs, (m) => m.cards);
    const charts = spread(runs, (m) => m.drawn[3] ?? Number.NaN);
    console.log(
      `  /open-beta?days=30&asOf=${asOf}, ${RUNS} cold navigations each after one warm-up:`,
    );
    console.log(
      `  navigation → 4 cards with numbers: p50 ${ms(cards.p50)}, p95 ${ms(cards.p95)}, max ${ms(cards.max)}`,
    );
    console.log(
      `  navigation → 4 charts drawn: p95 ${ms(charts.p95)}, p50 ${ms(charts.p50)}, max ${ms(charts.max)}`,
    );
    console.log(
      `  API (the page's one query, from Node): p50 ${ms(percentile(api, 0.5))}, max ${ms(api.at(-1) ?? Number.NaN)}`,
    );
    console.log(
      `  charts / API: ${(charts.p50 / percentile(api, 0.5)).toFixed(1)}× (goals at 10M, p95: cards < 400 ms, charts < 1000 ms)`,
    );
    // where the time goes: each step's p50 / p95 from navigation start
    const steps: (readonly [string, (m: Milestones) => number])[] = [
      ['view chunk loaded', (m) => m.viewChunk],
      ['query sent', (m) => m.request],
      ['answer read', (m) => m.answer],
      ['query in the browser', (m) => m.answer - m.request],
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
  } finally {
    const running = app?.server;
    if (running?.listening) await new Promise<void>((done) => running.close(() => done()));
    await app?.orm.close(true);
    await dropUnlessKept(serverUrl, bench);
  }
}

export async function runDashboardBench(): Promise<void> {
  if (!existsSync(new URL('index.html', WEB_DIST))) {
    throw new Error('packages/web/dist is missing: run `npx -y pnpm@12.4.2 build` first.');
  }
  console.log(bundleReport());
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
