import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  boot,
  dropDatabase,
  type EmbeddedDatabase,
  loadConfig,
  startEmbeddedPostgres,
} from '@cortex-telemetry/api';
import { TelemetryClient } from '@cortex-telemetry/client';
import { pino } from 'pino';

/**
 * `pnpm bench:sdk`: what the SDK costs its host, beside baselines measured in the same run.
 * 1. The caller's thread: ns per `emitEvent` (p50/p99 over groups of 10 calls) and heap per
 *    queued item, beside building the same object (UUID, ISO timestamp, defaults spread) and
 *    pushing it on an array — what a naive client does in the call — and beside the floor of the
 *    SDK's own design (pushing name, a copy of the fields and the clock; the full item is built
 *    later by the delivery loop). Nothing is sent meanwhile: the loop runs in later tasks.
 * 2. The same with `persistPath` (one write(2) per call).
 * 3. End to end: events/s from one client to the real server on this machine, beside the same
 *    events sent as hand-built `recordEvents` batches of 500 with plain fetch.
 * Env: BENCH_CALLS (default 200000), BENCH_E2E_EVENTS (default 50000), DATABASE_URL (a server
 * to create a scratch database on; else an embedded PostgreSQL in a temp dir).
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const E2E = Number(process.env.BENCH_E2E_EVENTS ?? 50_000);
const GROUP = 10;
const defaults = { userIdHash: 'u_bench', sessionId: 's_bench', channel: 'server' } as const;
const fields = { contextId: 'ctx_1', metadata: { tool_name: 'search_context' } };

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** ns per call for groups of GROUP calls, and heap bytes per item still held at the end. */
function measure(
  run: (i: number) => void,
  keep: () => unknown,
): { p50: number; p99: number; bytes: number } {
  for (let i = 0; i < 20_000; i++) run(i); // warm-up (JIT)
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i += GROUP) {
    const t = process.hrtime.bigint();
    for (let k = 0; k < GROUP; k++) run(i + k);
    samples.push(Number(process.hrtime.bigint() - t) / GROUP);
  }
  gc();
  const bytes = (process.memoryUsage().heapUsed - heapBefore) / CALLS;
  keep();
  samples.sort((a, b) => a - b);
  return { p50: pct(samples, 0.5), p99: pct(samples, 0.99), bytes };
}

const noSend = (async () => new Response('{}', { status: 503 })) as typeof fetch;
function sdkClient(persistPath?: string) {
  return new TelemetryClient({
    endpoint: 'http://127.0.0.1:9/graphql',
    token: 'bench',
    defaults,
    fetch: noSend,
    flushAt: Number.MAX_SAFE_INTEGER,
    flushIntervalMs: 3_600_000,
    maxQueueSize: CALLS + 100_000,
    persistPath,
    onError: () => {},
  });
}

function callerThread(): void {
  let held: object[] = [];
  const baseline = measure(
    () => {
      held.push({
        ...defaults,
        ...fields,
        eventId: randomUUID(),
        eventName: 'context_loaded',
        timestamp: new Date().toISOString(),
      });
    },
    () => held.length,
  );
  held = [];
  // the floor: what the SDK's fast path keeps per call (name, a copy of the fields, the clock)
  const floor = measure(
    () => {
      held.push({ name: 'context_loaded', fields: { ...fields }, at: Date.now() });
    },
    () => held.length,
  );
  held = [];
  const client = sdkClient();
  const sdk = measure(
    () => client.emitEvent('context_loaded', fields),
    () => client.stats().queued,
  );
  const row = (name: string, r: typeof sdk) =>
    `  ${name.padEnd(38)} p50 ${r.p50.toFixed(0).padStart(5)} ns   p99 ${r.p99.toFixed(0).padStart(6)} ns   ${r.bytes.toFixed(0).padStart(5)} B/item`;
  console.log(`caller's thread, ${CALLS} calls (groups of ${GROUP}):`);
  console.log(row('baseline: build object + push', baseline));
  console.log(row('floor: {name, fields copy, now} push', floor));
  console.log(row('emitEvent (memory queue)', sdk));
  console.log(
    `  ratio emitEvent / baseline: p50 ${(sdk.p50 / baseline.p50).toFixed(2)}×, memory ${(sdk.bytes / baseline.bytes).toFixed(2)}×; goal p50 < 2000 ns: ${sdk.p50 < 2000 ? 'met' : 'NOT met'}`,
  );
  void client.shutdown(0);
}

async function persisted(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-queue-'));
  const client = sdkClient(dir);
  const r = measure(
    () => client.emitEvent('context_loaded', fields),
    () => client.stats().queued,
  );
  console.log(
    `  emitEvent (persistPath)                p50 ${r.p50.toFixed(0).padStart(5)} ns   p99 ${r.p99.toFixed(0).padStart(6)} ns   (one write(2) per call)`,
  );
  await client.shutdown(0);
  await rm(dir, { recursive: true, force: true });
}

async function endToEnd(): Promise<void> {
  let embedded: EmbeddedDatabase | null = null;
  let dir: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dir = await mkdtemp(join(tmpdir(), 'ct-bench-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir: dir });
    adminUrl = embedded.url('postgres');
  }
  const name = `ct_bench_sdk_${process.pid}`;
  const { orm, server } = await boot({
    databaseUrl: adminUrl,
    database: name,
    config: loadConfig({ SEED_DEMO: '0' }),
    tokens: { ingest: ['bench'], admin: [] },
    logger: pino({ level: 'silent' }),
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
  try {
    // baseline: the same events as hand-built batches of 500, one request at a time
    const started = performance.now();
    const query = 'mutation ($es: [EventInput!]!) { recordEvents(events: $es) { accepted } }';
    for (let i = 0; i < E2E; i += 500) {
      const es = Array.from({ length: Math.min(500, E2E - i) }, () => ({
        ...defaults,
        channel: 'SERVER',
        contextId: 'ctx_1',
        metadata: fields.metadata,
        eventId: randomUUID(),
        eventName: 'CONTEXT_LOADED',
        timestamp: new Date().toISOString(),
      }));
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
        body: JSON.stringify({ query, variables: { es } }),
      });
      await res.arrayBuffer();
    }
    const baselineRate = E2E / ((performance.now() - started) / 1000);

    const client = new TelemetryClient({
      endpoint,
      token: 'bench',
      defaults,
      maxQueueSize: E2E + 1,
      onError: (e) => console.error(e.message),
    });
    const t = performance.now();
    for (let i = 0; i < E2E; i++) client.emitEvent('context_loaded', fields);
    const ok = await client.shutdown(300_000);
    const sdkRate = E2E / ((performance.now() - t) / 1000);
    console.log(`end to end, ${E2E} events to the local server (one client, batches of 500):`);
    console.log(
      `  baseline: hand-built recordEvents  ${baselineRate.toFixed(0).padStart(7)} events/s`,
    );
    console.log(
      `  TelemetryClient emit → flushed      ${sdkRate.toFixed(0).padStart(7)} events/s   ratio ${(sdkRate / baselineRate).toFixed(2)}×  (all delivered: ${ok})`,
    );
  } finally {
    await new Promise<void>((done) => server.close(() => done()));
    await orm.close(true);
    await dropDatabase(adminUrl, name);
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

callerThread();
await persisted();
await endToEnd();
