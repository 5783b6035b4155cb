import { expect } from 'vitest';
import { INGEST_TOKEN, type TestApp } from './helpers/app.js';

/** Shared by the kpi-*.test.ts files: fixtures go in through the real ingest mutation. */
const RECORD_EVENTS = /* GraphQL */ `
  mutation ($events: [EventInput!]!) {
    recordEvents(events: $events) { accepted rejected errors { index message } }
  }`;

export interface FixtureEvent {
  eventName: string;
  timestamp: string;
  userIdHash: string;
  channel?: string;
  sessionId?: string;
  phase?: string;
}

/** `ev('SESSION_STARTED', '2026-11-10T12:00:00Z', 'u_a', { channel: 'WEB' })` */
export const ev = (
  eventName: string,
  timestamp: string,
  userIdHash: string,
  over: Partial<FixtureEvent> = {},
): FixtureEvent => ({ eventName, timestamp, userIdHash, channel: 'SERVER', ...over });

export async function record(app: TestApp, events: FixtureEvent[]): Promise<void> {
  const res = await app.gql(RECORD_EVENTS, { events }, INGEST_TOKEN);
  expect(res.errors).toBeUndefined();
  expect(res.data?.recordEvents).toEqual({ accepted: events.length, rejected: 0, errors: [] });
}

/** Runs an admin query and returns its single root field, failing on any GraphQL error. */
export async function query<T = any>(
  app: TestApp,
  document: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await app.gql(document, variables);
  expect(res.errors).toBeUndefined();
  return Object.values(res.data ?? {})[0] as T;
}

/** The message and code of the one error a query must fail with. */
export async function queryError(
  app: TestApp,
  document: string,
  variables: Record<string, unknown> = {},
) {
  const res = await app.gql(document, variables);
  expect(res.data ?? null).toBeNull();
  expect(res.errors).toHaveLength(1);
  return { message: res.errors?.[0]?.message, code: res.errors?.[0]?.extensions?.code };
}
