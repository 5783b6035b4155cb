import { BETA_PHASES, type BetaPhase } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type ErrorGroupRow,
  errorGroups,
  type TraceStatsRow,
  traceStats,
} from '../analytics/aggregates.service.js';
import { kpiService } from '../kpi/kpi.service.js';
import { type KpiWindow, kpiWindow, shiftDay } from '../shared/window.js';
import type { DestinationFormat } from './alert-kinds.js';
import { previousWindow } from './evaluate.js';

const DAY_MS = 86_400_000;
const DIGEST_DAYS = 7;
/** As in the dashboard's `kpis` and the metric rules. */
const INACTIVE_DAYS = 7;
export const DIGEST_TOP = 5;

/** The four KPIs of the digest, one headline field each, as `<kpi>.<field>` of `kpis`. */
export const DIGEST_KPIS = [
  'cdr.rate',
  'resurrection.rate',
  'dauWau.avgDau',
  'paidConversion.rate',
] as const;

export interface DigestKpi {
  metric: (typeof DIGEST_KPIS)[number];
  value: number | null;
  previousValue: number | null;
  /** value − previousValue; null when either is null. */
  change: number | null;
}

/** What the weekly digest reports (docs/alerts.md#weekly-digest). */
export interface WeeklyDigest {
  window: KpiWindow;
  previousWindow: KpiWindow;
  betas: { phase: BetaPhase; kpis: DigestKpi[] }[];
  topErrorGroups: ErrorGroupRow[];
  slowestOperations: TraceStatsRow[];
}

async function betaKpis(em: EntityManager, phase: BetaPhase, window: KpiWindow) {
  const read = (w: KpiWindow) =>
    kpiService.report(
      em,
      { phase, channel: null, days: w.days, asOf: new Date(w.to.getTime() - DAY_MS) },
      INACTIVE_DAYS,
    );
  const [now, before] = await Promise.all([read(window), read(previousWindow(window))]);
  return DIGEST_KPIS.map((metric) => {
    const [kpi, field] = metric.split('.') as [keyof typeof now, string];
    const pick = (r: typeof now) => (r[kpi] as unknown as Record<string, unknown>)[field];
    const value = pick(now) as number | null;
    const previousValue = pick(before) as number | null;
    return {
      metric,
      value,
      previousValue,
      change: value === null || previousValue === null ? null : value - previousValue,
    };
  });
}

/**
 * The last 7 complete UTC days at `now` (Monday 08:00: Monday to Sunday of the week before) against
 * the 7 before: each beta's four KPIs through the KPI service, and over both betas the 5 error
 * groups with the most occurrences and the 5 operations with the highest p95, through the
 * analyst aggregates (`errorGroups`, `traceStats`).
 */
export async function readWeeklyDigest(em: EntityManager, now: Date): Promise<WeeklyDigest> {
  const window = kpiWindow(DIGEST_DAYS, new Date(now.getTime() - DAY_MS));
  const rows = {
    from: window.from,
    to: window.to,
    userIdHash: null,
    sessionId: null,
    phase: null,
    channel: null,
  };
  const [betas, groups, traces] = await Promise.all([
    Promise.all(
      BETA_PHASES.map(async (phase) => ({ phase, kpis: await betaKpis(em, phase, window) })),
    ),
    errorGroups(em, DIGEST_TOP, rows, now),
    traceStats(em, rows, now),
  ]);
  const slowest = [...traces]
    .sort((a, b) => b.p95 - a.p95 || a.operationName.localeCompare(b.operationName))
    .slice(0, DIGEST_TOP);
  return {
    window,
    previousWindow: previousWindow(window),
    betas,
    topErrorGroups: groups,
    slowestOperations: slowest,
  };
}

const windowJson = (w: KpiWindow) => ({
  from: w.from.toISOString(),
  to: w.to.toISOString(),
  days: w.days,
});

/** The digest's JSON payload (docs/alerts.md#weekly-digest): field names are the contract. */
export function digestPayload(
  digest: WeeklyDigest,
  facts: {
    kind: string;
    rule: { id: string; name: string };
    evaluatedAt: Date;
    dashboardBaseUrl: string;
  },
) {
  return {
    version: 1 as const,
    kind: facts.kind.toUpperCase(),
    rule: facts.rule,
    window: windowJson(digest.window),
    previousWindow: windowJson(digest.previousWindow),
    betas: digest.betas.map((b) => ({ phase: b.phase.toUpperCase(), kpis: b.kpis })),
    topErrorGroups: digest.topErrorGroups.map((g) => ({
      stackHash: g.stackHash,
      errorType: g.errorType,
      sampleMessage: g.sampleMessage,
      count: g.count,
      usersAffected: g.usersAffected,
      worstSeverity: g.worstSeverity.toUpperCase(),
      lastSeen: g.lastSeen.toISOString(),
    })),
    slowestOperations: digest.slowestOperations.map((o) => ({
      operationName: o.operationName,
      count: o.count,
      p50Ms: o.p50,
      p95Ms: o.p95,
      successRate: o.successRate,
    })),
    dashboardUrl: `${facts.dashboardBaseUrl.replace(/\/+$/, '')}/open-beta?days=7&asOf=${shiftDay(digest.window.endDay, -1)}`,
    evaluatedAt: facts.evaluatedAt.toISOString(),
  };
}
export type DigestPayload = ReturnType<typeof digestPayload>;

const shown = (v: number | null) => (v === null ? 'no data' : String(Number(v.toFixed(4))));
const signed = (v: number | null) =>
  v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${Number(v.toFixed(4))}`;

/** The same digest as one Slack message. */
export function digestText(p: DigestPayload): string {
  const lines = [
    `:bar_chart: ${p.kind === 'TEST' ? 'Test: ' : ''}Weekly digest (${p.rule.name}): ${p.window.from.slice(0, 10)} – ${p.window.to.slice(0, 10)} (7 days, end exclusive) against the 7 days before`,
  ];
  for (const beta of p.betas) {
    lines.push(
      `${beta.phase}: ${beta.kpis.map((k) => `${k.metric} ${shown(k.value)} (${signed(k.change)})`).join(' · ')}`,
    );
  }
  lines.push(
    p.topErrorGroups.length > 0
      ? `top error groups: ${p.topErrorGroups.map((g) => `${g.errorType} (${g.stackHash}) ×${g.count}`).join(', ')}`
      : 'top error groups: none',
    p.slowestOperations.length > 0
      ? `slowest operations (p95): ${p.slowestOperations.map((o) => `${o.operationName} ${shown(o.p95Ms)} ms`).join(', ')}`
      : 'slowest operations: none',
    p.dashboardUrl,
  );
  return lines.join('\n');
}

export const renderDigest = (format: DestinationFormat, payload: DigestPayload): string =>
  format === 'slack' ? JSON.stringify({ text: digestText(payload) }) : JSON.stringify(payload);
