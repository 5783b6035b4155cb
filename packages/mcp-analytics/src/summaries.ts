import type {
  McpErrorGroupQuery,
  McpErrorGroupsQuery,
  McpFunnelQuery,
  McpKpiReportFragment,
  McpLifecycleQuery,
  McpRetentionQuery,
  McpTraceStatsQuery,
} from './gql/graphql.js';

/** One line a person reads before (or instead of) the JSON: the headline numbers only. */

const percent = (rate: number | null | undefined) =>
  rate == null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
const figure = (n: number) => String(Math.round(n * 100) / 100);
const DAY_MS = 86_400_000;
const day = (instant: string) => instant.slice(0, 10);
/** A KPI window is [from, to) in whole UTC days: its last day is the one before `to`. */
const lastDay = (to: string) => new Date(Date.parse(to) - DAY_MS).toISOString().slice(0, 10);

export const windowText = (w: McpKpiReportFragment['window']) =>
  `${w.days} day(s) ${day(w.from)}…${lastDay(w.to)}`;

export const kpiFigures = (k: McpKpiReportFragment) =>
  [
    `CDR ${percent(k.cdr.rate)} (${k.cdr.dependentSessions}/${k.cdr.sessions} sessions)`,
    `resurrection ${percent(k.resurrection.rate)} (${k.resurrection.resurrectedUsers}/${k.resurrection.activeUsers} users)`,
    `avg DAU ${figure(k.dauWau.avgDau)}, WAU ${k.dauWau.wau}, MAU ${k.dauWau.mau}`,
    `paid conversion ${percent(k.paidConversion.rate)} (${k.paidConversion.conversions}/${k.paidConversion.eligibleUsers})`,
  ].join('; ');

export const kpisSummary = (k: McpKpiReportFragment, scope: string) =>
  `${scope}, ${windowText(k.window)}: ${kpiFigures(k)}.`;

export function errorGroupsSummary(groups: McpErrorGroupsQuery['errorGroups']): string {
  const [top] = groups;
  if (!top) return 'No error groups in the window.';
  return `${groups.length} error group(s); most frequent: ${top.errorType} "${top.sampleMessage}" ×${top.count} (${top.usersAffected} user(s), ${top.stackHash}).`;
}

export function errorGroupSummary(
  stackHash: string,
  total: number,
  days: number,
  latest: McpErrorGroupQuery['errors']['nodes'],
): string {
  const [newest] = latest;
  if (!newest) return `No occurrences of group ${stackHash} in the window.`;
  const active = `${total} occurrence(s) on ${days} day(s)`;
  return `Group ${stackHash}: ${active}; latest ${newest.errorType} "${newest.errorMessage}" at ${newest.timestamp}.`;
}

export function traceStatsSummary(operations: McpTraceStatsQuery['traceStats']): string {
  const [top] = operations;
  if (!top) return 'No traces in the window.';
  return `${operations.length} operation(s); busiest ${top.operationName}: ${top.count} call(s), ${percent(top.successRate)} ok, p50 ${figure(top.p50)} ms, p95 ${figure(top.p95)} ms, max ${figure(top.max)} ms.`;
}

export function retentionSummary(r: McpRetentionQuery['retention'], scope: string): string {
  const unit = r.period === 'DAY' ? 'day' : 'week';
  const cohorts = `${r.type === 'FIRST_TIME' ? 'first-time' : 'recurring'} ${r.period === 'DAY' ? 'daily' : 'weekly'} cohorts`;
  const events = [
    r.startEvent ? `start ${r.startEvent}` : '',
    r.returnEvent ? `return ${r.returnEvent}` : '',
  ].filter(Boolean);
  const size = r.cohorts.reduce((sum, c) => sum + c.size, 0);
  const after = r.average.values.slice(1);
  const average = after.length
    ? `average retention after 1…${after.length} ${unit}(s): ${after.map(percent).join(', ')}`
    : `no ${unit} after the cohorts yet`;
  return `${scope}, ${cohorts}${events.length ? ` (${events.join(', ')})` : ''}, ${windowText(r.window)}: ${r.cohorts.length} cohort(s), total size ${size}; ${average}.`;
}

export function lifecycleSummary(l: McpLifecycleQuery['lifecycle'], scope: string): string {
  const periods = `${l.period === 'DAY' ? 'daily' : 'weekly'} lifecycle, ${windowText(l.window)}`;
  const latest = l.periods.at(-1);
  if (!latest)
    return `${scope}, ${periods}: no ${l.period === 'DAY' ? 'day' : 'week'} starts in the window.`;
  const total = (key: 'new' | 'resurrecting') => l.periods.reduce((sum, p) => sum + p[key], 0);
  return `${scope}, ${periods}: ${l.periods.length} period(s); latest (${latest.start}) ${latest.active} active = ${latest.new} new + ${latest.returning} returning + ${latest.resurrecting} resurrecting, ${latest.dormant} dormant; over all periods ${total('new')} new, ${total('resurrecting')} resurrecting.`;
}

export function funnelSummary(f: McpFunnelQuery['funnel'], scope: string): string {
  const steps = f.steps
    .map((s, i) =>
      i === 0
        ? `${s.eventName} ${s.users}`
        : `${s.eventName} ${s.users} (${percent(s.conversionFromPrevious)})`,
    )
    .join(' → ');
  const last = f.steps.at(-1);
  return `${scope}, ${f.steps.length}-step funnel within ${f.windowDays} day(s) of entry, ${windowText(f.window)}: ${steps}; overall ${percent(last?.conversionFromStart)}.`;
}
