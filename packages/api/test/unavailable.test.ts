import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, migrate, type Orm } from '../src/orm.js';
import { isDatabaseUnavailable } from '../src/unavailable.js';
import { type PrivatePostgres, serveOn, startPrivatePostgres } from './helpers/private-postgres.js';

/**
 * Issue 7 item 3: a database outage answers 503 + Retry-After + SERVICE_UNAVAILABLE. The outage
 * is real: a private embedded PostgreSQL (never the shared one) is stopped and started again.
 */
const INGEST = 'unavailable-ingest';
let postgres: PrivatePostgres;
let orm: Orm;
let baseUrl: string;
let close: () => Promise<void>;

const event = (n: number) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  eventName: 'SESSION_STARTED',
  timestamp: '2026-11-25T10:00:00Z',
  userIdHash: 'u_1',
  channel: 'SERVER',
});

async function waitUntil(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function record(events: object[]) {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
    body: JSON.stringify({
      query: 'mutation ($es: [EventInput!]!) { recordEvents(events: $es) { accepted duplicates } }',
      variables: { es: events },
    }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  orm = await initORM(postgres.url, { poolMax: 2 });
  await migrate(orm);
  ({ baseUrl, close } = await serveOn(orm, { ingest: [INGEST], admin: [] }));
});

afterAll(async () => {
  await close?.();
  await orm?.close(true);
  await postgres?.destroy();
});

describe('database outage → 503 SERVICE_UNAVAILABLE', () => {
  it('answers 503 + Retry-After while PostgreSQL is down, and stores again once it is back', async () => {
    expect((await record([event(1)])).body.data.recordEvents).toEqual({
      accepted: 1,
      duplicates: 0,
    });

    await postgres.stop();
    const down = await record([event(2)]);
    expect(down.status).toBe(503);
    expect(down.retryAfter).toBe('5');
    expect(down.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(down.body.errors[0].message).toMatch(/database is unavailable; retry after 5 s/);
    expect((await fetch(`${baseUrl}/ready`)).status).toBe(503);
    // OpenTelemetry exporters retry 503 after Retry-After too (docs/api.md#opentelemetry-traces)
    const otlp = await fetch(`${baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
      body: JSON.stringify({ resourceSpans: [] }),
    });
    expect(otlp.status).toBe(200); // no span: nothing to store, nothing to wait for
    const span = {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      name: 'rag_search',
      startTimeUnixNano: '1795168800000000000',
      endTimeUnixNano: '1795168800005000000',
      attributes: [
        { key: 'enduser.id', value: { stringValue: 'u_1' } },
        { key: 'cortex.channel', value: { stringValue: 'server' } },
      ],
    };
    const otlpDown = await fetch(`${baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
    });
    expect(otlpDown.status).toBe(503);
    expect(otlpDown.headers.get('retry-after')).toBe('5');
    expect(((await otlpDown.json()) as { code: number }).code).toBe(14);

    await postgres.start();
    // the retried batch: event 2 is new, event 1 a duplicate — 1 accepted, 1 duplicate
    const back = await record([event(1), event(2)]);
    expect(back.status).toBe(200);
    expect(back.body.data.recordEvents).toEqual({ accepted: 1, duplicates: 1 });
  });

  it('answers 503 when the connection pool has no free connection in time', async () => {
    const pool = (
      orm.em.getConnection().getKnex() as unknown as {
        client: { pool: { acquireTimeoutMillis: number } };
      }
    ).client.pool;
    const conn = orm.em.getConnection();
    // both pooled connections (poolMax 2) sleep; a separate client sees when both are busy
    const holders = [conn.execute('select pg_sleep(3)'), conn.execute('select pg_sleep(3)')];
    const watcher = new pg.Client({ connectionString: postgres.url });
    await watcher.connect();
    try {
      await waitUntil(async () => {
        const { rows } = await watcher.query(
          "select count(*)::int as n from pg_stat_activity where query = 'select pg_sleep(3)'",
        );
        return rows[0].n === 2;
      });
      // knex waits 60 s for a free connection by default; the test shortens the wait
      pool.acquireTimeoutMillis = 300;
      const starved = await record([event(3)]);
      expect(starved.status).toBe(503);
      expect(starved.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      pool.acquireTimeoutMillis = 60_000;
      await watcher.end();
      await Promise.all(holders);
    }
  });

  it('tells availability apart from other failures', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable({ message: 'y', cause: { code: '57P01' } })).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});
