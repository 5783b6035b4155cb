import cluster, { type Worker } from 'node:cluster';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { boot, loadConfig, startDaySetFolder } from '@cortex-telemetry/api';
import { pino } from 'pino';
import { requireFromDriver } from './ingest-raw.js';
import { BENCH_ADMIN_TOKEN, BENCH_INGEST_TOKEN } from './ingest-rows.js';

/**
 * The real server for the ingest bench, in its own process (as in production, the clients'
 * work does not share its event loop). Started by ingest.bench.ts over IPC, which can switch the
 * V8 CPU profiler on for one run. It times each HTTP request and each SQL round trip so the bench can say how
 * much of a batch is PostgreSQL and how much is the Node side (JSON, GraphQL, zod, rows).
 * With BENCH_WEB_PROCESSES=n above 1 it runs as main.ts does with WEB_CONCURRENCY=n: this
 * process migrates and folds, n cluster workers serve HTTP on one port, and the stats it
 * answers are the sum over all of them (CPU of the fold's process included).
 */

type Callback = (...args: unknown[]) => void;
type PgModule = {
  Client: { prototype: { query: (this: unknown, ...args: unknown[]) => unknown } };
};
// MikroORM's driver brings its own `pg` (another version than the bench's), so patch that one
const pg = requireFromDriver('pg') as PgModule;

const stats = { requests: 0, requestMs: 0, queries: 0, sqlMs: 0 };

// MikroORM's knex calls pg with a callback; time every round trip (BEGIN, INSERT, COMMIT)
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  const last = args[args.length - 1];
  if (typeof last !== 'function') return originalQuery.apply(this, args);
  const started = performance.now();
  args[args.length - 1] = (...result: unknown[]) => {
    stats.queries++;
    stats.sqlMs += performance.now() - started;
    (last as Callback)(...result);
  };
  return originalQuery.apply(this, args);
};

/** Profiling only the measured run, not the start-up (module loading dwarfs a short run). */
const inspector = new Session();
async function startProfile(): Promise<void> {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
  process.send?.({ type: 'profiling' });
}
async function stopProfile(path: string): Promise<void> {
  const { profile } = await inspector.post('Profiler.stop');
  await writeFile(path, JSON.stringify(profile));
  inspector.disconnect();
  process.send?.({ type: 'profile', path });
}

const WEB_PROCESSES = Number(process.env.BENCH_WEB_PROCESSES ?? 1);
type Stats = typeof stats & { cpuMs: number };

function bootBench(url: string) {
  return boot({
    databaseUrl: url,
    config: loadConfig({
      OPEN_BETA_STARTS_AT: '2026-10-01',
      SEED_DEMO: '0',
      // e.g. a bound out of reach, to time the request path without admission control's pauses
      ...(process.env.INGEST_BACKLOG_LIMIT
        ? { INGEST_BACKLOG_LIMIT: process.env.INGEST_BACKLOG_LIMIT }
        : {}),
      ...(process.env.FOLD_LANES ? { FOLD_LANES: process.env.FOLD_LANES } : {}),
    }),
    tokens: { ingest: [BENCH_INGEST_TOKEN], admin: [BENCH_ADMIN_TOKEN] },
    logger: pino({ level: 'silent' }),
  });
}

/** This process's request and SQL times and CPU since the last call. */
let cpuSince = process.cpuUsage();
function takeStats(): Stats {
  const cpu = process.cpuUsage(cpuSince);
  const taken = { ...stats, cpuMs: (cpu.user + cpu.system) / 1000 };
  Object.assign(stats, { requests: 0, requestMs: 0, queries: 0, sqlMs: 0 });
  cpuSince = process.cpuUsage();
  return taken;
}

function timeRequests(server: import('node:http').Server): void {
  server.on('request', (_req, res) => {
    const started = performance.now();
    res.on('finish', () => {
      stats.requests++;
      stats.requestMs += performance.now() - started;
    });
  });
}

/** A cluster worker: serves HTTP on the primary's port, answers its stats on request. */
async function serveInWorker(url: string): Promise<void> {
  const { orm, server } = await bootBench(url);
  timeRequests(server);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') process.send?.({ type: 'stats', stats: takeStats() });
    if (message.type === 'stop') {
      server.closeAllConnections();
      server.close(() => void orm.close().finally(() => process.exit(0)));
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
}

function ask<T>(worker: Worker, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string } & T) => {
      if (m.type !== type) return;
      worker.off('message', onMessage);
      resolve(m);
    };
    worker.on('message', onMessage);
    worker.send({ type });
  });
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('ingest-server is started by ingest.bench.ts');
  if (cluster.isWorker) return serveInWorker(url);
  if (!process.send) throw new Error('ingest-server is started by ingest.bench.ts');
  const { orm, server, config } = await bootBench(url);
  // as main.ts runs it: the KPI day sets are folded in the background
  const folder = startDaySetFolder(() => orm.em.fork(), {
    lanes: config.FOLD_LANES,
    onError: (error) => process.stderr.write(`ingest-server: fold failed: ${String(error)}\n`),
  });
  const workers: Worker[] = [];
  let port: number;
  if (WEB_PROCESSES > 1) {
    const ports = await Promise.all(
      Array.from({ length: WEB_PROCESSES }, () => {
        const worker = cluster.fork();
        workers.push(worker);
        return ask<{ port: number }>(worker, 'ready');
      }),
    );
    port = ports[0]!.port;
  } else {
    timeRequests(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  }
  const allStats = async (): Promise<Stats> => {
    const all = [
      takeStats(),
      ...(await Promise.all(workers.map((w) => ask<{ stats: Stats }>(w, 'stats')))).map(
        (r) => r.stats,
      ),
    ];
    return all.reduce((sum, s) => ({
      requests: sum.requests + s.requests,
      requestMs: sum.requestMs + s.requestMs,
      queries: sum.queries + s.queries,
      sqlMs: sum.sqlMs + s.sqlMs,
      cpuMs: sum.cpuMs + s.cpuMs,
    }));
  };
  process.on('message', (message: { type: string; path?: string }) => {
    if (message.type === 'stats') {
      void allStats().then((total) => process.send?.({ type: 'stats', stats: total }));
    }
    if (message.type === 'fold-stats') {
      const taken = folder.takeStats();
      process.send?.({ type: 'fold-stats', stats: { ...taken, lags: [...taken.lags] } });
    }
    if (message.type === 'profile-start') void startProfile();
    if (message.type === 'profile-stop') void stopProfile(message.path ?? 'server.cpuprofile');
    if (message.type === 'stop') {
      const exited = workers.map((w) => new Promise((done) => w.once('exit', done)));
      for (const w of workers) w.send({ type: 'stop' });
      server.closeAllConnections();
      server.close(() => {
        void Promise.all(exited)
          .then(() => folder.stop())
          .then(() => orm.close())
          .finally(() => process.exit(0));
      });
    }
  });
  process.send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest-server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
