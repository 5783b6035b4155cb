import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase, ensureDatabase, withDatabase } from '@cortex-telemetry/api';
import {
  ANALYST_QUERIES,
  BURST_ADDRESS,
  badBatch,
  call,
  clientAddress,
  eventBatch,
  KPI_QUERY,
  MALFORMED,
  SOAK_ADMIN_TOKEN,
  SOAK_BURST_TOKEN,
  SOAK_INGEST_TOKEN,
  Stats,
  type Target,
  TINY_EVENT,
} from './soak-traffic.js';

/**
 * `pnpm bench:soak`: SOAK_MINUTES (default 10) of mixed traffic against the built server
 * (`packages/api/dist/main.js`, run as `pnpm start` runs it): ingest at half the maximum measured
 * first in the same run (starting once the calibration's backlog is folded), KPI and analyst
 * reads, bad batches, and once a minute a burst that the per-token rate limit must turn into
 * 429s. Per minute: the server's RSS, p50/p99 per operation and the outcomes. The baseline is the
 * first minute after warm-up: RSS growth and the ingest p99 ratio are measured against it. Goal:
 * RSS growth < 10%, p99 steady, zero 5xx. Env: SOAK_MINUTES, DATABASE_URL (a server for a scratch
 * database, as that server is configured; else the embedded PostgreSQL with `pnpm start`'s
 * settings), and the server settings in SERVER_KNOBS, passed on to it when set.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const BATCH = 500;
const CALIBRATION_MS = 15_000;
const MAX_IN_FLIGHT = 8;
const SETTLE_MS = 5_000;
/** The calibration's and the settle's ingest token, apart from the soak's own. */
const CALIBRATION_TOKEN = 'soak-calibration';

/** Server settings a run may override (docs/api.md#limits), e.g. to compare pool sizes. */
const SERVER_KNOBS = [
  'DATABASE_POOL_SIZE',
  'DATABASE_READ_POOL_SIZE',
  'READ_PARALLEL_WORKERS',
  'INGEST_BACKLOG_LIMIT',
  'FOLD_LANES',
  'QUERY_TIMEOUT_MS',
  'ADMIN_CONCURRENCY',
];

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** A scratch database on DATABASE_URL's server, or an embedded PostgreSQL in a temp dir. */
async function database(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ct-soak-'));
  // as root, the embedded PostgreSQL runs as the `postgres` user, which must reach its directory
  await chmod(dataDir, 0o755);
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return {
      env: { DATA_DIR: dataDir },
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `ct_soak_${process.pid}`;
  await ensureDatabase(serverUrl, name);
  return {
    env: { DATABASE_URL: withDatabase(serverUrl, name), DATA_DIR: dataDir },
    drop: async () => {
      await dropDatabase(serverUrl, name);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function startServer(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const main = join(ROOT, 'packages/api/dist/main.js');
  if (!existsSync(main)) throw new Error('build first: npx -y pnpm@12.4.2 build');
  const child = spawn(process.execPath, ['--enable-source-maps', main], {
    cwd: join(ROOT, 'packages/api'),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...env,
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      TELEMETRY_INGEST_TOKENS: `${SOAK_INGEST_TOKEN},${SOAK_BURST_TOKEN},${CALIBRATION_TOKEN}`,
      TELEMETRY_ADMIN_TOKENS: SOAK_ADMIN_TOKEN,
      SEED_DEMO: '0',
      LOG_LEVEL: 'warn',
      // clients are told apart by X-Forwarded-For, as behind a proxy; each address may send 2
      // requests a second in bursts of 20, which the beta's clients stay under and a burst does not
      TRUST_PROXY: '1',
      RATE_LIMIT_ADDRESS_PER_SECOND: '2',
      RATE_LIMIT_ADDRESS_BURST: '20',
      // the server's own knobs of issue #19, passed on when set, to compare settings run by run
      ...Object.fromEntries(
        SERVER_KNOBS.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
      ),
    },
  });
  for (let i = 0; i < 600; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    await sleep(200);
  }
  throw new Error('server not ready after 120 s');
}

/** Events/s with 4 clients sending batches back to back: the maximum this machine sustains. */
async function calibrate(target: Target): Promise<number> {
  const until = performance.now() + CALIBRATION_MS;
  let events = 0;
  const client = async () => {
    while (performance.now() < until) {
      const from = clientAddress();
      if (
        (await call(target, 'calibrate', CALIBRATION_TOKEN, eventBatch(BATCH), false, from)) ===
        'ok'
      )
        events += BATCH;
    }
  };
  const started = performance.now();
  await Promise.all([client(), client(), client(), client()]);
  return events / ((performance.now() - started) / 1000);
}

/**
 * Until the calibration's backlog is folded. Its four clients leave the fold as far behind as
 * admission control lets them (INGEST_BACKLOG_LIMIT), and the soak's first seconds would meet
 * that as 503s that belong to the calibration: so the soak starts once a one-event batch is
 * admitted again and the fold has had SETTLE_MS more for the rest. Returns the ms it waited.
 */
async function settle(target: Target): Promise<number> {
  const started = performance.now();
  while (
    (await call(target, 'settle', CALIBRATION_TOKEN, eventBatch(1), false, clientAddress())) !==
    'ok'
  ) {
    await sleep(500);
  }
  await sleep(SETTLE_MS);
  return performance.now() - started;
}

const OPS = ['ingest', 'kpi', 'analyst', 'bad', 'burst'] as const;
const fmt = (v: number | null) =>
  v === null ? '—' : v < 10 ? v.toFixed(1) : Math.round(v).toString();

function row(minute: number, rss: number, s: Stats): string {
  const cells = OPS.map((op) => `${fmt(s.percentile(op, 50))}/${fmt(s.percentile(op, 99))}`);
  const outcomes = (['ok', '4xx', '429', '5xx', 'network'] as const).map((o) => s.total(o));
  return [
    String(minute).padStart(3),
    String(rss).padStart(6),
    ...cells.map((c) => c.padStart(11)),
    ...outcomes.map((n) => String(n).padStart(6)),
  ].join(' |');
}

async function main(): Promise<void> {
  const db = await database();
  const port = await freePort();
  const server = await startServer(port, db.env);
  const pid = server.pid ?? 0;
  // Ctrl-C still stops the server and drops the scratch database
  const stop = () => {
    server.kill('SIGTERM');
    void db.drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let stats = new Stats();
  const target: Target = { url: `http://127.0.0.1:${port}/graphql`, stats: () => stats };
  try {
    const max = await calibrate(target);
    const rate = max / 2;
    log(`calibration: ${Math.round(max)} events/s with 4 clients, batches of ${BATCH}`);
    log(
      `settled: ingest admitted again and the fold given ${SETTLE_MS / 1000} s more, ${((await settle(target)) / 1000).toFixed(1)} s in all`,
    );
    log(
      `soak: ${MINUTES} min, ingest at ${Math.round(rate)} events/s (half), machine load ${(await readFile('/proc/loadavg', 'utf8')).trim()}`,
    );
    log(
      'min | RSS MB |  ingest ms |     kpi ms | analyst ms |     bad ms |   burst ms |    ok |   4xx |   429 |   5xx |   net',
    );
    log(
      '    |        |    p50/p99 |    p50/p99 |    p50/p99 |    p50/p99 |    p50/p99 |       |       |       |       |',
    );
    const rows: { rss: number; p99: number | null; fivexx: number; paused: number }[] = [];
    const tasks = new Set<Promise<unknown>>();
    const fire = (p: Promise<unknown>) => {
      tasks.add(p);
      void p.finally(() => tasks.delete(p));
    };
    let inFlight = 0;
    let skipped = 0;
    const batchEvery = (BATCH / rate) * 1000;
    for (let minute = 1; minute <= MINUTES; minute++) {
      stats = new Stats();
      const start = performance.now();
      let nextBatch = start;
      let tick = 0;
      let rss = 0;
      while (performance.now() - start < 60_000) {
        const now = performance.now();
        while (nextBatch <= now) {
          nextBatch += batchEvery;
          if (inFlight >= MAX_IN_FLIGHT) {
            skipped++;
            continue;
          }
          inFlight++;
          fire(
            call(target, 'ingest', SOAK_INGEST_TOKEN, eventBatch(BATCH)).finally(() => inFlight--),
          );
        }
        const second = Math.floor((now - start) / 1000);
        if (second >= tick) {
          tick = second + 1;
          fire(
            call(
              target,
              'analyst',
              SOAK_ADMIN_TOKEN,
              ANALYST_QUERIES[second % ANALYST_QUERIES.length]?.() ?? '',
            ),
          );
          if (second % 5 === 0) fire(call(target, 'kpi', SOAK_ADMIN_TOKEN, KPI_QUERY()));
          if (second % 10 === 5) {
            fire(call(target, 'bad', SOAK_INGEST_TOKEN, badBatch(50), true));
            fire(call(target, 'bad', SOAK_INGEST_TOKEN, MALFORMED, true));
          }
          if (second === 30) {
            for (let i = 0; i < 400; i++) {
              fire(call(target, 'burst', SOAK_BURST_TOKEN, TINY_EVENT, false, BURST_ADDRESS));
            }
          }
          if (second % 5 === 0) rss = Math.max(rss, await rssMb(pid));
        }
        await sleep(Math.max(1, Math.min(50, nextBatch - performance.now())));
      }
      await Promise.all(tasks);
      rss = Math.max(rss, await rssMb(pid));
      log(row(minute, rss, stats));
      for (const [key, f] of stats.failures) log(`    ${key}: ${f.count}× e.g. ${f.sample}`);
      rows.push({
        rss,
        p99: stats.percentile('ingest', 99),
        fivexx: stats.total('5xx'),
        paused: stats.paused,
      });
    }
    const base = rows[1] ?? rows[0];
    const last = rows.at(-1);
    if (base && last) {
      const growth = ((last.rss - base.rss) / base.rss) * 100;
      const p99 = base.p99 && last.p99 ? last.p99 / base.p99 : null;
      const fivexx = rows.reduce((n, r) => n + r.fivexx, 0);
      const paused = rows.reduce((n, r) => n + r.paused, 0);
      log(
        `RSS after warm-up (minute ${rows.length > 1 ? 2 : 1}) → last: ${base.rss} → ${last.rss} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%; goal < 10%)`,
      );
      log(
        `ingest p99, last minute / first after warm-up: ${p99 === null ? '—' : `${p99.toFixed(2)}×`}; 5xx: ${fivexx} (goal 0; ${paused} of them admission control's 503 + Retry-After); ingest batches skipped (8 in flight): ${skipped}`,
      );
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((done) => server.once('exit', done));
    await db.drop();
  }
}

await main();
