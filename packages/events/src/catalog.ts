/**
 * The Cortex event catalog (docs/api.md#the-event-catalog). Wire values are snake_case and stored as-is; GraphQL enum
 * values are the UPPER_CASE of the same names. Everything else (GraphQL enums, zod schemas, the
 * KPI mapping) derives from these tuples, so adding an event is a one-line change here.
 */
export const CONTEXT_LIFECYCLE_EVENTS = [
  'context_created',
  'context_auto_created',
  'context_loaded',
  'context_resumed',
  'context_modified',
  'context_merged',
  'context_deleted',
] as const;

export const DEPENDENCY_EVENTS = [
  'context_protection_triggered',
  'context_protection_blocked',
  'context_override_manual',
] as const;

export const SESSION_EVENTS = ['session_started', 'session_resumed_from_context'] as const;

export const CHANNEL_USAGE_EVENTS = [
  'extension_activated',
  'server_operation_called',
  'web_view_opened',
] as const;

export const MONETIZATION_EVENTS = [
  'paid_subscription_started',
  'paid_subscription_canceled',
] as const;

export const EVENT_NAMES = [
  ...CONTEXT_LIFECYCLE_EVENTS,
  ...DEPENDENCY_EVENTS,
  ...SESSION_EVENTS,
  ...CHANNEL_USAGE_EVENTS,
  ...MONETIZATION_EVENTS,
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const EVENT_GROUPS = {
  contextLifecycle: CONTEXT_LIFECYCLE_EVENTS,
  dependency: DEPENDENCY_EVENTS,
  sessionContinuity: SESSION_EVENTS,
  channelUsage: CHANNEL_USAGE_EVENTS,
  monetization: MONETIZATION_EVENTS,
} as const;

export const CHANNELS = ['extension', 'server', 'web'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const BETA_PHASES = ['closed_beta', 'open_beta'] as const;
export type BetaPhase = (typeof BETA_PHASES)[number];

/** Tiers that imply a paying user when `isPaidUser` is not given (docs/api.md#pipelines). */
export const PAID_TIERS = ['paid', 'pro', 'enterprise'] as const;

const eventNameSet: ReadonlySet<string> = new Set(EVENT_NAMES);
export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && eventNameSet.has(value);
}

export function isPaidTier(tier: string | null | undefined): boolean {
  return tier != null && (PAID_TIERS as readonly string[]).includes(tier);
}

/** `context_loaded` → `CONTEXT_LOADED`: the GraphQL enum value for a wire value. */
export function toEnumValue<T extends string>(wire: T): Uppercase<T> {
  return wire.toUpperCase() as Uppercase<T>;
}

const byEnumValue: ReadonlyMap<string, EventName> = new Map(
  EVENT_NAMES.map((name) => [toEnumValue(name), name]),
);

/**
 * `CONTEXT_LOADED` → `context_loaded`: the wire value of a `CortexEventName` value, which ingest
 * takes as a string so that a name outside the catalog rejects its item alone (docs/api.md#the-event-catalog).
 * Anything else comes back as it was, for the item's rules to judge.
 */
export function fromEnumValue(value: unknown): unknown {
  return (typeof value === 'string' && byEnumValue.get(value)) || value;
}
