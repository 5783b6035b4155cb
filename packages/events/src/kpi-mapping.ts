import type { EventName } from './catalog.js';

/** Events that make a user active on a day (docs/api.md#the-event-catalog, §4: the activity set for DAU/WAU). */
export const ACTIVITY_EVENTS = [
  'session_started',
  'extension_activated',
  'server_operation_called',
  'web_view_opened',
] as const satisfies readonly EventName[];

/** A session is dependent on context when it has one of these (CDR). */
export const DEPENDENCY_SIGNAL_EVENTS = [
  'context_loaded',
  'context_resumed',
] as const satisfies readonly EventName[];

export const RESURRECTION_SIGNAL_EVENTS = [
  'session_resumed_from_context',
] as const satisfies readonly EventName[];

export const SUBSCRIPTION_START = 'paid_subscription_started' satisfies EventName;
export const SUBSCRIPTION_CANCEL = 'paid_subscription_canceled' satisfies EventName;

export const KPI_EVENTS = {
  cdr: DEPENDENCY_SIGNAL_EVENTS,
  resurrection: [...RESURRECTION_SIGNAL_EVENTS, ...ACTIVITY_EVENTS],
  dauWau: ACTIVITY_EVENTS,
  paidConversion: [SUBSCRIPTION_START, SUBSCRIPTION_CANCEL],
} as const satisfies Record<string, readonly EventName[]>;
export type KpiName = keyof typeof KPI_EVENTS;
