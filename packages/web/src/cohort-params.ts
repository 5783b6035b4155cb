import type { LocationQuery } from 'vue-router';
import type { CortexEventName } from './gql/graphql';
import { type DashboardParams, first, paramsQuery, parseParams } from './window';

/**
 * The controls of `/retention` and `/funnel` as the URL keeps them, like the beta dashboards'
 * `days`/`asOf`/`channel`: a copied link shows the same numbers. Unknown or malformed values fall
 * back to the defaults of the API fields (docs/api.md).
 */

/** The catalog (docs/api.md#the-event-catalog), typed by the schema's enum so it cannot drift. */
const CATALOG: Record<CortexEventName, true> = {
  CONTEXT_AUTO_CREATED: true,
  CONTEXT_CREATED: true,
  CONTEXT_DELETED: true,
  CONTEXT_LOADED: true,
  CONTEXT_MERGED: true,
  CONTEXT_MODIFIED: true,
  CONTEXT_OVERRIDE_MANUAL: true,
  CONTEXT_PROTECTION_BLOCKED: true,
  CONTEXT_PROTECTION_TRIGGERED: true,
  CONTEXT_RESUMED: true,
  EXTENSION_ACTIVATED: true,
  PAID_SUBSCRIPTION_CANCELED: true,
  PAID_SUBSCRIPTION_STARTED: true,
  SERVER_OPERATION_CALLED: true,
  SESSION_RESUMED_FROM_CONTEXT: true,
  SESSION_STARTED: true,
  WEB_VIEW_OPENED: true,
};
export const EVENT_CHOICES = Object.keys(CATALOG) as CortexEventName[];

const toEvent = (value: string | null): CortexEventName | null => {
  const upper = (value ?? '').toUpperCase();
  return upper in CATALOG ? (upper as CortexEventName) : null;
};
/** `context_loaded` in the URL and on screen: the wire value. */
export const wireName = (event: CortexEventName) => event.toLowerCase();

function intBetween(value: string | null, min: number, max: number, fallback: number): number {
  const n = Number(value);
  return value != null && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export const RETENTION_DEFAULT_DAYS = 90;

export interface RetentionParams extends DashboardParams {
  period: 'DAY' | 'WEEK';
  /** 1–26. */
  intervals: number;
  type: 'FIRST_TIME' | 'RECURRING';
  startEvent: CortexEventName | null;
  returnEvent: CortexEventName | null;
}

export function parseRetentionParams(query: LocationQuery, today: string): RetentionParams {
  const period = first(query.period);
  return {
    ...parseParams(query, today, RETENTION_DEFAULT_DAYS),
    period: period === 'day' ? 'DAY' : 'WEEK',
    intervals: intBetween(first(query.intervals), 1, 26, 12),
    type: first(query.type) === 'recurring' ? 'RECURRING' : 'FIRST_TIME',
    startEvent: toEvent(first(query.start)),
    returnEvent: toEvent(first(query.return)),
  };
}

/** Defaults but the window length are left out so plain links stay short (as paramsQuery). */
export function retentionQuery(p: RetentionParams, today: string): Record<string, string> {
  return {
    ...paramsQuery(p, today),
    ...(p.period === 'DAY' ? { period: 'day' } : {}),
    ...(p.intervals !== 12 ? { intervals: String(p.intervals) } : {}),
    ...(p.type === 'RECURRING' ? { type: 'recurring' } : {}),
    ...(p.startEvent ? { start: wireName(p.startEvent) } : {}),
    ...(p.returnEvent ? { return: wireName(p.returnEvent) } : {}),
  };
}

export const FUNNEL_DEFAULT_DAYS = 30;
export const DEFAULT_STEPS: readonly CortexEventName[] = [
  'EXTENSION_ACTIVATED',
  'CONTEXT_CREATED',
  'CONTEXT_LOADED',
  'PAID_SUBSCRIPTION_STARTED',
];
export const MIN_STEPS = 2;
export const MAX_STEPS = 6;

export interface FunnelParams extends DashboardParams {
  /** 2–6 catalog events, in order; one may repeat. */
  steps: CortexEventName[];
  /** 1–90. */
  windowDays: number;
}

/** `?steps=a,b,c`: any unknown name, or fewer than 2 or more than 6, gives the default steps. */
export function parseFunnelParams(query: LocationQuery, today: string): FunnelParams {
  const names = (first(query.steps) ?? '').split(',').filter(Boolean).map(toEvent);
  const valid =
    names.length >= MIN_STEPS &&
    names.length <= MAX_STEPS &&
    names.every((n): n is CortexEventName => n !== null);
  return {
    ...parseParams(query, today, FUNNEL_DEFAULT_DAYS),
    steps: valid ? (names as CortexEventName[]) : [...DEFAULT_STEPS],
    windowDays: intBetween(first(query.windowDays), 1, 90, 14),
  };
}

export function funnelQuery(p: FunnelParams, today: string): Record<string, string> {
  const steps = p.steps.map(wireName).join(',');
  return {
    ...paramsQuery(p, today),
    ...(steps !== DEFAULT_STEPS.map(wireName).join(',') ? { steps } : {}),
    ...(p.windowDays !== 14 ? { windowDays: String(p.windowDays) } : {}),
  };
}
