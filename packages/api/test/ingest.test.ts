import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const RECORD_EVENTS = /* GraphQL */ `
  mutation ($events: [EventInput!]!, $sentAt: DateTime) {
    recordEvents(events: $events, sentAt: $sentAt) { accepted duplicates rejected errors { index message } }
  }`;

const event = (over: Record<string, unknown> = {}) => ({
  eventName: 'CONTEXT_LOADED',
  timestamp: '2026-11-20T10:00:00.000Z',
  userIdHash: 'u_1',
  sessionId: 's_1',
  channel: 'SERVER',
  ...over,
});

describe('recordEvents', () => {
  it('stores a valid event with its defaults', async () => {
    const id = '7f6c2a52-1d1e-4f7a-9d3e-2b8f0c1a0001';
    const res = await app.gql(
      RECORD_EVENTS,
      { events: [event({ eventId: id, userTier: 'pro' })] },
      INGEST_TOKEN,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents).toEqual({ accepted: 1, duplicates: 0, rejected: 0, errors: [] });
    const rows = await app.sql('select * from telemetry_events where id = ?', [id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event_name: 'context_loaded',
      user_id_hash: 'u_1',
      session_id: 's_1',
      channel: 'server',
      result: 'success',
      is_paid_user: true,
      phase: 'open_beta',
      user_tier: 'pro',
    });
  });
});
