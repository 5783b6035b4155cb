import { type SyntheticEvent, syntheticEvents } from './synthetic.js';

/**
 * One deterministic set of events, shaped three ways so every path of the ingest bench stores
 * exactly the same rows: GraphQL `EventInput`s for `recordEvents`, positional JSON rows for
 * the raw INSERT paths, and COPY text for the raw COPY path. Payloads are built before the
 * clock starts, so the rates compare the server side, not the client's serialisation.
 */
export const BENCH_INGEST_TOKEN = 'bench-ingest-token';
export const BENCH_ADMIN_TOKEN = 'bench-admin-token';
export const RECEIVED_AT = '2026-11-26T00:00:00.000Z';

export const EVENT_COLUMNS = [
  'id',
  'timestamp',
  'received_at',
  'user_id_hash',
  'user_tier',
  'is_paid_user',
  'session_id',
  'channel',
  'phase',
  'project_id',
  'branch_id',
  'context_id',
  'client_version',
  'metadata',
  'event_name',
  'result',
  'duration_ms',
] as const;

export function benchEvents(count: number): SyntheticEvent[] {
  // ~40 events per user, the shape of a busy day of SDK traffic; fixed seed and last day
  const users = Math.max(10, Math.round(count / 40));
  return [...syntheticEvents({ events: count, users, days: 90, seed: 424242 })];
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const RECORD_EVENTS = /* GraphQL */ `
  mutation RecordEvents($events: [EventInput!]!) {
    recordEvents(events: $events) { accepted duplicates rejected }
  }`;

/** What the SDK sends: every field given, so the server stores the raw paths' rows exactly. */
export function apiBody(events: readonly SyntheticEvent[]): string {
  return JSON.stringify({
    query: RECORD_EVENTS,
    variables: {
      events: events.map((e) => ({
        eventId: e.eventId,
        eventName: e.eventName.toUpperCase(),
        timestamp: e.timestamp.toISOString(),
        userIdHash: e.userIdHash,
        sessionId: e.sessionId,
        channel: e.channel.toUpperCase(),
        phase: e.phase.toUpperCase(),
        userTier: e.userTier,
        isPaidUser: e.isPaidUser,
      })),
    },
  });
}

/**
 * Rows as the service builds them (rows.ts): positional, the common columns then the event's,
 * in columns.ts order, for the statement's `jsonb_array_elements`.
 */
export function rowsJson(events: readonly SyntheticEvent[]): string {
  return JSON.stringify(
    events.map((e) => [
      e.eventId,
      e.timestamp.toISOString(),
      e.userIdHash,
      e.userTier,
      e.isPaidUser,
      e.sessionId,
      e.channel,
      e.phase,
      null,
      null,
      null,
      null,
      null,
      null,
      e.eventName,
      'success',
      null,
    ]),
  );
}

const escapeCopy = (value: string) =>
  value.replace(
    /[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
  );

/** COPY text format (tab-separated, `\N` for NULL), columns in EVENT_COLUMNS order. */
export function copyText(events: readonly SyntheticEvent[]): Buffer {
  const lines = events.map((e) =>
    [
      e.eventId,
      e.timestamp.toISOString(),
      RECEIVED_AT,
      escapeCopy(e.userIdHash),
      escapeCopy(e.userTier),
      e.isPaidUser ? 't' : 'f',
      escapeCopy(e.sessionId),
      e.channel,
      e.phase,
      '\\N',
      '\\N',
      '\\N',
      '\\N',
      '\\N',
      e.eventName,
      'success',
      '\\N',
    ].join('\t'),
  );
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}
