import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { rebuildDaySetsSql } from '../src/modules/kpi/day-sets.sql.js';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import { userDigest } from '../src/modules/privacy/forget-user.service.js';
import { ADMIN_TOKEN, INGEST_TOKEN, OPEN_BETA_STARTS_AT } from './helpers/app.js';
import { createTestDatabase } from './helpers/database.js';

/** The server with a logger the test reads: the erasure must be on record, the hash not. */
const logLines: Record<string, unknown>[] = [];
let baseUrl = '';
let sql: <T = any>(query: string, params?: unknown[]) => Promise<T[]>;
let close: () => Promise<void>;
let fold: () => Promise<unknown>;

beforeAll(async () => {
  const db = await createTestDatabase();
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const { server } = createApp({
    orm: db.orm,
    config: loadConfig({ OPEN_BETA_STARTS_AT, SEED_DEMO: '0' }),
    tokens: { ingest: [INGEST_TOKEN], admin: [ADMIN_TOKEN] },
    logger: pino({ level: 'info' }, sink),
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sql = (query, params = []) => db.orm.em.fork().getConnection().execute(query, params);
  fold = () => foldPendingDays(db.orm.em.fork());
  close = async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await db.drop();
  };
});
afterAll(async () => close?.());

async function gql(query: string, variables: Record<string, unknown>, token = ADMIN_TOKEN) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

let seq = 0;
const id = () => `00000000-0000-4000-a000-${String(++seq).padStart(12, '0')}`;
const common = (user: string, timestamp: string, sessionId: string) => ({
  timestamp,
  userIdHash: user,
  sessionId,
  channel: 'EXTENSION',
});
const event = (user: string, eventName: string, timestamp: string, sessionId: string) => ({
  eventId: id(),
  eventName,
  ...common(user, timestamp, sessionId),
});
const D1 = '2026-11-01T09:00:00.000Z';
const D3 = '2026-11-03T09:00:00.000Z';
const D5 = '2026-11-05T09:00:00.000Z';

const RECORD_EVENTS = `mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted rejected } }`;
const DAU_WAU = `{ dauWau(days: 7, asOf: "2026-11-05T12:00:00Z") { dau wau mau } }`;
const FORGET = `mutation ($u: String!) { forgetUser(userIdHash: $u) { userIdHash deleted { table rows } } }`;

const count = async (table: string, user: string) =>
  Number((await sql(`select count(*) as n from ${table} where user_id_hash = ?`, [user]))[0].n);
const daySets = async () => ({
  days: await sql(
    'select kind, phase_key, channel_key, user_id_hash, session_id, day::text, prev_day::text from kpi_days order by 1, 2, 3, 4, 5, 6',
  ),
  links: await sql(
    'select kind, phase_key, channel_key, day::text, prev_day::text, subjects from kpi_day_links where subjects <> 0 order by 1, 2, 3, 4, 5',
  ),
  cells: await sql(
    'select phase_key, channel_key, period_days, cohort::text, period::text, users from kpi_cohort_cells where users <> 0 order by 1, 2, 3, 4, 5',
  ),
});

describe('forgetUser', () => {
  it('erases one user everywhere, keeps the day sets exact, and is idempotent', async () => {
    // u_a: active on d1 (session s1, which loads a context) and on d5; u_b: active on d1 and d3
    const first = [
      event('u_a', 'SESSION_STARTED', D1, 's1'),
      event('u_a', 'CONTEXT_LOADED', D1, 's1'),
      event('u_b', 'SESSION_STARTED', D1, 's3'),
      event('u_b', 'SERVER_OPERATION_CALLED', D3, 's3'),
      event('u_b', 'CONTEXT_LOADED', D3, 's3'),
    ];
    expect((await gql(RECORD_EVENTS, { e: first }, INGEST_TOKEN)).data.recordEvents).toEqual({
      accepted: 5,
      rejected: 0,
    });
    // folded (as the background folder would): DAU(d5) 0; WAU(d5) = u_a (d1) + u_b (d3) = 2
    await fold();
    expect((await gql(DAU_WAU, {})).data.dauWau).toEqual({ dau: 0, wau: 2, mau: 2 });
    // u_a comes back on d5; left pending (no fold until the erasure)
    const second = [
      event('u_a', 'SESSION_STARTED', D5, 's2'),
      event('u_a', 'SESSION_RESUMED_FROM_CONTEXT', D5, 's2'),
    ];
    expect((await gql(RECORD_EVENTS, { e: second }, INGEST_TOKEN)).data.recordEvents).toEqual({
      accepted: 2,
      rejected: 0,
    });
    const errors = `mutation ($e: [ErrorInput!]!) { recordErrors(errors: $e) { accepted } }`;
    const error = (user: string) => ({
      errorId: id(),
      errorType: 'SyncError',
      errorMessage: 'cloud unreachable',
      severity: 'ERROR',
      ...common(user, D3, ''),
    });
    expect((await gql(errors, { e: [error('u_a'), error('u_b')] }, INGEST_TOKEN)).data).toEqual({
      recordErrors: { accepted: 2 },
    });
    const traces = `mutation ($t: [TraceInput!]!) { recordTraces(traces: $t) { accepted } }`;
    const trace = (user: string) => ({
      traceId: id(),
      operationName: 'search_context',
      durationMs: 5,
      success: true,
      ...common(user, D3, ''),
    });
    expect((await gql(traces, { t: [trace('u_a'), trace('u_a')] }, INGEST_TOKEN)).data).toEqual({
      recordTraces: { accepted: 2 },
    });
    // rejected items naming u_a and u_ab (metadata must be an object): only u_a's is erased
    const bad = (user: string) => ({ ...event(user, 'CONTEXT_LOADED', D3, 's9'), metadata: [1] });
    expect(
      (await gql(RECORD_EVENTS, { e: [bad('u_a'), bad('u_ab')] }, INGEST_TOKEN)).data.recordEvents,
    ).toEqual({ accepted: 0, rejected: 2 });

    const pending = await count('kpi_pending', 'u_a');
    const days = await count('kpi_days', 'u_a');
    // folded above: active d1 and session s1 d1 and dependency s1 d1, each in the
    // four scopes (all, phase, channel, phase+channel) = 12 rows; d5 is still pending
    expect(days).toBe(12);
    expect(pending).toBeGreaterThan(0);

    const forgotten = await gql(FORGET, { u: 'u_a' });
    expect(forgotten.data.forgetUser).toEqual({
      userIdHash: 'u_a',
      deleted: [
        { table: 'telemetry_events', rows: 4 },
        { table: 'telemetry_errors', rows: 1 },
        { table: 'telemetry_traces', rows: 2 },
        { table: 'kpi_days', rows: 12 },
        { table: 'kpi_pending', rows: pending },
        { table: 'telemetry_failed_items', rows: 1 },
      ],
    });
    for (const table of [
      'telemetry_events',
      'telemetry_errors',
      'telemetry_traces',
      'kpi_days',
      'kpi_pending',
    ]) {
      expect(await count(table, 'u_a')).toBe(0);
    }
    expect(await count('telemetry_events', 'u_b')).toBe(3);
    expect(await count('telemetry_errors', 'u_b')).toBe(1);
    const failed = await sql<{ payload: string }>('select payload from telemetry_failed_items');
    expect(failed.map((f) => JSON.parse(f.payload).userIdHash)).toEqual(['u_ab']);

    // KPIs as if u_a never existed: DAU(d5) 0, WAU(d5) = u_b only
    expect((await gql(DAU_WAU, {})).data.dauWau).toEqual({ dau: 0, wau: 1, mau: 1 });
    // the day sets equal a rebuild from the remaining raw events
    const kept = await daySets();
    for (const statement of rebuildDaySetsSql) await sql(statement);
    expect(kept).toEqual(await daySets());

    // idempotent: nothing left to delete
    const again = await gql(FORGET, { u: 'u_a' });
    expect(again.data.forgetUser.deleted.map((d: { rows: number }) => d.rows)).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);

    // on record with who asked and when, never with the hash in clear
    const records = logLines.filter((l) => l.msg === 'forgetUser: erased a user');
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ user: userDigest('u_a'), tokenKind: 'admin' });
    expect(typeof records[0]?.at).toBe('string');
    expect(JSON.stringify(records)).not.toContain('u_a');
  });

  it('refuses an ingest token and a malformed hash, naming the field', async () => {
    const asIngest = await gql(FORGET, { u: 'u_b' }, INGEST_TOKEN);
    expect(asIngest.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const malformed = await gql(FORGET, { u: 'alice@example.com' });
    expect(malformed.errors?.[0]).toMatchObject({
      message: 'userIdHash: must be 1–128 characters of [A-Za-z0-9_.:-]',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await count('telemetry_events', 'u_b')).toBe(3);
  });
});
