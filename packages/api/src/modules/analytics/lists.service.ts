import type { BetaPhase, Channel, EventName, Pipeline, Severity } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { decodeListCursor, encodeListCursor } from '../shared/cursor.js';
import { checkPageSize } from '../shared/pagination.js';
import { checkRange } from '../shared/window.js';
import { checkNonEmptyList } from './arguments.js';
import { filterConditions, type RowFilter, whereClause } from './filters.sql.js';
import { AFTER_KEY_CONDITION, listRecordsSql } from './lists.sql.js';

/** The columns every pipeline shares (docs/api.md#pipelines), as the API shows them. */
export interface TelemetryRecordRow {
  id: string;
  timestamp: Date;
  receivedAt: Date;
  userIdHash: string;
  userTier: string | null;
  isPaidUser: boolean;
  sessionId: string;
  channel: Channel;
  phase: BetaPhase;
  projectId: string | null;
  branchId: string | null;
  contextId: string | null;
  clientVersion: string | null;
  metadata: unknown;
  scrubRules: string[] | null;
}

export interface TelemetryEventRow extends TelemetryRecordRow {
  eventName: EventName;
  result: string;
  durationMs: number | null;
}

export interface TelemetryErrorRow extends TelemetryRecordRow {
  errorType: string;
  errorMessage: string;
  stackTrace: string | null;
  stackHash: string;
  severity: Severity;
  relatedEventName: EventName | null;
}

export interface TelemetryTraceRow extends TelemetryRecordRow {
  operationName: string;
  durationMs: number;
  success: boolean;
  resultCount: number | null;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export interface ListArgs extends RowFilter {
  first: number;
  after: string | null;
}

type DbRow = Record<string, unknown>;

const text = (v: unknown) => (v == null ? null : String(v));
const num = (v: unknown) => (v == null ? null : Number(v));

function toRecord(r: DbRow): TelemetryRecordRow {
  return {
    id: String(r.id),
    timestamp: new Date(String(r.timestamp)),
    receivedAt: new Date(String(r.received_at)),
    userIdHash: String(r.user_id_hash),
    userTier: text(r.user_tier),
    isPaidUser: Boolean(r.is_paid_user),
    sessionId: String(r.session_id),
    channel: r.channel as Channel,
    phase: r.phase as BetaPhase,
    projectId: text(r.project_id),
    branchId: text(r.branch_id),
    contextId: text(r.context_id),
    clientVersion: text(r.client_version),
    metadata: r.metadata ?? null,
    scrubRules: (r.scrub_rules as string[] | null) ?? null,
  };
}

export const toRow: { [P in Pipeline]: (r: DbRow) => TelemetryRecordRow } = {
  event: (r): TelemetryEventRow => ({
    ...toRecord(r),
    eventName: r.event_name as EventName,
    result: String(r.result),
    durationMs: num(r.duration_ms),
  }),
  error: (r): TelemetryErrorRow => ({
    ...toRecord(r),
    errorType: String(r.error_type),
    errorMessage: String(r.error_message),
    stackTrace: text(r.stack_trace),
    stackHash: String(r.stack_hash),
    severity: r.severity as Severity,
    relatedEventName: text(r.related_event_name) as EventName | null,
  }),
  trace: (r): TelemetryTraceRow => ({
    ...toRecord(r),
    operationName: String(r.operation_name),
    durationMs: Number(r.duration_ms),
    success: Boolean(r.success),
    resultCount: num(r.result_count),
  }),
};

/** One page, newest first; fetches one row more than asked to learn whether another follows. */
async function listRecords(
  em: EntityManager,
  pipeline: Pipeline,
  args: ListArgs,
): Promise<Connection<TelemetryRecordRow>> {
  checkPageSize(args.first);
  checkRange(args.from, args.to);
  checkNonEmptyList(args.eventNames ?? null, 'eventName');
  checkNonEmptyList(args.severities ?? null, 'severity');
  const { conditions, values } = filterConditions(args);
  if (args.after) {
    const key = decodeListCursor(args.after);
    conditions.push(AFTER_KEY_CONDITION);
    Object.assign(values, {
      afterTimestamp: key.timestamp,
      afterId: key.id,
      afterUser: key.userIdHash,
    });
  }
  const rows = await runSql<DbRow>(
    em,
    listRecordsSql(pipeline, whereClause(conditions)),
    {
      ...values,
      limit: args.first + 1,
    },
    { name: 'listRecords', read: true },
  );
  const page = rows.slice(0, args.first);
  const last = page.at(-1);
  return {
    nodes: page.map(toRow[pipeline]),
    pageInfo: {
      endCursor: last
        ? encodeListCursor({
            timestamp: String(last.sort_timestamp),
            id: String(last.id),
            userIdHash: String(last.user_id_hash),
          })
        : null,
      hasNextPage: rows.length > args.first,
    },
  };
}

export const listEvents = (em: EntityManager, args: ListArgs) =>
  listRecords(em, 'event', args) as Promise<Connection<TelemetryEventRow>>;

export const listErrors = (em: EntityManager, args: ListArgs) =>
  listRecords(em, 'error', args) as Promise<Connection<TelemetryErrorRow>>;

export const listTraces = (em: EntityManager, args: ListArgs) =>
  listRecords(em, 'trace', args) as Promise<Connection<TelemetryTraceRow>>;
