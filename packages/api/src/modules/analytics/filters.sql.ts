import type { BetaPhase, Channel, EventName, Severity } from '@cortex-telemetry/events';

/**
 * The analyst filters, turned into SQL conditions. Values always travel as `?` parameters;
 * lists travel as one JSON parameter so an arbitrary number of values needs no dynamic SQL.
 */
export interface RowFilter {
  /** `timestamp` ≥ from. */
  from: Date | null;
  /** `timestamp` < to (exclusive). */
  to: Date | null;
  userIdHash: string | null;
  sessionId: string | null;
  channel: Channel | null;
  phase: BetaPhase | null;
  eventNames?: readonly EventName[] | null;
  result?: string | null;
  severities?: readonly Severity[] | null;
  errorType?: string | null;
  stackHash?: string | null;
  operationName?: string | null;
  success?: boolean | null;
}

export interface SqlConditions {
  conditions: string[];
  params: unknown[];
}

/** `alias` qualifies the columns (`e.`) when the filter is applied inside a join. */
export function filterConditions(f: RowFilter, alias = ''): SqlConditions {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, condition: string, value: unknown) => {
    conditions.push(`${alias}${column} ${condition}`);
    params.push(value);
  };
  const anyOf = (column: string, values: readonly string[] | null | undefined) => {
    if (values)
      add(column, 'in (select json_array_elements_text(?::json))', JSON.stringify(values));
  };
  const equals = (column: string, value: string | boolean | null | undefined) => {
    if (value != null) add(column, '= ?', value);
  };

  if (f.from) add('"timestamp"', '>= ?::timestamptz', f.from.toISOString());
  if (f.to) add('"timestamp"', '< ?::timestamptz', f.to.toISOString());
  equals('user_id_hash', f.userIdHash);
  equals('session_id', f.sessionId);
  equals('channel', f.channel);
  equals('phase', f.phase);
  anyOf('event_name', f.eventNames);
  equals('result', f.result);
  anyOf('severity', f.severities);
  equals('error_type', f.errorType);
  equals('stack_hash', f.stackHash);
  equals('operation_name', f.operationName);
  equals('success', f.success);
  return { conditions, params };
}

export const whereClause = (conditions: readonly string[]) =>
  conditions.length ? `where ${conditions.join(' and ')}` : '';

/** The driver hands timestamps back as text in the session's zone; ISO UTC parses everywhere. */
export const isoMillis = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
