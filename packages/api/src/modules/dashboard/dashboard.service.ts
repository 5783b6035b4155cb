import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../errors.js';
import type { TraceStatsRow } from '../analytics/aggregates.service.js';
import type { KpiFilter } from '../kpi/query.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { checkPageSize } from '../shared/pagination.js';
import { aggregateWindow, type KpiWindow, kpiWindow, windowDays } from '../shared/window.js';
import { getChannelBreakdown } from './get-channel-breakdown.sql.js';
import { getErrorDays } from './get-error-days.sql.js';
import { getPhaseRange } from './get-phase-range.sql.js';
import { getTesters, type TesterSort } from './get-testers.sql.js';
import { getTraceDays } from './get-trace-days.sql.js';

/** The sort orders of `betaTesters`, for the schema's `TesterSort` enum. */
export { TESTER_SORTS, type TesterSort } from './get-testers.sql.js';

/** What the dashboards need beyond the KPIs and the analyst aggregates. */
export interface WindowArgs extends KpiFilter {
  days: number;
  asOf: Date;
}

export interface PhaseRange {
  phase: string;
  firstDay: string | null;
  lastDay: string | null;
}

export interface Tester {
  userIdHash: string;
  firstSeen: string;
  lastSeen: string;
  activeDays: number;
  sessions: number;
  dependentSessions: number;
  cdr: number | null;
  paidNow: boolean;
}

export interface TesterPage {
  window: KpiWindow;
  totalCount: number;
  nodes: Tester[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export interface ChannelDay {
  day: string;
  activeUsers: number;
  sessions: number;
}

export interface ChannelUsage {
  channel: string;
  activeUsers: number;
  sessions: number;
  avgDau: number;
  series: ChannelDay[];
}

export interface ErrorDays {
  stackHash: string;
  series: { day: string; count: number }[];
}

/** One operation's latency on one UTC day: the trace stats' figures, per day. */
export interface TraceDay extends Omit<TraceStatsRow, 'operationName'> {
  day: string;
}

const filterOf = (args: KpiFilter): KpiFilter => ({ phase: args.phase, channel: args.channel });

export async function phaseRange(em: EntityManager, phase: string): Promise<PhaseRange> {
  const row = await getPhaseRange(em, phase);
  return { phase, firstDay: row.first_day, lastDay: row.last_day };
}

function testerCursor(after: string | null): { value: number; user: string } | null {
  if (after === null) return null;
  const [value, user] = decodeCursor(after);
  if (typeof value !== 'number' || typeof user !== 'string') {
    throw badInput('after: not a cursor returned by betaTesters', 'after');
  }
  return { value, user };
}

export async function betaTesters(
  em: EntityManager,
  args: WindowArgs & { first: number; after: string | null; sort: TesterSort; descending: boolean },
): Promise<TesterPage> {
  checkPageSize(args.first);
  const window = kpiWindow(args.days, args.asOf);
  const rows = await getTesters(em, window, filterOf(args), {
    sort: args.sort,
    descending: args.descending,
    limit: args.first + 1,
    after: testerCursor(args.after),
  });
  const page = rows.slice(0, args.first);
  const last = page.at(-1);
  return {
    window,
    totalCount: rows[0]?.total ?? 0,
    nodes: page.map((r) => ({
      userIdHash: r.user_id_hash,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      activeDays: r.active_days,
      sessions: r.sessions,
      dependentSessions: r.dependent_sessions,
      cdr: r.sessions > 0 ? r.dependent_sessions / r.sessions : null,
      paidNow: r.paid_now,
    })),
    pageInfo: {
      endCursor: last ? encodeCursor([Number(last.sort_value), last.user_id_hash]) : null,
      hasNextPage: rows.length > args.first,
    },
  };
}

export async function channelBreakdown(
  em: EntityManager,
  args: WindowArgs,
): Promise<{ window: KpiWindow; channels: ChannelUsage[] }> {
  const window = kpiWindow(args.days, args.asOf);
  const rows = await getChannelBreakdown(em, window, filterOf(args));
  const days = windowDays(window);
  const channels = [...new Set(rows.map((r) => r.channel))].map((channel) => {
    const own = rows.filter((r) => r.channel === channel);
    const total = own.find((r) => r.day === null);
    const byDay = new Map(own.filter((r) => r.day !== null).map((r) => [r.day, r]));
    const series = days.map((day) => ({
      day,
      activeUsers: byDay.get(day)?.active_users ?? 0,
      sessions: byDay.get(day)?.sessions ?? 0,
    }));
    return {
      channel,
      activeUsers: total?.active_users ?? 0,
      sessions: total?.sessions ?? 0,
      avgDau: series.reduce((sum, p) => sum + p.activeUsers, 0) / series.length,
      series,
    };
  });
  return { window, channels };
}

/** Every UTC day touched by [from, to), ascending: the x-axis of the small charts. */
function rangeDays(from: Date, to: Date): string[] {
  const first = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const days: string[] = [];
  for (let d = first; d < to.getTime(); d += 86_400_000) {
    days.push(new Date(d).toISOString().slice(0, 10));
  }
  return days;
}

export async function errorDailyCounts(
  em: EntityManager,
  args: KpiFilter & { from: Date | null; to: Date | null; stackHash: string | null },
  now: Date,
): Promise<ErrorDays[]> {
  const range = aggregateWindow(args.from, args.to, now);
  const rows = await getErrorDays(em, range, filterOf(args), args.stackHash);
  const days = rangeDays(range.from, range.to);
  return [...new Set(rows.map((r) => r.stack_hash))].map((stackHash) => {
    const counts = new Map(
      rows.filter((r) => r.stack_hash === stackHash).map((r) => [r.day, r.count]),
    );
    return { stackHash, series: days.map((day) => ({ day, count: counts.get(day) ?? 0 })) };
  });
}

export async function traceDailyStats(
  em: EntityManager,
  args: KpiFilter & { from: Date | null; to: Date | null; operationName: string },
  now: Date,
): Promise<TraceDay[]> {
  const range = aggregateWindow(args.from, args.to, now);
  const rows = await getTraceDays(em, args.operationName, range, filterOf(args));
  return rows.map((r) => {
    const [p50, p95, p99] = r.percentiles.map(Number);
    return {
      day: r.day,
      count: r.count,
      successRate: Number(r.success_rate),
      p50: p50 ?? 0,
      p95: p95 ?? 0,
      p99: p99 ?? 0,
      max: Number(r.max_duration_ms),
    };
  });
}
