import type { BetaPhase, Channel, EventName, Severity } from '@cortex-telemetry/events';

/** Fields every item carries (docs/sdk.md "Fields"); unset ones come from `defaults`. */
export interface CommonFields {
  /** When it happened; defaults to now. */
  timestamp?: Date | string;
  userIdHash?: string;
  sessionId?: string;
  channel?: Channel;
  userTier?: string;
  isPaidUser?: boolean;
  phase?: BetaPhase;
  projectId?: string;
  branchId?: string;
  contextId?: string;
  clientVersion?: string;
  metadata?: Record<string, unknown>;
}

export type Defaults = Omit<CommonFields, 'timestamp' | 'metadata'>;

export interface EventFields extends CommonFields {
  /** Idempotency key; generated (UUID) when absent. */
  eventId?: string;
  result?: string;
  durationMs?: number;
}

export interface ErrorFields extends CommonFields {
  errorId?: string;
  severity?: Severity;
  relatedEventName?: EventName;
  errorType?: string;
  stackHash?: string;
}

export interface TraceFields extends CommonFields {
  traceId?: string;
  success?: boolean;
  resultCount?: number;
}

/** Items as queued and as `beforeSend` sees them: catalog wire values (snake_case, lower). */
export interface EventItem extends Omit<CommonFields, 'timestamp'> {
  eventId: string;
  eventName: EventName;
  timestamp: string;
  userIdHash: string;
  channel: Channel;
  result?: string;
  durationMs?: number;
}

export interface ErrorItem extends Omit<CommonFields, 'timestamp'> {
  errorId: string;
  timestamp: string;
  errorType: string;
  errorMessage: string;
  stackTrace?: string;
  stackHash?: string;
  severity: Severity;
  relatedEventName?: EventName;
  userIdHash: string;
  channel: Channel;
}

export interface TraceItem extends Omit<CommonFields, 'timestamp'> {
  traceId: string;
  timestamp: string;
  operationName: string;
  durationMs: number;
  success: boolean;
  resultCount?: number;
  userIdHash: string;
  channel: Channel;
}

export type TelemetryItem =
  | { kind: 'event'; data: EventItem }
  | { kind: 'error'; data: ErrorItem }
  | { kind: 'trace'; data: TraceItem };
export type ItemKind = TelemetryItem['kind'];

/** What went wrong, so a host can act on it (docs/sdk.md "Errors"). */
export type TelemetryErrorCode =
  /** The item broke a rule the client checks itself; it was never queued. */
  | 'INVALID_ITEM'
  /** The server rejected the item (its message names the field and the rule); not retried. */
  | 'REJECTED'
  /** The queue was full; the new item was dropped (see `stats().dropped`). */
  | 'QUEUE_FULL'
  /** The server refused the token (401/403); the batch was dropped. */
  | 'UNAUTHORIZED'
  /** Nothing at `endpoint` takes a GraphQL POST (404/405): a wrong path; the batch was dropped. */
  | 'WRONG_ENDPOINT'
  /** A send failed and will be retried: informational. */
  | 'RETRYING'
  /** Items still queued when `shutdown` gave up (kept on disk with `persistPath`). */
  | 'UNDELIVERED'
  /** The file-backed queue could not be read or written. */
  | 'PERSISTENCE'
  /** `beforeSend` threw; the item was dropped rather than sent unfiltered. */
  | 'HOOK_FAILED';

/** What a report carries besides its code and message. */
export interface TelemetryErrorDetails {
  /** The items concerned, for UNDELIVERED / UNAUTHORIZED / WRONG_ENDPOINT (a whole batch). */
  items?: readonly TelemetryItem[];
  /** The HTTP status the server answered, for UNAUTHORIZED / WRONG_ENDPOINT. */
  status?: number;
  cause?: unknown;
}

export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';
  readonly items?: readonly TelemetryItem[];
  readonly status?: number;
  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
    /** The item concerned, for INVALID_ITEM / REJECTED / QUEUE_FULL / HOOK_FAILED. */
    readonly item?: TelemetryItem,
    details: TelemetryErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    if (details.items !== undefined) this.items = details.items;
    if (details.status !== undefined) this.status = details.status;
  }
}

export interface RetryOptions {
  /** First backoff; doubles per attempt. Default 500 ms. */
  baseMs?: number;
  /** Cap of the exponential backoff. Default 30 s. */
  maxMs?: number;
  /** Cap on a server's `Retry-After`. Default 5 min. */
  maxRetryAfterMs?: number;
}

export interface TelemetryClientOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  endpoint: string;
  /** An ingest token. */
  token: string;
  defaults?: Defaults;
  /** Queue length that triggers a send. Default 50. */
  flushAt?: number;
  /** Longest an item waits before a send. Default 2000 ms. */
  flushIntervalMs?: number;
  /** Items per request (≤ 1000, the server's limit). Default 500. */
  maxBatchSize?: number;
  /** Queued + in-flight items kept; beyond it new items are dropped and counted. Default 10,000. */
  maxQueueSize?: number;
  /** Node only: directory of the file-backed queue (survives crashes and restarts). */
  persistPath?: string;
  /** Fraction of events and traces kept (per call; a tool call's items are kept together). */
  sampleRate?: number;
  /** Last look at each item before it is queued; return null to drop it. */
  beforeSend?: (item: TelemetryItem) => TelemetryItem | null;
  /** Every problem, once. Default: a line on `console.warn`. */
  onError?: (error: TelemetryError) => void;
  /** false: every method is a no-op. Default true. */
  enabled?: boolean;
  retry?: RetryOptions;
  /** A request that has not answered by then counts as a network failure. Default 10 s. */
  requestTimeoutMs?: number;
  /** Injected for tests and special runtimes; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

export interface ClientStats {
  /** Waiting or in flight. */
  queued: number;
  /** Stored by the server (duplicates included: they were stored before). */
  delivered: number;
  /** Rejected by the server or by the client's own checks. */
  rejected: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Left out by `sampleRate`. */
  sampledOut: number;
  /** Dropped by `beforeSend`. */
  filtered: number;
  /** Sends that failed and were scheduled again. */
  retries: number;
}
