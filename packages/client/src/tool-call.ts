import { type EventName, eventsForToolCall } from '@cortex-telemetry/events';
import type { CommonFields, ErrorFields, EventFields, TraceFields } from './types.js';

/** How `trackToolCall` reads a tool's outcome; every field is optional. */
export interface ToolCallOptions<T> {
  /** Merged into every item of the call (e.g. `contextId`, `sessionId`). */
  fields?: CommonFields;
  /** Results the call returned (`search_context` emits `context_loaded` only for ≥ 1). */
  resultCount?: (result: T) => number | null;
  /** A result that reports failure without throwing. Default: MCP's `isError: true`. */
  isError?: (result: T) => boolean;
}

type Outcome<T> = { threw: true; error: unknown } | { threw: false; result: T };

export interface ToolCallPlan {
  events: { name: EventName; fields: EventFields }[];
  trace: TraceFields;
  error: { error: unknown; fields: ErrorFields } | null;
}

const asRecord = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * Results in a tool's answer when nothing better is known: an array's length, a `resultCount`
 * number or a `results` array — on the value itself or on MCP's `structuredContent`.
 */
export function countResults(result: unknown): number | null {
  if (Array.isArray(result)) return result.length;
  const record = asRecord(result);
  if (!record) return null;
  if (typeof record.resultCount === 'number') return record.resultCount;
  if (Array.isArray(record.results)) return record.results.length;
  return record.structuredContent === undefined ? null : countResults(record.structuredContent);
}

const reportsError = (result: unknown): boolean => asRecord(result)?.isError === true;

/**
 * The items of one tool call, from the tool map of `@cortex-telemetry/events`: the events in
 * the map's order, one trace named after the tool, and on a thrown error an error item whose
 * `relatedEventName` is the first event the call would have produced beyond
 * `server_operation_called` (what failed, in product terms).
 */
export function toolCallItems<T>(
  tool: string,
  args: unknown,
  durationMs: number,
  outcome: Outcome<T>,
  options: ToolCallOptions<T>,
): ToolCallPlan {
  const autoCreated = asRecord(args)?.auto_created === true;
  const success = !outcome.threw && !(options.isError ?? reportsError)(outcome.result);
  const resultCount = outcome.threw
    ? null
    : options.resultCount
      ? options.resultCount(outcome.result)
      : countResults(outcome.result);
  const base = options.fields ?? {};
  const metadata = { ...base.metadata, tool_name: tool };
  const result = success ? 'success' : 'error';
  const events = eventsForToolCall(tool, { success, autoCreated, resultCount }).map((name, i) => ({
    name,
    fields: {
      ...base,
      metadata,
      result,
      ...(i === 0 ? { durationMs: Math.round(durationMs) } : {}),
    } as EventFields,
  }));
  const trace: TraceFields = {
    ...base,
    metadata,
    success,
    ...(resultCount !== null && Number.isInteger(resultCount) && resultCount >= 0
      ? { resultCount }
      : {}),
  };
  if (!outcome.threw) return { events, trace, error: null };
  const wouldHave = eventsForToolCall(tool, { success: true, autoCreated, resultCount: 1 });
  return {
    events,
    trace,
    error: {
      error: outcome.error,
      fields: {
        ...base,
        metadata,
        severity: 'error',
        relatedEventName: wouldHave[1] ?? 'server_operation_called',
      },
    },
  };
}
