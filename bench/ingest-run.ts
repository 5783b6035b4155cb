import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  dropDatabase,
  type EmbeddedDatabase,
  ensureDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from '@cortex-telemetry/api';
import { postBatch } from './ingest-http.js';
import { summariseProfile } from './ingest-profile.js';
import { connect, copyBatch, insertBatch, type PgClient, resetTables } from './ingest-raw.js';
import { printReport, type RunResult, type ServerStats } from './ingest-report.js';
import { apiBody, batches, benchEvents, copyText, rowsJson } from './ingest-rows.js';
import { measureStages } from './ingest-stages.js';
import { type FoldStats, runSustained } from './ingest-sustain.js';

/** The orchestration of the ingest bench (see ingest.bench.ts for what it measures). */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const BATCH = 500;
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '4,8').split(',').map(Number);
const PROFILE = process.env.BENCH_PROFILE !== '0';
const PROFILE_EVENTS = Math.min(EVENTS, 100_000);
const SUSTAIN_SECONDS = Number(process.env.BENCH_SUSTAIN_SECONDS ?? 120);
const SUSTAIN_NEW_USERS = process.env.BENCH_SUSTAIN_NEW_USERS === '1';
/** HTTP processes of the API runs (main.ts's WEB_CONCURRENCY), side by side: e.g. "1,2". */
const WEB_PROCESSES = (process.env.BENCH_WEB_PROCESSES ?? '1').split(',').map(Number);

const log = (m: string) => process.stderr.write(`[bench:ingest] ${m}\n`);

interface Server {
  port: number;
  child: ChildProcess;
  stats: () => Promise<ServerStats>;
  profile: (action: 'start' | 'stop', path?: string) => Promise<void>;
  foldStats: () => Promise<FoldStats>;
  stop: () => Promise<void>;
}

async function startServer(databaseUrl: string, processes = 1): Promise<Server> {
  const child = fork(fileURLToPath(new URL('./ingest-server.ts', import.meta.url)), {
    execArgv: process.execArgv,
    env: {
      ...process.env,
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_WEB_PROCESSES: String(processes),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string } & T) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null) => reject(new Error(`server exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { port } = await next<{ port: number }>('ready');
  return {
    port,
    child,
    stats: async () => {
      const reply = next<{ stats: ServerStats }>('stats');
      child.send({ type: 'stats' });
      return (await reply).stats;
    },
    foldStats: async () => {
      const reply = next<{ stats: FoldStats }>('fold-stats');
      child.send({ type: 'fold-stats' });
      return (await reply).stats;
    },
    profile: async (action, path) => {
      const reply = next(action === 'start' ? 'profiling' : 'profile');
      child.send({ type: `profile-${action}`, path });
      await reply;
    },
    stop: async () => {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** Busy share of all cores over an interval: other work on the box shows up here. */
function cpuMeter(): () => number {
  const sample = () =>
    cpus().reduce(
      (acc, c) => {
        const { idle, ...busy } = c.times;
        const b = Object.values(busy).reduce((s, v) => s + v, 0);
        return { busy: acc.busy + b, total: acc.total + b + idle };
      },
      { busy: 0, total: 0 },
    );
  const start = sample();
  return () => {
    const end = sample();
    return (end.busy - start.busy) / Math.max(1, end.total - start.total);
  };
}

/** `clients` workers take the next batch until none is left; returns wall time and rows stored. */
async function drive(
  clients: number,
  count: number,
  send: (index: number, slot: number) => Promise<number>,
): Promise<{ ms: number; stored: number; cpu: number }> {
  let next = 0;
  let stored = 0;
  const cpu = cpuMeter();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, slot) => {
      for (let i = next++; i < count; i = next++) {
        // not `stored += await …`: that reads `stored` before the await and loses updates
        const rows = await send(i, slot);
        stored += rows;
      }
    }),
  );
  return { ms: performance.now() - started, stored, cpu: cpu() };
}

async function withClients<T>(url: string, n: number, use: (c: PgClient[]) => Promise<T>) {
  const clients = await Promise.all(Array.from({ length: n }, () => connect(url)));
  try {
    return await use(clients);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

export async function runIngestBench(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'ct-bench-ingest-'));
  // as root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the dir
  await chmod(scratch, 0o755);
  let embedded: EmbeddedDatabase | null = null;
  let serverUrl = process.env.DATABASE_URL;
  const dbName = `ct_bench_ingest_${randomBytes(4).toString('hex')}`;
  let created = false;
  let server: Server | null = null;
  let admin: PgClient | null = null;
  try {
    if (!serverUrl) {
      log('DATABASE_URL unset: starting an embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ dataDir: join(scratch, 'pg') });
      serverUrl = embedded.url('postgres');
    }
    await ensureDatabase(serverUrl, dbName);
    created = true;
    const url = withDatabase(serverUrl, dbName);
    const t = performance.now();
    const events = benchEvents(EVENTS);
    const groups = batches(events, BATCH);
    const bodies = groups.map(apiBody);
    const recordsets = groups.map(rowsJson);
    const copies = groups.map(copyText);
    log(
      `${events.length} events in ${groups.length} batches of ${BATCH}, payloads built in ${Math.round(performance.now() - t)} ms`,
    );

    server = await startServer(url);
    admin = await connect(url);
    const db = admin;
    // the version, and the memory the day sets' reads are served from (docs/scale-out.md)
    const pgVersion = (
      (
        await admin.query(
          "select current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers') as v",
        )
      ).rows[0] as { v: string }
    ).v;
    const results: RunResult[] = [];
    const record = async (
      path: RunResult['path'],
      clients: number,
      run: () => Promise<{ ms: number; stored: number; cpu: number }>,
    ) => {
      await resetTables(db);
      const r = await run();
      const [{ n }] = (await db.query('select count(*)::int as n from telemetry_events')).rows as [
        { n: number },
      ];
      if (n !== events.length || r.stored !== events.length) {
        throw new Error(
          `${path} stored ${n} rows (reported ${r.stored}), expected ${events.length}`,
        );
      }
      results.push({ path, clients, rows: n, ms: r.ms, cpu: r.cpu });
      log(`${path.padEnd(30)} ${clients} clients: ${Math.round((n / r.ms) * 1000)} rows/s`);
    };

    const measureApi = async (through: Server, clients: number, processes: number) => {
      const warmup = new Agent({ keepAlive: true, maxSockets: clients });
      if (through !== server) {
        await drive(clients, Math.min(20, bodies.length), (i) =>
          postBatch(warmup, through.port, bodies[i]!),
        );
      }
      warmup.destroy();
      const agent = new Agent({ keepAlive: true, maxSockets: clients });
      await through.stats();
      const path: RunResult['path'] =
        processes === 1 ? 'API recordEvents' : `API recordEvents, ${processes} processes`;
      await record(path, clients, () =>
        drive(clients, bodies.length, (i) => postBatch(agent, through.port, bodies[i]!)),
      );
      const api = results[results.length - 1]!;
      api.server = await through.stats();
      agent.destroy();
      // the background folder catches up; its lag covers every fact of the run
      const drained = performance.now();
      while ((await db.query('select exists (select 1 from kpi_pending) as p')).rows[0].p) {
        await new Promise((done) => setTimeout(done, 20));
      }
      api.fold = { ...(await through.foldStats()), drainMs: performance.now() - drained };
    };

    // warm-up: JIT, plan caches and connection pools, so the first measured path is not penalised
    await withClients(url, 1, async ([pg]) => {
      for (const [i, json] of recordsets.slice(0, 10).entries()) {
        await insertBatch(pg!, json, groups[i]!.length, 'day facts');
      }
    });
    const warm = new Agent({ keepAlive: true, maxSockets: 4 });
    await drive(4, Math.min(20, bodies.length), (i) => postBatch(warm, server!.port, bodies[i]!));
    warm.destroy();

    for (const clients of CONCURRENCY) {
      await withClients(url, clients, async (pgs) => {
        await record('raw COPY', clients, () =>
          drive(clients, copies.length, (i, s) => copyBatch(pgs[s]!, copies[i]!)),
        );
        await record('raw INSERT (table only)', clients, () =>
          drive(clients, recordsets.length, (i, s) =>
            insertBatch(pgs[s]!, recordsets[i]!, groups[i]!.length, 'table only'),
          ),
        );
        await record('raw INSERT + day facts', clients, () =>
          drive(clients, recordsets.length, (i, s) =>
            insertBatch(pgs[s]!, recordsets[i]!, groups[i]!.length, 'day facts'),
          ),
        );
        await record('raw INSERT + day facts, inlined', clients, () =>
          drive(clients, recordsets.length, (i, s) =>
            insertBatch(pgs[s]!, recordsets[i]!, groups[i]!.length, 'day facts, inlined'),
          ),
        );
      });
      // the same batches through 1 and through more HTTP processes (each its own server)
      for (const processes of WEB_PROCESSES) {
        const through: Server = processes === 1 ? server : await startServer(url, processes);
        try {
          await measureApi(through, clients, processes);
        } finally {
          if (through !== server) await through.stop();
        }
      }
    }
    let profile = null;
    if (PROFILE) {
      // the same warm server, so the profile shows steady-state ingest, not start-up
      await resetTables(db);
      const path = join(scratch, 'server.cpuprofile');
      await server.profile('start');
      const agent = new Agent({ keepAlive: true, maxSockets: 4 });
      const count = Math.ceil(PROFILE_EVENTS / BATCH);
      const run = await drive(4, count, (i) => postBatch(agent, server!.port, bodies[i]!));
      agent.destroy();
      await server.profile('stop', path);
      profile = { rows: run.stored, ms: run.ms, summary: await summariseProfile(path, 20) };
      log(`profile run: ${Math.round((run.stored / run.ms) * 1000)} rows/s under the profiler`);
    }
    let sustained = null;
    if (SUSTAIN_SECONDS > 0) {
      await resetTables(db);
      const clients = Math.max(...CONCURRENCY);
      log(`sustained: ${clients} clients for ${SUSTAIN_SECONDS} s, kpis(days: 30) every 0.5 s`);
      sustained = await runSustained({
        port: server.port,
        db,
        bodies,
        batch: BATCH,
        seconds: SUSTAIN_SECONDS,
        clients,
        newUsers: SUSTAIN_NEW_USERS,
        foldStats: () => server!.foldStats(),
      });
    }
    const citus = process.env.CITUS_URL
      ? await runCitusPass(process.env.CITUS_URL, {
          copies,
          bodies,
          events: events.length,
          results,
        })
      : null;
    const stages = measureStages(bodies);
    printReport({
      stages,
      events: events.length,
      batch: BATCH,
      pgVersion,
      embedded: embedded !== null,
      cores: cpus().length,
      results,
      profile,
      sustained,
    });
    if (citus) printCitus(citus);
  } finally {
    await admin?.end().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    if (created && serverUrl) await dropDatabase(serverUrl, dbName).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
}

interface CitusPass {
  clients: number;
  copy: number;
  api: number;
  single: { copy: number; api: number };
  drainMs: number;
}

/**
 * With CITUS_URL: raw COPY and the API (its own server process on a fresh cluster database) at
 * the highest concurrency, on the same rows, beside the single-node figures of this run.
 */
async function runCitusPass(
  citusUrl: string,
  o: { copies: Buffer[]; bodies: string[]; events: number; results: RunResult[] },
): Promise<CitusPass> {
  const name = `ct_bench_ingest_citus_${randomBytes(4).toString('hex')}`;
  const clients = Math.max(...CONCURRENCY);
  const rate = (path: RunResult['path']) => {
    const r = o.results.find((x) => x.path === path && x.clients === clients)!;
    return (r.rows / r.ms) * 1000;
  };
  log(`Citus: ${clients} clients into a fresh cluster database ${name}`);
  await ensureDatabase(citusUrl, name);
  const url = withDatabase(citusUrl, name);
  const server = await startServer(url);
  const db = await connect(url);
  try {
    const stored = async () =>
      ((await db.query('select count(*)::int as n from telemetry_events')).rows[0] as { n: number })
        .n;
    await resetTables(db);
    const copy = await withClients(url, clients, (pgs) =>
      drive(clients, o.copies.length, (i, s) => copyBatch(pgs[s]!, o.copies[i]!)),
    );
    if ((await stored()) !== o.events) throw new Error('Citus COPY lost rows');
    await resetTables(db);
    const agent = new Agent({ keepAlive: true, maxSockets: clients });
    const api = await drive(clients, o.bodies.length, (i) =>
      postBatch(agent, server.port, o.bodies[i]!),
    );
    agent.destroy();
    if ((await stored()) !== o.events) throw new Error('Citus API lost rows');
    const drained = performance.now();
    while ((await db.query('select exists (select 1 from kpi_pending) as p')).rows[0].p) {
      await new Promise((done) => setTimeout(done, 20));
    }
    return {
      clients,
      copy: (o.events / copy.ms) * 1000,
      api: (o.events / api.ms) * 1000,
      single: { copy: rate('raw COPY'), api: rate('API recordEvents') },
      drainMs: performance.now() - drained,
    };
  } finally {
    await db.end().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await dropDatabase(citusUrl, name).catch(() => undefined);
  }
}

function printCitus(c: CitusPass): void {
  const n = (v: number) => Math.round(v).toLocaleString('en').padStart(8);
  console.log(`\nOne PostgreSQL beside Citus (coordinator + 2 workers on this same machine), ${c.clients} clients:

| path | single node | Citus | Citus / single |
|---|---:|---:|---:|
| raw COPY (rows/s) | ${n(c.single.copy)} | ${n(c.copy)} | ${(c.copy / c.single.copy).toFixed(2)} |
| API recordEvents (events/s) | ${n(c.single.api)} | ${n(c.api)} | ${(c.api / c.single.api).toFixed(2)} |
| API / COPY | ${(c.single.api / c.single.copy).toFixed(2)} | ${(c.api / c.copy).toFixed(2)} | |

Citus fold backlog gone ${Math.round(c.drainMs)} ms after the last batch.`);
}
