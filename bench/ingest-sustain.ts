import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { postBatch, postGraphQL } from './ingest-http.js';
import type { PgClient } from './ingest-raw.js';
import { BENCH_ADMIN_TOKEN } from './ingest-rows.js';

/**
 * The sustained part of `bench:ingest`: `clients` senders post batches as fast as the server
 * answers for `seconds`, while a reader asks `kpis(days: 30)` every half second and the
 * backlog of pending day facts is sampled every second. Batches are the bench's own, re-sent
 * in cycles with new event ids from the second cycle on. `newUsers` false (live traffic): the
 * same users on the same days, so after the first cycle most day facts are days already folded;
 * true (the fold's worst case): every cycle is new users, so every day fact is a new day.
 */
export interface FoldStats {
  folds: number;
  facts: number;
  maxFacts: number;
  /** [lag ms, facts] */
  lags: [number, number][];
}

export interface SustainResult {
  newUsers: boolean;
  seconds: number;
  events: number;
  /** Per second: pending facts and the age of the oldest one. */
  backlog: { at: number; facts: number; oldestMs: number }[];
  kpiMs: number[];
  drainMs: number;
  fold: FoldStats;
}

const KPIS = JSON.stringify({
  query: `{ kpis(days: 30, asOf: "2026-11-25T12:00:00Z") {
    cdr { rate sessions dependentSessions }
    resurrection { rate resurrectedUsers activeUsers viaContextUsers }
    dauWau { dau avgDau wau mau stickiness }
    paidConversion { rate conversions eligibleUsers }
  } }`,
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function rewrite(body: string, cycle: number, newUsers: boolean): string {
  if (cycle === 0) return body;
  const prefix = (0x10000000 + cycle).toString(16).slice(-8);
  const ids = body.replace(/"eventId":"[0-9a-f]{8}/g, `"eventId":"${prefix}`);
  return newUsers ? ids.replace(/"userIdHash":"/g, `"userIdHash":"c${cycle}`) : ids;
}

export async function runSustained(o: {
  port: number;
  db: PgClient;
  bodies: readonly string[];
  batch: number;
  seconds: number;
  clients: number;
  newUsers: boolean;
  foldStats: () => Promise<FoldStats>;
}): Promise<SustainResult> {
  await o.foldStats(); // reset
  const agent = new Agent({ keepAlive: true, maxSockets: o.clients + 1 });
  const started = performance.now();
  const end = started + o.seconds * 1000;
  let next = 0;
  let events = 0;
  const senders = Array.from({ length: o.clients }, async () => {
    while (performance.now() < end) {
      const i = next++;
      const cycle = Math.floor(i / o.bodies.length);
      const body = rewrite(o.bodies[i % o.bodies.length]!, cycle, o.newUsers);
      events += await postBatch(agent, o.port, body);
    }
  });
  const kpiMs: number[] = [];
  const reader = (async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const { status, json, text } = await postGraphQL(agent, o.port, KPIS, BENCH_ADMIN_TOKEN);
      if (status !== 200 || json.errors) throw new Error(`kpis failed: ${text.slice(0, 300)}`);
      kpiMs.push(performance.now() - t);
      await sleep(500);
    }
  })();
  const backlog: SustainResult['backlog'] = [];
  const sampler = (async () => {
    while (performance.now() < end) {
      const { rows } = await o.db.query(`select count(*)::int as facts,
        coalesce(round(extract(epoch from now() - min(noted_at)) * 1000), 0)::int as oldest_ms
        from kpi_pending`);
      backlog.push({
        at: (performance.now() - started) / 1000,
        facts: rows[0].facts,
        oldestMs: rows[0].oldest_ms,
      });
      await sleep(1000);
    }
  })();
  await Promise.all([...senders, reader, sampler]);
  const seconds = (performance.now() - started) / 1000;
  const drainStarted = performance.now();
  for (;;) {
    const { rows } = await o.db.query('select exists (select 1 from kpi_pending) as pending');
    if (!rows[0].pending) break;
    await sleep(20);
  }
  const drainMs = performance.now() - drainStarted;
  agent.destroy();
  return {
    newUsers: o.newUsers,
    seconds,
    events,
    backlog,
    kpiMs,
    drainMs,
    fold: await o.foldStats(),
  };
}

/** The q-quantile of a [value, count] histogram. */
export function quantileOf(histogram: readonly [number, number][], q: number): number {
  const sorted = [...histogram].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, n]) => s + n, 0);
  let seen = 0;
  for (const [value, n] of sorted) {
    seen += n;
    if (seen >= q * total) return value;
  }
  return Number.NaN;
}

export const quantile = (values: readonly number[], q: number) =>
  quantileOf(
    values.map((v) => [v, 1]),
    q,
  );
