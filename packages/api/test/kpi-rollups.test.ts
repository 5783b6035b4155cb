import { EVENT_NAMES } from '@cortex-telemetry/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';
import { mulberry32 } from './kpi-history.js';

/**
 * The rollups ingest maintains (kpi_user_days, kpi_session_days) must always equal the same
 * aggregates recomputed from the raw events, whatever the arrival order, duplicates and
 * batching. The recomputation is written here on purpose, by hand, from the rollup definitions.
 */
const USER_DAYS_FROM_EVENTS = `
  select user_id_hash, ("timestamp" at time zone 'UTC')::date::text as day, phase, channel,
    count(*) filter (where event_name in ('session_started', 'extension_activated',
      'server_operation_called', 'web_view_opened'))::int as activity_events,
    count(*) filter (where event_name = 'session_resumed_from_context')::int
      as resumed_from_context_events
  from telemetry_events
  where event_name in ('session_started', 'extension_activated', 'server_operation_called',
    'web_view_opened', 'session_resumed_from_context')
  group by 1, 2, 3, 4
  order by 1, 2, 3, 4`;
const USER_DAYS_ROLLUP = `
  select user_id_hash, day::text as day, phase, channel, activity_events,
    resumed_from_context_events
  from kpi_user_days order by 1, 2, 3, 4`;

const SESSION_DAYS_FROM_EVENTS = `
  select user_id_hash, session_id, ("timestamp" at time zone 'UTC')::date::text as day, phase,
    channel, count(*)::int as events,
    count(*) filter (where event_name in ('context_loaded', 'context_resumed'))::int
      as dependency_events
  from telemetry_events
  where session_id <> ''
  group by 1, 2, 3, 4, 5
  order by 1, 2, 3, 4, 5`;
const SESSION_DAYS_ROLLUP = `
  select user_id_hash, session_id, day::text as day, phase, channel, events, dependency_events
  from kpi_session_days order by 1, 2, 3, 4, 5`;

const RECORD_EVENTS = /* GraphQL */ `
  mutation ($events: [EventInput!]!) {
    recordEvents(events: $events) { accepted duplicates rejected }
  }`;

type WireEvent = Record<string, string>;

/** ~600 events over 12 days, 6 users, shared and empty session ids, every channel and phase. */
function generate(): WireEvent[] {
  const random = mulberry32(99);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const events: WireEvent[] = [];
  for (let i = 0; i < 600; i++) {
    const day = 1 + Math.floor(random() * 12);
    const ms = Math.floor(random() * 86_400_000);
    const timestamp = new Date(Date.UTC(2026, 8, day) + (random() < 0.05 ? 0 : ms));
    const session = pick(['', '', 's1', 's2', 's3', 'shared']);
    events.push({
      eventId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
      eventName: (random() < 0.4
        ? pick(EVENT_NAMES.slice(10, 15))
        : pick(EVENT_NAMES)
      ).toUpperCase(),
      timestamp: timestamp.toISOString(),
      userIdHash: `user-${Math.floor(random() * 6)}`,
      ...(session === '' && random() < 0.5 ? {} : { sessionId: session }),
      channel: pick(['EXTENSION', 'SERVER', 'WEB']),
      phase: pick(['CLOSED_BETA', 'OPEN_BETA']),
    });
  }
  return events;
}

describe('KPI rollups equal a GROUP BY of telemetry_events', () => {
  let app: TestApp;
  const events = generate();
  let sent = 0;
  let accepted = 0;
  let duplicates = 0;

  const send = async (batch: WireEvent[]) => {
    const res = await app.gql(RECORD_EVENTS, { events: batch }, INGEST_TOKEN);
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents.rejected).toBe(0);
    sent += batch.length;
    accepted += res.data?.recordEvents.accepted;
    duplicates += res.data?.recordEvents.duplicates;
  };

  beforeAll(async () => {
    app = await startTestApp();
    // latest days first, so every day's rollup rows are created late and then updated
    const newestFirst = [...events].sort((a, b) => b.timestamp!.localeCompare(a.timestamp!));
    const firstHalf = newestFirst.slice(0, 300);
    for (let i = 0; i < firstHalf.length; i += 70) {
      const batch = firstHalf.slice(i, i + 70);
      // a twin inside the batch, with a different day and name: only the first copy may count
      const twin = {
        ...batch[0]!,
        timestamp: '2026-09-20T10:00:00.000Z',
        eventName: 'SESSION_STARTED',
      };
      await send([...batch, twin]);
    }
    // re-sent: a retry of what was already stored, mixed with new events
    await send([...newestFirst.slice(250, 330), ...newestFirst.slice(0, 40)]);
    // concurrent batches touching the same rollup rows, with ids claimed by two batches at once
    const rest = newestFirst.slice(330);
    const shared = rest.slice(0, 30);
    await Promise.all([
      send([...shared, ...rest.slice(30, 120)]),
      send([...rest.slice(120, 210), ...shared]),
      send(rest.slice(210)),
    ]);
  });
  afterAll(async () => app?.close());

  it('stores each event id once and counts the rest as duplicates', async () => {
    expect(accepted).toBe(600);
    expect(duplicates).toBe(sent - 600);
    const [stored] = await app.sql<{ n: number }>(
      'select count(*)::int as n from telemetry_events',
    );
    expect(stored?.n).toBe(600);
  });

  it('keeps kpi_user_days equal to the aggregate of the stored events', async () => {
    const expected = await app.sql(USER_DAYS_FROM_EVENTS);
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.some((r) => r.activity_events > 0 && r.resumed_from_context_events > 0)).toBe(
      true,
    );
    expect(expected.some((r) => r.activity_events === 0)).toBe(true);
    expect(await app.sql(USER_DAYS_ROLLUP)).toEqual(expected);
  });

  it('keeps kpi_session_days equal to the aggregate of the stored events', async () => {
    const expected = await app.sql(SESSION_DAYS_FROM_EVENTS);
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.some((r) => r.dependency_events > 0)).toBe(true);
    expect(expected.some((r) => r.session_id === 'shared')).toBe(true);
    expect(await app.sql(SESSION_DAYS_ROLLUP)).toEqual(expected);
  });

  it('is what the KPI benchmark rebuilds from raw events', async () => {
    const userDays = await app.sql(USER_DAYS_ROLLUP);
    const sessionDays = await app.sql(SESSION_DAYS_ROLLUP);
    await app.sql('truncate kpi_user_days, kpi_session_days');
    // bench/ is outside this package's rootDir, so it is loaded at run time, untyped
    const bench = new URL('../../../bench/kpi-naive.sql.ts', import.meta.url).href;
    const { rebuildRollupsSql } = (await import(bench)) as { rebuildRollupsSql: string[] };
    for (const statement of rebuildRollupsSql) await app.sql(statement);
    expect(await app.sql(USER_DAYS_ROLLUP)).toEqual(userDays);
    expect(await app.sql(SESSION_DAYS_ROLLUP)).toEqual(sessionDays);
  });
});
