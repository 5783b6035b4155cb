import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../src/modules/privacy/retention.js';
import { startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const NOW = new Date('2026-11-27T12:00:00.000Z');
const daysAgo = (d: number, hours = 0) =>
  new Date(NOW.getTime() - d * 86_400_000 - hours * 3_600_000).toISOString();
let seq = 0;
const uuid = () => `00000000-0000-4000-9000-${String(++seq).padStart(12, '0')}`;

const error = (timestamp: string) => ({
  errorId: uuid(),
  timestamp,
  errorType: 'SyncError',
  errorMessage: 'cloud unreachable',
  severity: 'ERROR',
  userIdHash: `u_${seq % 3}`,
  channel: 'SERVER',
});
const trace = (timestamp: string) => ({
  traceId: uuid(),
  timestamp,
  operationName: 'rag_search',
  durationMs: 12,
  success: true,
  userIdHash: `u_${seq % 3}`,
  channel: 'SERVER',
});
const event = (timestamp: string) => ({
  eventId: uuid(),
  eventName: 'SESSION_STARTED',
  timestamp,
  userIdHash: 'u_1',
  sessionId: 's',
  channel: 'SERVER',
});

describe('retention', () => {
  it('deletes exactly the rows older than each target keeps, in batches, and keeps events', async () => {
    // errors kept 30 days: 31 d, 30 d + 1 h and 45 d are older (3 go); 29 d and 30 d − 1 h stay (2)
    await app.record('recordErrors', [
      error(daysAgo(31)),
      error(daysAgo(30, 1)),
      error(daysAgo(45)),
      error(daysAgo(29)),
      error(daysAgo(30, -1)),
    ]);
    // traces kept 7 days: 8 d and 100 d go; 6 d stays
    await app.record('recordTraces', [trace(daysAgo(8)), trace(daysAgo(100)), trace(daysAgo(6))]);
    // events are never purged, however old
    await app.record('recordEvents', [event(daysAgo(200)), event(daysAgo(1))]);
    // failed items kept 14 days by when they were received: 2 of 4 are older
    await app.sql(
      `insert into telemetry_failed_items (received_at, pipeline, mutation, item_index, reason, payload)
       select t::timestamptz, 'event', 'recordEvents', 0, 'x', '{}' from unnest(?::text[]) t`,
      [`{${[daysAgo(15), daysAgo(20), daysAgo(13), daysAgo(1)].join(',')}}`],
    );

    // batch size 2: the three expired errors take two statements
    const deleted = await purgeExpired(
      app.orm.em.fork(),
      { errors: 30, traces: 7, failedItems: 14 },
      { now: NOW, batchSize: 2 },
    );
    expect(deleted).toEqual({ errors: 3, traces: 2, failedItems: 2 });

    const left = async (table: string, column: string) =>
      (await app.sql(`select ${column}::text as t from ${table} order by ${column}`)).map((r) =>
        new Date(r.t).toISOString(),
      );
    expect(await left('telemetry_errors', 'timestamp')).toEqual([daysAgo(30, -1), daysAgo(29)]);
    expect(await left('telemetry_traces', 'timestamp')).toEqual([daysAgo(6)]);
    expect(await left('telemetry_events', 'timestamp')).toEqual([daysAgo(200), daysAgo(1)]);
    expect(await left('telemetry_failed_items', 'received_at')).toEqual([daysAgo(13), daysAgo(1)]);

    // a second run finds nothing; an unset target is kept whole
    expect(await purgeExpired(app.orm.em.fork(), { errors: 30 }, { now: NOW })).toEqual({
      errors: 0,
      traces: 0,
      failedItems: 0,
    });
    expect(await purgeExpired(app.orm.em.fork(), {}, { now: NOW })).toEqual({
      errors: 0,
      traces: 0,
      failedItems: 0,
    });
    expect(await left('telemetry_traces', 'timestamp')).toEqual([daysAgo(6)]);
  });
});
