import type { EventName } from './catalog.js';

/**
 * MCP tool → events (docs/api.md#the-event-catalog). `always` is emitted for every call; `onSuccess` only when the
 * handler returned without throwing, and only if `when` (if any) accepts the outcome.
 */
export interface ToolOutcome {
  /** `auto_created: true` in the call's arguments: the branch was detected by the AI. */
  autoCreated: boolean;
  /** Number of results the call returned, when it can be known. */
  resultCount: number | null;
}

export interface ToolEventRule {
  always: readonly EventName[];
  onSuccess: (outcome: ToolOutcome) => readonly EventName[];
}

const none = (): readonly EventName[] => [];
const ALWAYS = ['server_operation_called'] as const satisfies readonly EventName[];

export const TOOL_EVENTS = {
  initialize_context: { always: ALWAYS, onSuccess: () => ['context_created', 'session_started'] },
  create_branch: {
    always: ALWAYS,
    onSuccess: (o) => [o.autoCreated ? 'context_auto_created' : 'context_created'],
  },
  search_context: {
    always: ALWAYS,
    onSuccess: (o) => ((o.resultCount ?? 0) >= 1 ? ['context_loaded'] : []),
  },
  update_memory: { always: ALWAYS, onSuccess: () => ['context_modified'] },
  get_active_summary: {
    always: ALWAYS,
    onSuccess: () => ['context_resumed', 'session_resumed_from_context'],
  },
  sync_to_cloud: { always: ALWAYS, onSuccess: none },
  sync_from_cloud: { always: ALWAYS, onSuccess: () => ['context_loaded'] },
} as const satisfies Record<string, ToolEventRule>;
export type KnownTool = keyof typeof TOOL_EVENTS;

const OTHER_TOOL: ToolEventRule = { always: ALWAYS, onSuccess: none };

/** The events a tool call produces, in order (docs/api.md#the-event-catalog table). */
export function eventsForToolCall(
  tool: string,
  outcome: { success: boolean } & Partial<ToolOutcome>,
): EventName[] {
  // own keys only: a tool named `constructor` or `toString` is just another tool
  const rule: ToolEventRule = Object.hasOwn(TOOL_EVENTS, tool)
    ? (TOOL_EVENTS as Record<string, ToolEventRule>)[tool]!
    : OTHER_TOOL;
  const after = outcome.success
    ? rule.onSuccess({
        autoCreated: outcome.autoCreated ?? false,
        resultCount: outcome.resultCount ?? null,
      })
    : [];
  return [...rule.always, ...after];
}
