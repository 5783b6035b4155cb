import type { BetaPhase, Channel, EventName, Severity } from '@cortex-telemetry/events';

/**
 * The analyst filters, turned into SQL conditions with `:named` parameters (db/sql.ts); lists
 * travel as one JSON parameter so an arbitrary number of values needs no dynamic SQL. The
 * names do not depend on the alias, so one `values` object serves every qualified copy.
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
  values: Record<string, unknown>;
}

/** `alias` qualifies the columns (`e.`) when the filter is applied inside a join. */
export function filterConditions(f: RowFilter, alias = ''): SqlConditions {
  const conditions: string[] = [];
  const values: Record<string, unknown> = {};
  const add = (column: string, name: string, condition: string, value: unknown) => {
    conditions.push(`${alias}${column} ${condition}`);
    values[name] = value;
  };
  const anyOf = (column: string, name: string, list: readonly string[] | null | undefined) => {
    if (list) {
      add(
        column,
        name,
        `in (select json_array_elements_text(:${name}::json))`,
        JSON.stringify(list),
      );
    }
  };
  const equals = (column: string, name: string, value: string | boolean | null | undefined) => {
    if (value != null) add(column, name, `= :${name}`, value);
  };

  if (f.from) add('"timestamp"', 'from', '>= :from::timestamptz', f.from.toISOString());
  if (f.to) add('"timestamp"', 'to', '< :to::timestamptz', f.to.toISOString());
  equals('user_id_hash', 'userIdHash', f.userIdHash);
  equals('session_id', 'sessionId', f.sessionId);
  equals('channel', 'channel', f.channel);
  equals('phase', 'phase', f.phase);
  anyOf('event_name', 'eventNames', f.eventNames);
  equals('result', 'result', f.result);
  anyOf('severity', 'severities', f.severities);
  equals('error_type', 'errorType', f.errorType);
  equals('stack_hash', 'stackHash', f.stackHash);
  equals('operation_name', 'operationName', f.operationName);
  equals('success', 'success', f.success);
  return { conditions, values };
}

export const whereClause = (conditions: readonly string[]) =>
  conditions.length ? `where ${conditions.join(' and ')}` : '';

/** The driver hands timestamps back as text in the session's zone; ISO UTC parses everywhere. */
export const isoMillis = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
