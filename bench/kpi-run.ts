import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bindNamed,
  boot,
  insertEventsSql,
  loadConfig,
  rebuildDaySetsSql,
  startEmbeddedPostgres,
  withDatabase,
} from '@cortex-telemetry/api';
import pg from 'pg';
import { pino } from 'pino';
import { benchDatabase, dropUnlessKept, fillUnlessReused } from './bench-db.js';
import { type NaiveCohort, naiveCohort } from './cohorts-naive.sql.js';
import { rowsJson } from './ingest-rows.js';
import { kpiFanOut } from './kpi-fanout.js';
import { type NaiveKpi, naiveKpi, naiveWindow, type Queryable } from './kpi-naive.sql.js';
import { DEFAULT_LAST_DAY, type SyntheticEvent, syntheticEvents } from './synthetic.js';

/** The KPI benchmark itself; `kpi.bench.ts` is the entry (see there for the options). */
const env = process.env;
const RUNS = Number(env.BENCH_RUNS ?? 20);
const WARMUP = Number(env.BENCH_WARMUP ?? 3);
// the naive scans take seconds each at 10M events: fewer repetitions keep the run bounded
const NAIVE_RUNS = Number(env.BENCH_NAIVE_RUNS ?? 5);
const NAIVE_WARMUP = Number(env.BENCH_NAIVE_WARMUP ?? 1);
const ADMIN = `bench-admin-${randomBytes(8).toString('hex')}`;
const AS_OF = new Date(`${DEFAULT_LAST_DAY}T12:00:00Z`);
const CHUNK = 20_000;
/**
 * One chunk travels as a single TSV text parameter split server-side: much cheaper than
 * pg's array-literal encoding, and no synthetic value contains a tab or a newline.
 */
const INSERT = `insert into telemetry_events ("id", "timestamp", user_id_hash, user_tier, is_paid_user,
  session_id, channel, phase, event_name)
select f[1]::uuid, f[2]::timestamptz, f[3], f[4], f[5]::boolean, f[6], f[7], f[8], f[9]
from (select string_to_array(line, E'\\t') as f from unnest(string_to_array($1, E'\\n')) line) rows`;

const sizes = (): number[] => {
  const args = process.argv.slice(2).filter((a) => /^\d+$/.test(a));
  const list = args.length > 0 ? args : (env.BENCH_EVENTS?.split(',') ?? []);
  return list.length > 0 ? list.map(Number) : [1_000_000, 10_000_000];
};

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Secondary indexes and the primary key are dropped for the load and rebuilt once after it. */
export async function load(db: Queryable, events: number, url: string): Promise<void> {
  const indexes = (
    await db.query(`select indexname, indexdef from pg_indexes
      where tablename = 'telemetry_events'
        and indexname not in (select conname from pg_constraint)`)
  ).rows as { indexname: string; indexdef: string }[];
  const [pkey] = (
    await db.query(`select pg_get_constraintdef(oid) as def from pg_constraint
      where conname = 'telemetry_events_pkey'`)
  ).rows as { def: string }[];
  for (const i of indexes) await db.query(`drop index ${i.indexname}`);
  await db.query('alter table telemetry_events drop constraint telemetry_events_pkey');

  await timed(`insert ${events.toLocaleString('en')} events`, async () => {
    const inFlight = new Set<Promise<unknown>>();
    let lines: string[] = [];
    const flush = async () => {
      const done: Promise<unknown> = db
        .query(INSERT, [lines.join('\n')])
        .then(() => inFlight.delete(done));
      lines = [];
      inFlight.add(done);
      // two statements at a time keep both cores busy while the next chunk is generated
      if (inFlight.size >= 2) await Promise.race(inFlight);
    };
    for (const e of syntheticEvents({ events, users: users(events) })) {
      lines.push(
        `${e.eventId}\t${e.timestamp.toISOString()}\t${e.userIdHash}\t${e.userTier}\t${e.isPaidUser}\t${e.sessionId}\t${e.channel}\t${e.phase}\t${e.eventName}`,
      );
      if (lines.length === CHUNK) await flush();
    }
    if (lines.length > 0) await flush();
    await Promise.all(inFlight);
  });
  // one session for the rebuild, so its memory settings apply to every statement (and each
  // statement travels alone: Citus forwards DDL to the workers as a single command)
  const session = new pg.Client({ connectionString: url });
  await session.connect();
  try {
    await session.query("set maintenance_work_mem = '512MB'");
    await session.query("set work_mem = '256MB'");
    await timed('rebuild primary key and indexes', async () => {
      await session.query(
        `alter table telemetry_events add constraint telemetry_events_pkey ${pkey!.def}`,
      );
      for (const i of indexes) await session.query(i.indexdef);
    });
    await timed('rebuild kpi day sets', async () => {
      // the same statements the day-set migration backfills with
      for (const statement of rebuildDaySetsSql) await session.query(statement);
    });
  } finally {
    await session.end();
  }
  // vacuum too: after a bulk load nothing is all-visible yet, unlike a table autovacuum keeps
  await timed('vacuum analyze', () => db.query('vacuum analyze'));
}

/**
 * The fold backlog of the second part: BENCH_PENDING events (default a hundredth of the size,
 * at most 50,000) stored through ingest's own statement with nothing folded, as under
 * sustained ingest before the folder catches up. Another seed over the same users and days:
 * mostly days already folded, some filling gaps (re-linking days, moving comebacks), some new.
 */
const pendingEvents = (events: number) =>
  Number(env.BENCH_PENDING ?? Math.min(50_000, Math.round(events / 100)));

const [NOTED_INSERT] = bindNamed(insertEventsSql, { rows: null, receivedAt: null, expected: null });
let placeholder = 0;
const NOTED_INSERT_PG = NOTED_INSERT.replace(/\?/g, () => `$${++placeholder}`);

/** Stores `count` more events the way ingest does (day facts noted, not folded). */
async function addPending(db: Queryable, events: number, count: number): Promise<number> {
  let batch: SyntheticEvent[] = [];
  const flush = async () => {
    await db.query(NOTED_INSERT_PG, [
      rowsJson(batch),
      `${DEFAULT_LAST_DAY}T23:00:00Z`,
      batch.length,
    ]);
    batch = [];
  };
  for (const e of syntheticEvents({ events: count, users: users(events), seed: 7 })) {
    batch.push(e);
    if (batch.length === 5_000) await flush();
  }
  if (batch.length > 0) await flush();
  const { rows } = await db.query('select count(*)::int as n from kpi_pending');
  return (rows[0] as { n: number }).n;
}

const users = (events: number) =>
  Number(env.BENCH_USERS ?? Math.min(50_000, Math.max(1_000, Math.round(events / 20))));

const FIELDS: Record<NaiveKpi, string> = {
  cdr: 'rate sessions dependentSessions series { day rate sessions dependentSessions }',
  resurrection: `inactiveDays rate resurrectedUsers activeUsers viaContextUsers
    series { day resurrectedUsers activeUsers }`,
  dauWau: 'dau avgDau wau mau stickiness series { day dau wau mau }',
  paidConversion: `rate conversions eligibleUsers cancellations paidUsersAtEnd
    series { day conversions cancellations }`,
};
const KPIS = Object.keys(FIELDS) as NaiveKpi[];

type CohortField = NaiveCohort['kind'];

const COHORT_FIELDS: Record<CohortField, string> = {
  retention: 'cohorts { start size values incomplete } average { values }',
  lifecycle: 'periods { start new returning resurrecting dormant active }',
  funnel: `steps { eventName users conversionFromStart conversionFromPrevious
    medianSecondsFromPrevious }`,
};

interface Case {
  label: string;
  field: NaiveKpi | 'kpis' | CohortField;
  days: number;
  phase?: 'open_beta';
  channel?: 'extension';
  /** Retention, lifecycle and funnels: their own arguments, and the naive query's. */
  cohort?: NaiveCohort;
}

const FUNNEL_STEPS = [
  'extension_activated',
  'context_created',
  'context_loaded',
  'paid_subscription_started',
];

const CASES: Case[] = [
  { label: 'kpis(days: 30)', field: 'kpis', days: 30 },
  {
    label: 'kpis(30, open_beta, extension)',
    field: 'kpis',
    days: 30,
    phase: 'open_beta',
    channel: 'extension',
  },
  ...KPIS.flatMap((field) =>
    [7, 30, 90].map((days) => ({ label: `${field}(days: ${days})`, field, days })),
  ),
  {
    label: 'retention(WEEK, 12, days: 90)',
    field: 'retention',
    days: 90,
    cohort: { kind: 'retention', period: 'WEEK', intervals: 12 },
  },
  {
    label: 'lifecycle(DAY, days: 90)',
    field: 'lifecycle',
    days: 90,
    cohort: { kind: 'lifecycle', period: 'DAY' },
  },
  {
    label: 'funnel(4 steps, 14 d, days: 30)',
    field: 'funnel',
    days: 30,
    cohort: { kind: 'funnel', steps: FUNNEL_STEPS, windowDays: 14 },
  },
];

/** Asked again with a fold backlog: the reads whose cost follows the pending tail. */
const BACKLOG_CASES = CASES.filter((c) =>
  ['kpis(days: 30)', 'kpis(30, open_beta, extension)'].includes(c.label),
).concat(
  (['resurrection', 'dauWau'] as const).map((field) => ({
    label: `${field}(days: 30)`,
    field,
    days: 30,
  })),
);

/** The GraphQL arguments of a cohort case beyond the window's. */
function cohortArgs(q: NaiveCohort): string {
  switch (q.kind) {
    case 'retention':
      return `, period: ${q.period}, intervals: ${q.intervals}, type: ${q.type ?? 'FIRST_TIME'}${
        q.startEvent ? `, startEvent: ${q.startEvent.toUpperCase()}` : ''
      }${q.returnEvent ? `, returnEvent: ${q.returnEvent.toUpperCase()}` : ''}`;
    case 'lifecycle':
      return `, period: ${q.period}`;
    case 'funnel':
      return `, steps: [${q.steps.map((s) => s.toUpperCase()).join(', ')}], windowDays: ${q.windowDays}`;
  }
}

function document(c: Case): string {
  const args = `days: ${c.days}, asOf: "${AS_OF.toISOString()}"${c.phase ? `, phase: ${c.phase.toUpperCase()}` : ''}${c.channel ? `, channel: ${c.channel.toUpperCase()}` : ''}`;
  if (c.cohort) {
    return `{ result: ${c.field}(${args}${cohortArgs(c.cohort)}) { ${COHORT_FIELDS[c.cohort.kind]} } }`;
  }
  const body =
    c.field === 'kpis'
      ? KPIS.map((k) => `${k} { ${FIELDS[k]} }`).join(' ')
      : FIELDS[c.field as NaiveKpi];
  return `{ result: ${c.field}(${args}) { ${body} } }`;
}

async function naive(db: Queryable, c: Case): Promise<any> {
  const p = {
    ...naiveWindow(AS_OF, c.days),
    phase: c.phase ?? null,
    channel: c.channel ?? null,
    inactiveDays: 7,
  };
  if (c.cohort) return naiveCohort(db, c.cohort, p);
  if (c.field !== 'kpis') return naiveKpi(db, c.field as NaiveKpi, p);
  const all: Record<string, unknown> = {};
  for (const k of KPIS) all[k] = await naiveKpi(db, k, p);
  return all;
}

/**
 * Where two answers first differ, or null: counts and days exactly, rates and means to 1e-9
 * (SQL and JS sum floats in different orders).
 */
function difference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) ? null : `${path}: ${a} vs ${b}`;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const found = difference((a as any)[k], (b as any)[k], `${path}.${k}`);
      if (found) return found;
    }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

async function measure(work: () => Promise<unknown>, runs: number, warmup: number) {
  let last: unknown;
  for (let i = 0; i < warmup; i++) last = await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await work();
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  const at = (q: number) => times[Math.max(0, Math.ceil(q * times.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), last };
}

interface CaseResult {
  label: string;
  p50: number;
  p95: number;
  match: boolean;
  /** The engine's answer, to compare the two databases of a side-by-side run. */
  answer: unknown;
}

async function runSize(
  serverUrl: string,
  events: number,
  options: { naive: boolean; fanOut: boolean },
): Promise<CaseResult[]> {
  const bench = benchDatabase(`ct_bench_${events}`, sizes().length);
  const { name } = bench;
  console.log(
    `\n== ${events.toLocaleString('en')} events, ${users(events).toLocaleString('en')} users, database ${name}`,
  );
  const results: CaseResult[] = [];
  const url = withDatabase(serverUrl, name);
  const { orm, server } = await boot({
    databaseUrl: serverUrl,
    database: name,
    poolMax: 4,
    config: loadConfig({ SEED_DEMO: '0' }),
    tokens: { ingest: [], admin: [ADMIN] },
    logger: pino({ level: 'silent' }),
  });
  const db = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await fillUnlessReused(bench, async () => {
      // a pool of its own: the load's memory settings must not leak into the naive timings
      const loader = new pg.Pool({ connectionString: url, max: 2 });
      await load(loader, events, url).finally(() => loader.end());
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const engine = async (query: string) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { data?: { result: any }; errors?: unknown[] };
      if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
      return body.data!.result;
    };

    const ms = (v: number) => v.toFixed(1).padStart(9);
    console.log(
      `\n  ${'query'.padEnd(34)}${'engine p50'.padStart(11)}${'p95'.padStart(9)}${'naive p50'.padStart(11)}${'p95'.padStart(9)}${'naive/engine'.padStart(14)}  answers`,
    );
    let allMatch = true;
    // BENCH_CASES=retention,lifecycle: only the cases whose label starts with one of them
    const only = env.BENCH_CASES?.split(',');
    const runCases = async (cases: Case[], suffix = '') => {
      for (const c of cases.filter((c) => !only || only.some((o) => c.label.startsWith(o)))) {
        const label = `${c.label}${suffix}`;
        const query = document(c);
        const e = await measure(() => engine(query), RUNS, WARMUP);
        const answer = e.last as Record<string, any>;
        const stripped =
          c.field === 'kpis' ? Object.fromEntries(KPIS.map((k) => [k, answer[k]])) : answer;
        // on the second database of a side-by-side run, the answers are compared with the first's
        const n = options.naive
          ? await measure(() => naive(db, c), NAIVE_RUNS, NAIVE_WARMUP)
          : null;
        const mismatch = n ? difference(stripped, n.last) : null;
        const match = mismatch === null;
        allMatch &&= match;
        results.push({ label, p50: e.p50, p95: e.p95, match, answer: stripped });
        console.log(
          `  ${label.padEnd(34)}${ms(e.p50)}ms${ms(e.p95)}${n ? `${ms(n.p50)}ms${ms(n.p95)}${`${(n.p50 / e.p50).toFixed(1)}×`.padStart(14)}` : ' '.repeat(34)}  ${n ? (match ? 'MATCH' : 'MISMATCH') : ''}`,
        );
        if (mismatch) console.log(`    first difference (engine vs naive) at ${mismatch}`);
      }
    };
    await runCases(CASES);
    const pending = pendingEvents(events);
    if (pending > 0) {
      const facts = await addPending(db, events, pending);
      console.log(
        `\n  + ${pending.toLocaleString('en')} events stored since, not folded: ${facts.toLocaleString('en')} pending day facts (the answers must count them)`,
      );
      await runCases(BACKLOG_CASES, ' +pending');
    }
    console.log(
      `\n  engine: GraphQL over HTTP, ${RUNS} runs after ${WARMUP} warm-ups; naive: SQL on telemetry_events only, ${NAIVE_RUNS} runs after ${NAIVE_WARMUP}; ratio of p50s`,
    );
    if (options.naive) console.log(`  answers: ${allMatch ? 'all MATCH' : 'MISMATCH found'}`);
    if (!allMatch) process.exitCode = 1;
    if (options.fanOut) {
      console.log('\n  shard fan-out of kpis(days: 30), from EXPLAIN ANALYZE on the cluster:');
      for (const f of await kpiFanOut(db, AS_OF, 30)) {
        console.log(
          `    ${f.kpi.padEnd(16)} ${String(f.tasks).padStart(4)} shard tasks in ${f.subplans + 1} distributed steps, largest result to the coordinator ${f.largestTransfer}`,
        );
      }
    }
    return results;
  } finally {
    await new Promise<void>((done) => (server.listening ? server.close(() => done()) : done()));
    await db.end();
    await orm.close(true);
    await dropUnlessKept(serverUrl, bench);
  }
}

/** Side by side: the same size on one PostgreSQL and on the Citus cluster of CITUS_URL. */
function printSideBySide(events: number, single: CaseResult[], citus: CaseResult[]): void {
  const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(10);
  console.log(
    `\n== ${events.toLocaleString('en')} events: one PostgreSQL beside Citus (coordinator + workers on this machine)`,
  );
  console.log(
    `  ${'query'.padEnd(34)}${'single p50'.padStart(12)}${'p95'.padStart(10)}${'Citus p50'.padStart(12)}${'p95'.padStart(10)}${'Citus/single'.padStart(14)}  same answers`,
  );
  let same = true;
  for (const [i, s] of single.entries()) {
    const c = citus[i]!;
    const equal = difference(c.answer, s.answer) === null;
    same &&= equal;
    console.log(
      `  ${s.label.padEnd(34)}${ms(s.p50)}  ${ms(s.p95)}  ${ms(c.p50)}  ${ms(c.p95)}${`${(c.p50 / s.p50).toFixed(2)}×`.padStart(14)}  ${equal ? 'yes' : 'NO'}`,
    );
  }
  console.log(`  answers: ${same ? 'identical on both' : 'DIFFERENT'}`);
  if (!same) process.exitCode = 1;
}

export async function runKpiBench(): Promise<void> {
  let stop: (() => Promise<void>) | undefined;
  let serverUrl = env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: join(tmpdir(), 'cortex-bench-pg') });
    serverUrl = embedded.url('postgres');
    stop = embedded.stop;
  }
  const citusUrl = env.CITUS_URL;
  try {
    for (const events of sizes()) {
      const single = await runSize(serverUrl, events, { naive: true, fanOut: false });
      if (!citusUrl) continue;
      console.log('\n-- the same on Citus');
      const citus = await runSize(citusUrl, events, { naive: false, fanOut: true });
      printSideBySide(events, single, citus);
    }
  } finally {
    await stop?.();
  }
}
