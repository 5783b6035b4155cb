import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, Slots, TokenBuckets } from '../src/limits.js';
import { ADMIN_TOKEN, INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/** Each limit of docs/api.md#limits, shown with its status, code and Retry-After. */

describe('token buckets (unit, on a hand-driven clock)', () => {
  it('lets a burst through, then says how many whole seconds until the next token', () => {
    let now = 0;
    const buckets = new TokenBuckets(0.1, 3, () => now); // one token per 10 s, 3 at once
    expect([1, 2, 3].map(() => buckets.take('a').ok)).toEqual([true, true, true]);
    // empty: 1 token at 0.1/s takes 10 s
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 10 });
    expect(buckets.take('b').ok).toBe(true); // another key has its own bucket
    now = 4000; // 4 s refill 0.4 tokens: 0.6 missing → 6 s
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 6 });
    now = 10_000; // 10 s since empty: exactly one token
    expect(buckets.take('a')).toEqual({ ok: true });
    expect(buckets.take('a').ok).toBe(false);
  });

  it('forgets buckets that are full again, so one-off addresses cost no memory', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 2, () => now);
    buckets.take('a');
    buckets.take('b');
    buckets.take('b');
    now = 1000; // a: 1 + 1 = 2 (full); b: 0 + 1 = 1 (not full)
    buckets.sweep();
    expect(buckets.size).toBe(1);
    now = 2000;
    buckets.sweep();
    expect(buckets.size).toBe(0);
  });

  it('reads the address from the socket, or from X-Forwarded-For behind a trusted proxy', () => {
    const req = {
      headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' },
      socket: { remoteAddress: '10.1.1.1' },
    } as unknown as IncomingMessage;
    expect(clientAddress(req, false)).toBe('10.1.1.1');
    // the last entry is the one the trusted proxy appended; the first is client-supplied
    expect(clientAddress(req, true)).toBe('198.51.100.7');
  });
});

describe('admin slots (unit)', () => {
  it('runs `limit` at once, queues `queue` more in order, refuses the rest', async () => {
    const slots = new Slots(1, 1);
    const first = await slots.acquire();
    let secondRunning = false;
    const second = slots.acquire().then((release) => {
      secondRunning = true;
      return release;
    });
    expect(await slots.acquire()).toBeNull(); // one running, one waiting: full
    expect(secondRunning).toBe(false);
    first?.();
    const release = await second;
    expect(secondRunning).toBe(true);
    release?.();
    expect(await slots.acquire()).not.toBeNull();
  });
});

const EVENT = {
  eventName: 'SESSION_STARTED',
  timestamp: '2026-11-20T10:00:00Z',
  userIdHash: 'u_limits',
  channel: 'WEB',
};
const RECORD = 'mutation ($e: EventInput!) { recordEvent(event: $e) { accepted duplicates } }';

async function post(app: TestApp, token: string | null, query: string, address: string) {
  const res = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': address,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables: { e: EVENT } }),
  });
  const body = (await res.json()) as { errors?: { message: string; extensions: unknown }[] };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

let rated: TestApp;
let slow: TestApp;
let oneSlot: TestApp;
let sockets: TestApp;
let capped: TestApp;
beforeAll(async () => {
  [rated, slow, oneSlot, sockets, capped] = await Promise.all([
    startTestApp({
      // one token per 1,000 s: nothing refills noticeably while a test runs, even on a busy machine
      RATE_LIMIT_TOKEN_PER_SECOND: '0.001',
      RATE_LIMIT_TOKEN_BURST: '2',
      RATE_LIMIT_ADDRESS_PER_SECOND: '0.001',
      RATE_LIMIT_ADDRESS_BURST: '5',
      TRUST_PROXY: '1',
    }),
    // long enough for a read fanned out to a Citus cluster's shards on a busy machine
    // (pnpm test:citus), short enough to wait for four times
    startTestApp({ QUERY_TIMEOUT_MS: '1500' }),
    startTestApp({ ADMIN_CONCURRENCY: '1', ADMIN_QUEUE: '1' }),
    startTestApp({ HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' }),
    startTestApp({ HTTP_MAX_CONNECTIONS: '2' }),
  ]);
});
afterAll(async () => {
  await Promise.all([rated, slow, oneSlot, sockets, capped].map((a) => a?.close()));
});

describe('rate limits (HTTP 429 RATE_LIMITED with Retry-After)', () => {
  /**
   * An empty bucket at 0.001 token/s has its next token 1,000 s away, less what trickled in since
   * the bucket was last touched: under 10 s on any machine, so Retry-After is 991–1000 and the
   * message quotes the same number.
   */
  function expectLimited(answer: Awaited<ReturnType<typeof post>>, what: string): void {
    expect(answer.status).toBe(429);
    const seconds = Number(answer.retryAfter);
    expect(seconds).toBeGreaterThanOrEqual(991);
    expect(seconds).toBeLessThanOrEqual(1000);
    expect(answer.body).toEqual({
      errors: [
        {
          message: `rate limit: ${what}; retry after ${seconds} s (Retry-After)`,
          extensions: { code: 'RATE_LIMITED' },
        },
      ],
    });
  }
  const PER_TOKEN = 'at most 0.001 requests per second (bursts of 2) per ingest token';
  const PER_ADDRESS = 'at most 0.001 requests per second (bursts of 5) per client address';

  it('per ingest token: a burst of 2, then 429 with Retry-After, from any address', async () => {
    const a = '192.0.2.1';
    expect((await post(rated, INGEST_TOKEN, RECORD, a)).status).toBe(200);
    expect((await post(rated, INGEST_TOKEN, RECORD, a)).status).toBe(200);
    expectLimited(await post(rated, INGEST_TOKEN, RECORD, a), PER_TOKEN);
    // the token's bucket is shared by every address that presents it
    expectLimited(await post(rated, INGEST_TOKEN, RECORD, '192.0.2.2'), PER_TOKEN);
    // nothing of the refused requests was stored: 2 admitted requests, 2 events (no eventId)
    const [{ n }] = await rated.sql('select count(*)::int as n from telemetry_events');
    expect(n).toBe(2);
  });

  it('per address: 5 requests of any kind, then 429 even for an admin', async () => {
    const a = '192.0.2.1'; // 3 requests above came from here: 2 more are left
    expect((await post(rated, ADMIN_TOKEN, '{ __typename }', a)).status).toBe(200);
    expect((await post(rated, ADMIN_TOKEN, '{ __typename }', a)).status).toBe(200);
    expectLimited(await post(rated, ADMIN_TOKEN, '{ __typename }', a), PER_ADDRESS);
    // requests without a (valid) token count too: a flood of guesses is metered
    const b = '192.0.2.3';
    for (let i = 0; i < 5; i++) expect((await post(rated, 'guess', RECORD, b)).status).toBe(401);
    expectLimited(await post(rated, 'guess', RECORD, b), PER_ADDRESS);
  });
});

/** Holds ACCESS EXCLUSIVE locks on every table, so any read waits until `release`. */
async function lockAllTables(app: TestApp): Promise<{ release: () => Promise<void> }> {
  const knex = app.orm.em.getConnection().getKnex() as Knex;
  const trx = await knex.transaction();
  const tables: { tablename: string }[] = (
    await trx.raw(
      "select tablename from pg_tables where schemaname = 'public' and tablename like any(array['telemetry_%', 'kpi_%'])",
    )
  ).rows;
  await trx.raw(`lock table ${tables.map((t) => t.tablename).join(', ')} in access exclusive mode`);
  return { release: async () => void (await trx.rollback()) };
}

describe('statement timeout (QUERY_TIMEOUT)', () => {
  const TIMEOUT_MESSAGE =
    'the query ran longer than 1500 ms and was cancelled (QUERY_TIMEOUT_MS); narrow its window or filters, or ask for fewer fields at once';

  it('a list, an aggregate, failedItems, a KPI and the cohort fields each answer QUERY_TIMEOUT, never a 500', async () => {
    const lock = await lockAllTables(slow);
    try {
      for (const [field, query] of [
        ['events', '{ events { nodes { id } } }'],
        ['eventCounts', '{ eventCounts(groupBy: [DAY]) { count } }'],
        ['failedItems', '{ failedItems { nodes { id } } }'],
        ['dauWau', '{ dauWau(days: 7, asOf: "2026-11-20T00:00:00Z") { dau } }'],
        ['retention', '{ retention(asOf: "2026-11-20T00:00:00Z") { intervals } }'],
        ['lifecycle', '{ lifecycle(asOf: "2026-11-20T00:00:00Z") { period } }'],
        ['funnel', '{ funnel(steps: [CONTEXT_CREATED, CONTEXT_LOADED]) { windowDays } }'],
      ] as const) {
        const res = await slow.gql(query, {}, ADMIN_TOKEN);
        expect({ field, status: res.status, data: res.data, errors: res.errors }).toEqual({
          field,
          status: 200,
          data: null,
          errors: [
            {
              message: TIMEOUT_MESSAGE,
              locations: [{ line: 1, column: 3 }],
              path: [field],
              extensions: { code: 'QUERY_TIMEOUT' },
            },
          ],
        });
      }
    } finally {
      await lock.release();
    }
  });

  it('leaves no connection stuck: the same reads answer once the lock is gone', async () => {
    const res = await slow.gql(
      '{ events { nodes { id } } dauWau(days: 7) { dau } }',
      {},
      ADMIN_TOKEN,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ events: { nodes: [] }, dauWau: { dau: 0 } });
    const [{ n }] = await slow.sql(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'",
    );
    expect(n).toBe(0);
  });
});

describe('admin concurrency', () => {
  it('runs 1 admin request at once, queues 1, refuses a third with 429 and Retry-After 1', async () => {
    const lock = await lockAllTables(oneSlot);
    const query = '{ events { nodes { id } } }';
    const first = oneSlot.gql(query, {}, ADMIN_TOKEN);
    // wait until the first holds the slot (its statement waits on the lock in PostgreSQL)
    for (let i = 0; i < 100; i++) {
      const [{ n }] = await oneSlot.sql(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (n > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const second = oneSlot.gql(query, {}, ADMIN_TOKEN);
    await new Promise((r) => setTimeout(r, 1500)); // the second reaches the queue, even under load
    const third = await fetch(`${oneSlot.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query }),
    });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(await third.json()).toEqual({
      errors: [
        {
          message:
            'rate limit: 1 admin requests run at once and 1 more may wait; retry after 1 s (Retry-After)',
          extensions: { code: 'RATE_LIMITED' },
        },
      ],
    });
    await lock.release();
    expect((await first).data).toEqual({ events: { nodes: [] } });
    expect((await second).data).toEqual({ events: { nodes: [] } });
  });
});

/** A raw connection; resolves with what the server wrote once it closed the socket. */
function rawConnection(app: TestApp): { socket: Socket; closed: Promise<string> } {
  const { port } = new URL(app.baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
  socket.on('error', () => {});
  return { socket, closed };
}

describe('HTTP server timeouts and connection cap', () => {
  it('a client that never finishes its headers gets 408 and the socket closed', async () => {
    const { socket, closed } = rawConnection(sockets);
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\n'); // and nothing more
    const started = performance.now();
    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // 300 ms timeout, checked every 300 ms: closed between 0.3 and ~0.6 s (allow for load)
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const { socket, closed } = rawConnection(sockets);
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    const started = performance.now();
    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toContain('{"status":"ok"}');
    // closed by the server after 300 ms idle, long before Node's default of 5 s
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('beyond HTTP_MAX_CONNECTIONS a new connection is dropped; the open ones still work', async () => {
    const open = [rawConnection(capped), rawConnection(capped)];
    await Promise.all(open.map((c) => new Promise((r) => c.socket.once('connect', r))));
    await new Promise((r) => setTimeout(r, 50)); // the server has accepted both
    const third = rawConnection(capped);
    third.socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await third.closed).toBe(''); // dropped without an answer
    const [first] = open;
    first?.socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(await first?.closed).toContain('{"status":"ok"}');
    open[1]?.socket.destroy();
  });
});
