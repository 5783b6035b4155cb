import { afterAll, beforeAll, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/** The worked example of docs/kpis.md, so the document cannot drift from the engine. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const ev = (userIdHash: string, eventName: string, timestamp: string, sessionId?: string) => ({
  userIdHash,
  eventName,
  timestamp,
  channel: 'SERVER',
  ...(sessionId ? { sessionId } : {}),
});

it('docs/kpis.md worked example', async () => {
  const events = [
    ev('ana', 'SESSION_STARTED', '2026-11-02T09:00:00Z', 's1'),
    ev('ana', 'SESSION_STARTED', '2026-11-10T09:00:00Z', 's2'),
    ev('ana', 'CONTEXT_LOADED', '2026-11-10T09:05:00Z', 's2'),
    ev('ana', 'SESSION_STARTED', '2026-11-11T09:00:00Z', 's3'),
    ev('ben', 'SERVER_OPERATION_CALLED', '2026-11-10T10:00:00Z', 's4'),
    ev('ben', 'PAID_SUBSCRIPTION_STARTED', '2026-11-10T10:01:00Z'),
    ev('ben', 'CONTEXT_RESUMED', '2026-11-12T08:00:00Z', 's4'),
    ev('cy', 'CONTEXT_LOADED', '2026-11-12T08:00:00Z'),
  ];
  const ingest = await app.gql(
    'mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted rejected } }',
    { e: events },
    INGEST_TOKEN,
  );
  expect(ingest.data?.recordEvents).toEqual({ accepted: 8, rejected: 0 });

  const res = await app.gql(`{
    kpis(days: 3, asOf: "2026-11-12T15:00:00Z") {
      window { from to days }
      dauWau { dau avgDau wau mau stickiness series { day dau wau mau } }
      cdr { sessions dependentSessions rate series { day sessions dependentSessions rate } }
      resurrection { inactiveDays resurrectedUsers activeUsers rate viaContextUsers }
      paidConversion { eligibleUsers conversions rate cancellations paidUsersAtEnd
        series { day conversions cancellations } }
    } }`);
  expect(res.errors).toBeUndefined();
  const k = res.data?.kpis;
  expect(k.window).toEqual({
    from: '2026-11-10T00:00:00.000Z',
    to: '2026-11-13T00:00:00.000Z',
    days: 3,
  });
  expect(k.dauWau).toEqual({
    dau: 0,
    avgDau: 1,
    wau: 2,
    mau: 2,
    stickiness: 0.5,
    series: [
      { day: '2026-11-10', dau: 2, wau: 2, mau: 2 },
      { day: '2026-11-11', dau: 1, wau: 2, mau: 2 },
      { day: '2026-11-12', dau: 0, wau: 2, mau: 2 },
    ],
  });
  expect(k.cdr.sessions).toBe(3);
  expect(k.cdr.dependentSessions).toBe(2);
  expect(k.cdr.rate).toBeCloseTo(2 / 3, 12);
  expect(k.cdr.series).toEqual([
    { day: '2026-11-10', sessions: 2, dependentSessions: 1, rate: 0.5 },
    { day: '2026-11-11', sessions: 1, dependentSessions: 0, rate: 0 },
    { day: '2026-11-12', sessions: 1, dependentSessions: 1, rate: 1 },
  ]);
  expect(k.resurrection).toEqual({
    inactiveDays: 7,
    resurrectedUsers: 1,
    activeUsers: 2,
    rate: 0.5,
    viaContextUsers: 0,
  });
  expect(k.paidConversion).toEqual({
    eligibleUsers: 2,
    conversions: 1,
    rate: 0.5,
    cancellations: 0,
    paidUsersAtEnd: 1,
    series: [
      { day: '2026-11-10', conversions: 1, cancellations: 0 },
      { day: '2026-11-11', conversions: 0, cancellations: 0 },
      { day: '2026-11-12', conversions: 0, cancellations: 0 },
    ],
  });
});
