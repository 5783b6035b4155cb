import type { ProfileSummary } from './ingest-profile.js';
import type { StageTimes } from './ingest-stages.js';
import { type FoldStats, quantile, quantileOf, type SustainResult } from './ingest-sustain.js';

/** The printed result of the ingest bench: throughput, ratios, rollup cost, server profile. */
export interface ServerStats {
  requests: number;
  requestMs: number;
  queries: number;
  sqlMs: number;
  cpuMs: number;
}

export interface RunResult {
  path:
    | 'raw COPY'
    | 'raw INSERT (table only)'
    | 'raw INSERT + day facts'
    | 'raw INSERT + day facts, inlined'
    | 'API recordEvents'
    | `API recordEvents, ${number} processes`;
  clients: number;
  rows: number;
  ms: number;
  /** Busy share of all cores during the run (PostgreSQL, server and clients together). */
  cpu: number;
  server?: ServerStats;
  /** The background fold of the run's day facts (API runs), until nothing was pending. */
  fold?: FoldStats & { drainMs: number };
}

export interface Report {
  events: number;
  batch: number;
  pgVersion: string;
  embedded: boolean;
  cores: number;
  results: RunResult[];
  profile: { rows: number; ms: number; summary: ProfileSummary } | null;
  stages: StageTimes;
  sustained: SustainResult | null;
}

const GOAL = 0.5;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
const signed = (n: number) => `${n >= 0 ? '+' : ''}${pct(n)}`;
const rate = (r: RunResult) => (r.rows / r.ms) * 1000;

function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export function printReport(report: Report): void {
  const out: string[] = [];
  const find = (path: RunResult['path'], clients: number) =>
    report.results.find((r) => r.path === path && r.clients === clients);
  out.push(
    '',
    `Ingest benchmark: ${int(report.events)} events per path, batches of ${report.batch}, ` +
      `PostgreSQL ${report.pgVersion} (${report.embedded ? 'embedded' : 'DATABASE_URL server'}), ` +
      `${report.cores} cores, Node ${process.version}; empty tables before each path`,
    '',
    table(
      ['path', 'clients', 'seconds', 'rows/s', 'vs raw COPY', 'CPU busy'],
      report.results.map((r) => {
        const copy = find('raw COPY', r.clients);
        return [
          r.path,
          String(r.clients),
          (r.ms / 1000).toFixed(2),
          int(rate(r)),
          copy ? pct(rate(r) / rate(copy)) : '',
          pct(r.cpu),
        ];
      }),
      [false, true, true, true, true, true],
    ),
    '',
  );

  for (const clients of new Set(report.results.map((r) => r.clients))) {
    const copy = find('raw COPY', clients);
    const tableOnly = find('raw INSERT (table only)', clients);
    const rollups = find('raw INSERT + day facts', clients);
    const inlined = find('raw INSERT + day facts, inlined', clients);
    const api = find('API recordEvents', clients);
    if (!copy || !tableOnly || !rollups || !api) continue;
    const ratio = rate(api) / rate(copy);
    out.push(
      `${clients} clients: API = ${pct(ratio)} of raw COPY ` +
        `(goal ≥ ${pct(GOAL)}: ${ratio >= GOAL ? 'met' : 'NOT met'}); ` +
        `API = ${pct(rate(api) / rate(rollups))} of the same statement sent raw`,
      `  KPI day facts noted: raw INSERT ${int(rate(tableOnly))} → ${int(rate(rollups))} rows/s with the note ` +
        `(${signed(rollups.ms / tableOnly.ms - 1)} time per row); ` +
        `COPY vs INSERT table-only: ${(rate(copy) / rate(tableOnly)).toFixed(2)}×`,
    );
    for (const more of report.results.filter(
      (r) => r.clients === clients && r.path.startsWith('API recordEvents, '),
    )) {
      out.push(
        `  ${more.path.slice('API recordEvents, '.length)} (WEB_CONCURRENCY): API = ${pct(rate(more) / rate(copy))} of raw COPY, ` +
          `${(rate(more) / rate(api)).toFixed(2)}× the one process's ${int(rate(api))} events/s`,
      );
    }
    if (api.fold) {
      const f = api.fold;
      out.push(
        `  fold (background, off the hot path): ${int(f.facts)} day facts in ${f.folds} folds ` +
          `(largest ${int(f.maxFacts)}); lag accepted → folded p50 ${int(quantileOf(f.lags, 0.5))} ms, ` +
          `p99 ${int(quantileOf(f.lags, 0.99))} ms; caught up ${int(f.drainMs)} ms after the last response`,
      );
    }
    if (inlined) {
      out.push(
        `  parameters inlined as SQL literals (as MikroORM execute sends them; the cost is the ` +
          `escaping on one Node thread): ${int(rate(rollups))} → ${int(rate(inlined))} rows/s ` +
          `(${signed(inlined.ms / rollups.ms - 1)} time per row)`,
      );
    }
  }

  const apiRuns = report.results.filter((r) => r.server && r.server.requests > 0);
  if (apiRuns.length > 0) {
    out.push(
      '',
      `API time per batch of ${report.batch}, server side (mean per request; SQL = BEGIN + INSERT … + COMMIT round trips):`,
      '',
      table(
        [
          'path',
          'clients',
          'request ms',
          'SQL ms',
          'rest (JSON, GraphQL, zod, rows, queueing) ms',
          'server CPU ms/batch',
          'server CPU µs/event',
        ],
        apiRuns.map((r) => {
          const s = r.server!;
          return [
            r.path,
            String(r.clients),
            (s.requestMs / s.requests).toFixed(1),
            (s.sqlMs / s.requests).toFixed(1),
            ((s.requestMs - s.sqlMs) / s.requests).toFixed(1),
            (s.cpuMs / s.requests).toFixed(1),
            ((s.cpuMs * 1000) / r.rows).toFixed(1),
          ];
        }),
        [false, true, true, true, true, true, true],
      ),
    );
  }

  const stageTotal = report.stages.stages.reduce((s, x) => s + x.ms, 0);
  out.push(
    '',
    `Node CPU per batch of ${report.batch} by stage (one thread, no I/O, mean of ${report.stages.batches} batches):`,
    '',
    table(
      ['stage', 'ms/batch', 'µs/event', 'share'],
      report.stages.stages.map((x) => [
        x.stage,
        x.ms.toFixed(2),
        ((x.ms * 1000) / report.batch).toFixed(1),
        pct(x.ms / stageTotal),
      ]),
      [false, true, true, true],
    ),
  );

  if (report.profile) {
    const { summary, rows, ms } = report.profile;
    const busy = summary.areas
      .filter((a) => !a.area.startsWith('idle'))
      .reduce((s, a) => s + a.ms, 0);
    out.push(
      '',
      `Server CPU profile (V8 profiler on the warm server, ${int(rows)} events, 4 clients, ${(ms / 1000).toFixed(1)} s wall; ` +
        `Node busy ${int(busy)} ms = ${((busy / rows) * 1000).toFixed(1)} µs/event), self time by area:`,
      '',
      table(
        ['area', 'ms', 'share of busy'],
        summary.areas
          .filter((a) => !a.area.startsWith('idle'))
          .map((a) => [a.area, int(a.ms), pct(a.ms / busy)]),
        [false, true, true],
      ),
      '',
      'Top functions by self time:',
      '',
      table(
        ['function', 'where', 'ms', 'share of busy', 'mostly called by'],
        summary.top.map((f) => [f.fn, f.where, int(f.ms), pct(f.ms / busy), f.caller]),
        [false, false, true, true, false],
      ),
    );
  }
  if (report.sustained) out.push(...sustainedLines(report.sustained));
  process.stdout.write(`${out.join('\n')}\n\n`);
}

function sustainedLines(r: SustainResult): string[] {
  const windows = new Map<number, { facts: number; oldestMs: number }>();
  for (const b of r.backlog) {
    const w = Math.floor(b.at / 10) * 10;
    const seen = windows.get(w) ?? { facts: 0, oldestMs: 0 };
    windows.set(w, {
      facts: Math.max(seen.facts, b.facts),
      oldestMs: Math.max(seen.oldestMs, b.oldestMs),
    });
  }
  const p95 = quantile(r.kpiMs, 0.95);
  return [
    '',
    `Sustained ingest: ${(r.seconds).toFixed(0)} s at ${int(r.events / r.seconds)} events/s ` +
      `(${int(r.events)} events; ${r.newUsers ? 'new users every cycle: every day fact a new day' : 'cycles re-send the same users and days with new event ids'}), day sets folded in the background:`,
    `  fold lag accepted → folded: p50 ${int(quantileOf(r.fold.lags, 0.5))} ms, ` +
      `p99 ${int(quantileOf(r.fold.lags, 0.99))} ms (${int(r.fold.facts)} facts in ${r.fold.folds} folds, ` +
      `largest ${int(r.fold.maxFacts)}); backlog gone ${int(r.drainMs)} ms after the last batch`,
    `  kpis(days: 30) during the load: ${r.kpiMs.length} reads, p50 ${int(quantile(r.kpiMs, 0.5))} ms, ` +
      `p95 ${int(p95)} ms, max ${int(Math.max(...r.kpiMs))} ms (goal p95 < 300 ms: ${p95 < 300 ? 'met' : 'NOT met'})`,
    '',
    table(
      ['seconds', 'max pending facts', 'oldest pending ms'],
      [...windows].map(([w, b]) => [`${w}–${w + 10}`, int(b.facts), int(b.oldestMs)]),
      [false, true, true],
    ),
  ];
}
