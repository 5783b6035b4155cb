import {
  getCdr,
  getDauWau,
  getPaidConversion,
  getResurrection,
  kpiWindow,
} from '@cortex-telemetry/api';
import type { Queryable } from './kpi-naive.sql.js';

// the api package's MikroORM type, without a dependency of the repo root on MikroORM
type EntityManager = Parameters<typeof getCdr>[0];

/**
 * The shard fan-out of each KPI query on a Citus cluster, read from EXPLAIN ANALYZE: how many
 * shard tasks the distributed executor ran (summed over the query and its subplans), and the
 * largest result any one step brought to the coordinator. The queries are the server's own:
 * each `get…` is called with a stand-in EntityManager that records the SQL instead of running it.
 */
export interface FanOut {
  kpi: string;
  tasks: number;
  subplans: number;
  largestTransfer: string;
  ms: number;
}

function recordingEm(sink: [string, unknown[]][]): EntityManager {
  const connection = {
    transactional: async (work: (trx: unknown) => unknown) => work(undefined),
    execute: async (sql: string, params: unknown[]) => {
      if (!sql.startsWith('select set_config')) sink.push([sql, params]);
      return [{ series: [] }];
    },
  };
  return { getConnection: () => connection } as unknown as EntityManager;
}

const bytes = (text: string) => {
  const [value, unit] = text.split(' ') as [string, string];
  return Number(value) * ({ bytes: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[unit] ?? 1);
};

export async function kpiFanOut(db: Queryable, asOf: Date, days: number): Promise<FanOut[]> {
  const window = kpiWindow(days, asOf);
  const filter = { phase: null, channel: null };
  const kpis: [string, (em: EntityManager) => Promise<unknown>][] = [
    ['cdr', (em) => getCdr(em, window, filter)],
    ['resurrection', (em) => getResurrection(em, window, 7, filter)],
    ['dauWau', (em) => getDauWau(em, window, filter)],
    ['paidConversion', (em) => getPaidConversion(em, window, filter)],
  ];
  const out: FanOut[] = [];
  for (const [kpi, run] of kpis) {
    const sink: [string, unknown[]][] = [];
    await run(recordingEm(sink));
    const [sql, params] = sink[0]!;
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    const started = performance.now();
    const plan = (await db.query(`explain (analyze, summary off) ${text}`, params)).rows.map(
      (r: Record<string, string>) => r['QUERY PLAN']!,
    );
    const ms = performance.now() - started;
    const tasks = plan
      .map((line) => /Task Count: (\d+)/.exec(line)?.[1])
      .filter(Boolean)
      .reduce((sum, v) => sum + Number(v), 0);
    const subplans = plan.filter((line) => /Distributed Subplan/.test(line)).length;
    const transfers = plan
      .map((line) => /Tuple data received from nodes: (.+)$/.exec(line)?.[1])
      .filter((v): v is string => Boolean(v));
    const largest = transfers.sort((a, b) => bytes(b) - bytes(a))[0] ?? '0 bytes';
    out.push({ kpi, tasks, subplans, largestTransfer: largest, ms });
  }
  return out;
}
