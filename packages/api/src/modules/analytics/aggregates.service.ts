import type { BetaPhase, Channel, EventName, Severity } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import { checkPageSize } from '../shared/pagination.js';
import { aggregateWindow } from '../shared/window.js';
import {
  type EventCountDimension,
  errorGroupsSql,
  eventCountsSql,
  traceStatsSql,
} from './aggregates.sql.js';
import { checkNonEmptyList } from './arguments.js';
import { filterConditions, type RowFilter, whereClause } from './filters.sql.js';

/** The keys `eventCounts` groups by, for the schema's `EventCountDimension` enum. */
export type { EventCountDimension } from './aggregates.sql.js';

/** Aggregates over `[from, to)` (default: the 30 days before now, at most 366 days). */
type DbRow = Record<string, unknown>;

export interface EventCountRow {
  day: string | null;
  eventName: EventName | null;
  channel: Channel | null;
  phase: BetaPhase | null;
  userTier: string | null;
  count: number;
  users: number;
}

export interface ErrorGroupRow {
  stackHash: string;
  errorType: string;
  sampleMessage: string;
  count: number;
  usersAffected: number;
  firstSeen: Date;
  lastSeen: Date;
  worstSeverity: Severity;
}

export interface TraceStatsRow {
  operationName: string;
  count: number;
  successRate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Resolves the window into the filter, so every aggregate reads exactly `[from, to)`. */
function windowed(filter: RowFilter, now: Date): RowFilter {
  return { ...filter, ...aggregateWindow(filter.from, filter.to, now) };
}

const orNull = <T>(v: unknown) => (v == null ? null : (v as T));

export async function eventCounts(
  em: EntityManager,
  groupBy: readonly EventCountDimension[],
  filter: RowFilter,
  now: Date,
): Promise<EventCountRow[]> {
  if (groupBy.length === 0) throw badInput('groupBy: must name at least one dimension', 'groupBy');
  const repeated = groupBy.find((d, i) => groupBy.indexOf(d) !== i);
  if (repeated) throw badInput(`groupBy: ${repeated} is listed more than once`, 'groupBy');
  checkNonEmptyList(filter.eventNames ?? null, 'eventName');
  const { conditions, values } = filterConditions(windowed(filter, now));
  const rows = await runSql<DbRow>(em, eventCountsSql(groupBy, whereClause(conditions)), values, {
    name: 'eventCounts',
    read: true,
  });
  return rows.map((r) => ({
    day: orNull<string>(r.day),
    eventName: orNull<EventName>(r.event_name),
    channel: orNull<Channel>(r.channel),
    phase: orNull<BetaPhase>(r.phase),
    userTier: orNull<string>(r.user_tier),
    count: Number(r.count),
    users: Number(r.users),
  }));
}

export async function errorGroups(
  em: EntityManager,
  first: number,
  filter: RowFilter,
  now: Date,
): Promise<ErrorGroupRow[]> {
  checkPageSize(first);
  checkNonEmptyList(filter.severities ?? null, 'severity');
  const scoped = windowed(filter, now);
  const groups = filterConditions(scoped);
  const latest = filterConditions(scoped, 'e.');
  const rows = await runSql<DbRow>(
    em,
    errorGroupsSql(whereClause(groups.conditions), whereClause(latest.conditions)),
    { ...groups.values, first },
    { name: 'errorGroups', read: true },
  );
  return rows.map((r) => ({
    stackHash: String(r.stack_hash),
    errorType: String(r.error_type),
    sampleMessage: String(r.error_message),
    count: Number(r.count),
    usersAffected: Number(r.users_affected),
    firstSeen: new Date(String(r.first_seen)),
    lastSeen: new Date(String(r.last_seen)),
    worstSeverity: r.worst_severity as Severity,
  }));
}

export async function traceStats(
  em: EntityManager,
  filter: RowFilter,
  now: Date,
): Promise<TraceStatsRow[]> {
  const { conditions, values } = filterConditions(windowed(filter, now));
  const rows = await runSql<DbRow>(em, traceStatsSql(whereClause(conditions)), values, {
    name: 'traceStats',
    read: true,
  });
  return rows.map((r) => {
    const [p50, p95, p99] = (r.percentiles as unknown[]).map(Number);
    return {
      operationName: String(r.operation_name),
      count: Number(r.count),
      successRate: Number(r.success_rate),
      p50: p50 ?? 0,
      p95: p95 ?? 0,
      p99: p99 ?? 0,
      max: Number(r.max_duration_ms),
    };
  });
}
