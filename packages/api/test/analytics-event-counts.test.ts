import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Events. The window 2026-11-10 .. 2026-11-12 (exclusive) holds A1–A6; A0 is just before it,
 * A7 after it. Tiers: u_a free, u_b pro, u_c none.
 */
const ev = (
  timestamp: string,
  userIdHash: string,
  channel: string,
  eventName: string,
  extra = {},
) => ({
  timestamp,
  userIdHash,
  channel,
  eventName,
  ...extra,
});
const EVENTS = [
  ev('2026-11-09T23:59:59.000Z', 'u_d', 'SERVER', 'CONTEXT_LOADED'), // A0
  ev('2026-11-10T01:00:00.000Z', 'u_a', 'SERVER', 'CONTEXT_LOADED', { userTier: 'free' }), // A1
  ev('2026-11-10T02:00:00.000Z', 'u_a', 'SERVER', 'CONTEXT_LOADED', { userTier: 'free' }), // A2
  ev('2026-11-10T23:59:59.000Z', 'u_b', 'EXTENSION', 'CONTEXT_LOADED', { userTier: 'pro' }), // A3
  ev('2026-11-11T00:00:00.000Z', 'u_b', 'EXTENSION', 'SESSION_STARTED', { userTier: 'pro' }), // A4
  ev('2026-11-11T05:00:00.000Z', 'u_c', 'SERVER', 'CONTEXT_LOADED', { phase: 'CLOSED_BETA' }), // A5
  ev('2026-11-11T06:00:00.000Z', 'u_a', 'WEB', 'WEB_VIEW_OPENED', { userTier: 'free' }), // A6
  ev('2026-11-12T10:00:00.000Z', 'u_c', 'SERVER', 'SESSION_STARTED', { phase: 'CLOSED_BETA' }), // A7
];

beforeAll(async () => {
  app = await startTestApp();
  await app.record('recordEvents', EVENTS);
});
afterAll(async () => app?.close());

const WINDOW = { from: '2026-11-10T00:00:00.000Z', to: '2026-11-12T00:00:00.000Z' };
const KEYS = 'day eventName channel phase userTier count users';
const row = (over: Record<string, unknown>) => ({
  day: null,
  eventName: null,
  channel: null,
  phase: null,
  userTier: null,
  ...over,
});

async function eventCounts(args: Record<string, unknown>) {
  const res = await app.gql(
    `query ($groupBy: [EventCountDimension!]!, $from: DateTime, $to: DateTime, $channel: Channel,
      $eventName: [CortexEventName!], $userIdHash: String) {
      eventCounts(groupBy: $groupBy, from: $from, to: $to, channel: $channel, eventName: $eventName,
        userIdHash: $userIdHash) { ${KEYS} } }`,
    args,
  );
  expect(res.errors).toBeUndefined();
  return res.data?.eventCounts;
}

describe('eventCounts', () => {
  it('groups by one dimension: day (UTC), with distinct users', async () => {
    // 11-10: A1 A2 (u_a) A3 (u_b); 11-11: A4 (u_b) A5 (u_c) A6 (u_a)
    expect(await eventCounts({ ...WINDOW, groupBy: ['DAY'] })).toEqual([
      row({ day: '2026-11-10', count: 3, users: 2 }),
      row({ day: '2026-11-11', count: 3, users: 3 }),
    ]);
  });

  it('groups by one dimension: event name, ordered by it', async () => {
    expect(await eventCounts({ ...WINDOW, groupBy: ['EVENT_NAME'] })).toEqual([
      row({ eventName: 'CONTEXT_LOADED', count: 4, users: 3 }), // A1 A2 A3 A5
      row({ eventName: 'SESSION_STARTED', count: 1, users: 1 }), // A4
      row({ eventName: 'WEB_VIEW_OPENED', count: 1, users: 1 }), // A6
    ]);
  });

  it('groups by two dimensions, ordered by the keys in the order given', async () => {
    expect(await eventCounts({ ...WINDOW, groupBy: ['DAY', 'CHANNEL'] })).toEqual([
      row({ day: '2026-11-10', channel: 'EXTENSION', count: 1, users: 1 }), // A3
      row({ day: '2026-11-10', channel: 'SERVER', count: 2, users: 1 }), // A1 A2
      row({ day: '2026-11-11', channel: 'EXTENSION', count: 1, users: 1 }), // A4
      row({ day: '2026-11-11', channel: 'SERVER', count: 1, users: 1 }), // A5
      row({ day: '2026-11-11', channel: 'WEB', count: 1, users: 1 }), // A6
    ]);
    expect(await eventCounts({ ...WINDOW, groupBy: ['CHANNEL', 'DAY'] })).toEqual([
      row({ day: '2026-11-10', channel: 'EXTENSION', count: 1, users: 1 }),
      row({ day: '2026-11-11', channel: 'EXTENSION', count: 1, users: 1 }),
      row({ day: '2026-11-10', channel: 'SERVER', count: 2, users: 1 }),
      row({ day: '2026-11-11', channel: 'SERVER', count: 1, users: 1 }),
      row({ day: '2026-11-11', channel: 'WEB', count: 1, users: 1 }),
    ]);
  });

  it('groups by phase and tier (a missing tier is its own null group)', async () => {
    expect(await eventCounts({ ...WINDOW, groupBy: ['PHASE', 'USER_TIER'] })).toEqual([
      row({ phase: 'CLOSED_BETA', userTier: null, count: 1, users: 1 }), // A5
      row({ phase: 'OPEN_BETA', userTier: 'free', count: 3, users: 1 }), // A1 A2 A6
      row({ phase: 'OPEN_BETA', userTier: 'pro', count: 2, users: 1 }), // A3 A4
    ]);
  });

  it('applies filters before grouping', async () => {
    expect(await eventCounts({ ...WINDOW, groupBy: ['DAY'], eventName: 'CONTEXT_LOADED' })).toEqual(
      [
        row({ day: '2026-11-10', count: 3, users: 2 }), // A1 A2 A3
        row({ day: '2026-11-11', count: 1, users: 1 }), // A5
      ],
    );
    expect(await eventCounts({ ...WINDOW, groupBy: ['EVENT_NAME'], channel: 'SERVER' })).toEqual([
      row({ eventName: 'CONTEXT_LOADED', count: 3, users: 2 }), // A1 A2 (u_a) A5 (u_c)
    ]);
  });

  it('with only `to`, reads the 30 days before it', async () => {
    // 2026-10-13 .. 2026-11-12: A0–A6
    expect(await eventCounts({ to: WINDOW.to, groupBy: ['PHASE'] })).toEqual([
      row({ phase: 'CLOSED_BETA', count: 1, users: 1 }), // A5
      row({ phase: 'OPEN_BETA', count: 6, users: 3 }), // A0 A1 A2 A3 A4 A6: u_d u_a u_b
    ]);
  });

  it('with only `from`, reads up to now', async () => {
    // 2026-11-11 .. now: A4 A5 A6 A7
    expect(
      await eventCounts({ from: '2026-11-11T00:00:00.000Z', groupBy: ['EVENT_NAME'] }),
    ).toEqual([
      row({ eventName: 'CONTEXT_LOADED', count: 1, users: 1 }), // A5
      row({ eventName: 'SESSION_STARTED', count: 2, users: 2 }), // A4 A7
      row({ eventName: 'WEB_VIEW_OPENED', count: 1, users: 1 }), // A6
    ]);
  });

  it('by default reads the last 30 days', async () => {
    const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    const recent = [
      ev(at(HOUR), 'u_recent', 'WEB', 'WEB_VIEW_OPENED'),
      ev(at(29 * DAY), 'u_recent', 'WEB', 'WEB_VIEW_OPENED'),
      ev(at(31 * DAY), 'u_recent', 'WEB', 'WEB_VIEW_OPENED'),
    ];
    const res = await app.gql(
      'mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted } }',
      { e: recent },
      INGEST_TOKEN,
    );
    expect(res.data?.recordEvents.accepted).toBe(3);
    expect(await eventCounts({ groupBy: ['CHANNEL'], userIdHash: 'u_recent' })).toEqual([
      row({ channel: 'WEB', count: 2, users: 1 }),
    ]);
  });
});
