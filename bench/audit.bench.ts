import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Booted,
  boot,
  ingestItems,
  loadConfig,
  startEmbeddedPostgres,
} from '@cortex-telemetry/api';
import { seedDemoIfEmpty } from '@cortex-telemetry/api/seed';
import axe from 'axe-core';
import lighthouse, { desktopConfig } from 'lighthouse';
import { pino } from 'pino';
import { chromium, type Page } from 'playwright-core';
import { benchDatabase, dropUnlessKept, foldAll } from './bench-db.js';
import { DEFAULT_LAST_DAY } from './synthetic.js';

/**
 * `pnpm bench:audit`: Lighthouse (desktop preset) and axe-core on the dashboard's pages with the
 * demo data, the figures of issue #19 goal 1 (performance ≥ 95, total blocking time ≤ 150 ms,
 * accessibility 100 on both beta pages; no serious or critical axe violation on any page).
 *
 * A fresh database seeded with the demo, the real server with the built dashboard, and Debian's
 * Chromium (CHROMIUM_PATH, default /usr/bin/chromium) started by playwright with a debugging
 * port Lighthouse connects to. The admin token sits in the profile's localStorage (the dashboard
 * never takes it from a URL), so Lighthouse keeps storage and the browser cache is cleared
 * before each of its runs instead. BENCH_AUDIT_PAGES=/open-beta,/compare picks pages;
 * BENCH_AUDIT_WEB_DIR=/path/to/dist audits another build of the dashboard. BENCH_DB=<name> audits
 * a database `bench:kpi` loaded and kept (e.g. 10M synthetic events) instead of the demo: the open
 * beta's page then opens on its last 30 days (`?days=30&asOf=`, the synthetic data's last day).
 */
const env = process.env;
const ADMIN = `bench-admin-${randomBytes(8).toString('hex')}`;
/** Another build (BENCH_AUDIT_WEB_DIR, e.g. main's) is audited the same way, for a before/after. */
const WEB_DIST = env.BENCH_AUDIT_WEB_DIR
  ? pathToFileURL(`${env.BENCH_AUDIT_WEB_DIR.replace(/\/$/, '')}/`)
  : new URL('../packages/web/dist/', import.meta.url);
const PAGES = env.BENCH_AUDIT_PAGES?.split(',') ?? [
  '/open-beta',
  '/closed-beta',
  '/compare',
  '/errors',
  '/traces',
];
const VIEWPORT = { width: 1350, height: 940 };
const LIGHTHOUSE_PAGES = new Set(['/open-beta', '/closed-beta']);
const CHARTS = ['chart-dau-wau', 'chart-cdr', 'chart-resurrection', 'chart-conversion'];
const PORT = 9222 + Math.floor(Math.random() * 500);

/** The page settled: charts drawn on the beta pages, the network quiet everywhere. */
async function settle(page: Page, path: string): Promise<void> {
  if (LIGHTHOUSE_PAGES.has(path)) {
    await Promise.all(
      CHARTS.map((id) =>
        page.locator(`[data-testid="${id}"][data-drawn="true"]`).waitFor({ timeout: 60_000 }),
      ),
    );
  }
  await page.waitForLoadState('networkidle', { timeout: 60_000 });
}

/** Each violation as `impact id (n nodes)`, and the nodes' selectors and axe's reason under it. */
async function axeViolations(page: Page): Promise<{ summary: string[]; nodes: string[] }> {
  await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  );
  return {
    summary: result.violations.map((v) => `${v.impact ?? '?'} ${v.id} (${v.nodes.length} nodes)`),
    nodes: result.violations.flatMap((v) =>
      v.nodes.map(
        (n) =>
          `    ${v.id} ${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`,
      ),
    ),
  };
}

/**
 * Which element Lighthouse took as the largest contentful paint, and where its time went (time to
 * first byte, then the render delay: a text element painted late was waiting for script or data).
 */
function lcpElement(details: unknown): string {
  type Item = { type?: string; items?: { label?: string; duration?: number }[]; selector?: string };
  const parts = (details as { items?: Item[] } | undefined)?.items ?? [];
  const table = parts.find((p) => p.type === 'table')?.items ?? [];
  const node = parts.find((p) => p.type === 'node');
  if (!node) return '';
  const phases = table.map((row) => `${row.label} ${Math.round(row.duration ?? 0)}`).join(', ');
  return `LCP element ${node.selector ?? '?'} (${phases})`;
}

/** The longest main-thread tasks (what total blocking time is made of), with their script. */
function longTasks(details: unknown): string {
  type Task = { url?: string; duration?: number; startTime?: number };
  const items = ((details as { items?: Task[] } | undefined)?.items ?? [])
    .toSorted((a, b) => (b.duration ?? 0) - (a.duration ?? 0))
    .slice(0, 4);
  const script = (url = '') =>
    url
      .split('/')
      .pop()
      ?.replace(/-[\w-]{8}\.js$/, '.js') || url;
  const list = items.map(
    (t) =>
      `${Math.round(t.duration ?? 0)} ms at ${Math.round(t.startTime ?? 0)} (${script(t.url)})`,
  );
  return list.length > 0 ? `longest tasks: ${list.join(', ')}` : '';
}

async function main(): Promise<void> {
  if (!existsSync(new URL('index.html', WEB_DIST))) {
    throw new Error('packages/web/dist is missing: run `npx -y pnpm@12.4.2 build` first.');
  }
  let stop: (() => Promise<void>) | undefined;
  let serverUrl = env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: join(tmpdir(), 'cortex-bench-pg') });
    serverUrl = embedded.url('postgres');
    stop = embedded.stop;
  }
  const bench = benchDatabase('ct_audit', 1);
  const { name } = bench;
  // the synthetic data ends on a fixed day (the demo's on the day it was seeded, today): the open
  // beta's last 30 days; the closed beta ended earlier and opens on its last window by itself
  const query = (path: string) =>
    bench.reused && path === '/open-beta' ? `?days=30&asOf=${DEFAULT_LAST_DAY}` : '';
  const logger = pino({ level: 'silent' });
  const profile = mkdtempSync(join(tmpdir(), 'ct-audit-'));
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
    if (bench.reused) {
      console.log(`database ${name} as loaded by an earlier run (BENCH_DB), migrations applied`);
    } else {
      const seeded = await seedDemoIfEmpty({ orm, config, ingest: ingestItems }, logger);
      // as the server's background folder does within seconds of `pnpm start`: without it, every
      // KPI read would add the whole demo as its pending tail (the cards then took ~16 s here)
      await foldAll(orm);
      console.log(`demo data: ${seeded.events.toLocaleString('en')} events, database ${name}`);
    }
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const context = await chromium.launchPersistentContext(profile, {
      executablePath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      viewport: VIEWPORT,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        `--remote-debugging-port=${PORT}`,
      ],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${base}/sign-in`);
      await page.evaluate(
        (token) => localStorage.setItem('cortex-telemetry.admin-token', token),
        ADMIN,
      );
      const cdp = await context.newCDPSession(page);
      console.log(
        'page            perf  TBT ms  a11y  axe violations (impact id nodes); then FCP, LCP, SI (ms) and CLS',
      );
      for (const path of PAGES) {
        await page.goto(`${base}${path}${query(path)}`);
        await settle(page, path);
        const { summary: violations, nodes } = await axeViolations(page);
        let perf = '   –';
        let tbt = '     –';
        let a11y = '   –';
        let metrics = '';
        let lcp = '';
        let tasks = '';
        if (LIGHTHOUSE_PAGES.has(path)) {
          await cdp.send('Network.clearBrowserCache');
          const run = await lighthouse(
            `${base}${path}${query(path)}`,
            { port: PORT, disableStorageReset: true, logLevel: 'error' },
            desktopConfig,
          );
          const lhr = run?.lhr;
          const score = (key: string) =>
            String(Math.round((lhr?.categories[key]?.score ?? Number.NaN) * 100)).padStart(4);
          perf = score('performance');
          a11y = score('accessibility');
          tbt = String(
            Math.round(lhr?.audits['total-blocking-time']?.numericValue ?? Number.NaN),
          ).padStart(6);
          const failed = Object.values(lhr?.audits ?? {})
            .filter(
              (a) =>
                a.scoreDisplayMode === 'binary' &&
                a.score === 0 &&
                lhr?.categories.accessibility?.auditRefs.some((r) => r.id === a.id),
            )
            .map((a) => a.id);
          if (failed.length > 0) violations.push(`lighthouse a11y: ${failed.join(', ')}`);
          const value = (id: string) => lhr?.audits[id]?.numericValue ?? Number.NaN;
          metrics = `FCP ${Math.round(value('first-contentful-paint'))}  LCP ${Math.round(value('largest-contentful-paint'))}  SI ${Math.round(value('speed-index'))}  CLS ${value('cumulative-layout-shift').toFixed(3)}`;
          lcp = lcpElement(lhr?.audits['lcp-breakdown-insight']?.details);
          tasks = longTasks(lhr?.audits['long-tasks']?.details);
        }
        console.log(
          `${path.padEnd(14)} ${perf}  ${tbt}  ${a11y}  ${violations.join('; ') || 'none'}`,
        );
        // what the performance score is made of, to see which metric holds it back
        if (metrics) console.log(`${' '.repeat(15)}${metrics}`);
        if (lcp) console.log(`${' '.repeat(15)}${lcp}`);
        if (tasks) console.log(`${' '.repeat(15)}${tasks}`);
        for (const line of nodes) console.log(line);
      }
      console.log(
        'goals (#19): performance ≥ 95, TBT ≤ 150 ms, accessibility 100 on both beta pages; no serious or critical axe violation',
      );
    } finally {
      await context.close();
    }
  } finally {
    const running = app?.server;
    if (running?.listening) await new Promise<void>((done) => running.close(() => done()));
    await app?.orm.close(true);
    await dropUnlessKept(serverUrl, bench);
    rmSync(profile, { recursive: true, force: true });
    await stop?.();
  }
}

await main();
