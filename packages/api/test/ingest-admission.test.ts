import type { Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacklogGate } from '../src/limits.js';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import { ADMIN_TOKEN, INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/**
 * Issue #19: reads never starve ingest of connections (a pool per kind of work), a read over its
 * budget answers QUERY_TIMEOUT while ingest goes on, and ingest pauses with 503 + Retry-After
 * while the KPI fold's backlog is over INGEST_BACKLOG_LIMIT (docs/api.md#limits).
 */

describe('backlog gate (unit, on a hand-driven clock)', () => {
  it('probes at most every `everyMs`, one probe at a time, and admits when a probe fails', async () => {
    let now = 0;
    let waiting = 3;
    const probes: number[] = [];
    const gate = new BacklogGate(
      3,
      async (limit) => {
        probes.push(limit);
        if (waiting < 0) throw new Error('database down');
        return waiting;
      },
      500,
      () => now,
    );
    // two requests at once share the first probe: 3 facts wait, not more than 3
    expect(await Promise.all([gate.over(), gate.over()])).toEqual([false, false]);
    expect(probes).toEqual([3]);
    waiting = 4;
    now = 499; // the answer of 0 ms ago holds for 500 ms
    expect(await gate.over()).toBe(false);
    now = 500;
    expect(await gate.over()).toBe(true);
    now = 999;
    expect(await gate.over()).toBe(true);
    expect(probes).toEqual([3, 3]);
    waiting = -1;
    now = 1000;
    expect(await gate.over()).toBe(false);
    expect(probes).toEqual([3, 3, 3]);
  });
});

const RECORD =
  'mutation ($es: [EventInput!]!) { recordEvents(events: $es) { accepted duplicates rejected } }';
const DAU = '{ dauWau(days: 1, asOf: "2026-11-20T12:00:00Z") { dau } }';

/** SESSION_STARTED of user u_n on 2026-11-20 in a session of their own: one day fact each. */
const started = (n: number) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  eventName: 'SESSION_STARTED',
  timestamp: '2026-11-20T10:00:00Z',
  userIdHash: `u_${n}`,
  sessionId: `s_${n}`,
  channel: 'WEB',
});

async function record(app: TestApp, events: object[]) {
  const res = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
    body: JSON.stringify({ query: RECORD, variables: { es: events } }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

/** Polls `answer` until `done` says so (the gate's answer is at most 500 ms old). */
async function until<T>(answer: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await answer();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
}

/** Holds ACCESS EXCLUSIVE locks on the KPI day sets, which KPI reads need and ingest does not. */
async function lockDaySets(app: TestApp): Promise<{ release: () => Promise<void> }> {
  const trx = await (app.orm.em.getConnection().getKnex() as Knex).transaction();
  await trx.raw('lock table kpi_days, kpi_day_links in access exclusive mode');
  return { release: async () => void (await trx.rollback()) };
}

/** Reads of the read pool waiting for a lock in this app's database. */
const readsWaiting = async (app: TestApp) =>
  (
    await app.sql<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and application_name = 'cortex-telemetry reads'
         and wait_event_type = 'Lock'`,
    )
  )[0]?.n;

let gated: TestApp;
let busy: TestApp;
let slow: TestApp;
beforeAll(async () => {
  [gated, busy, slow] = await Promise.all([
    startTestApp({ INGEST_BACKLOG_LIMIT: '3' }),
    // more admin requests at once than the read pool (4) and the main pool (5) have connections
    startTestApp({ ADMIN_CONCURRENCY: '8' }),
    startTestApp({ QUERY_TIMEOUT_MS: '1500', ADMIN_CONCURRENCY: '8' }),
  ]);
});
afterAll(async () => {
  await Promise.all([gated, busy, slow].map((a) => a?.close()));
});

describe('admission control (503 SERVICE_UNAVAILABLE + Retry-After over INGEST_BACKLOG_LIMIT)', () => {
  it('pauses ingest while more than 3 day facts wait for the fold, and resumes once folded', async () => {
    // 4 users, 4 sessions: 4 facts wait, one more than the bound; the gate saw none before
    const first = await record(gated, [1, 2, 3, 4].map(started));
    expect(first.body).toEqual({
      data: { recordEvents: { accepted: 4, duplicates: 0, rejected: 0 } },
    });
    // resending u_1 adds no fact; it is admitted until the gate's next probe sees the 4
    const paused = await until(
      () => record(gated, [started(1)]),
      (r) => r.status !== 200,
    );
    expect(paused).toEqual({
      status: 503,
      retryAfter: '2',
      body: {
        errors: [
          {
            message:
              'ingest is paused while the KPI fold catches up (more than 3 day facts wait, INGEST_BACKLOG_LIMIT); retry after 2 s (ingest is idempotent by item id)',
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          },
        ],
      },
    });
    expect(await gated.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 4 }]);
    // reads go on, and still count what is pending (read-after-write): 4 users active that day
    expect((await gated.gql(DAU, {}, ADMIN_TOKEN)).data).toEqual({ dauWau: { dau: 4 } });

    expect((await foldPendingDays(gated.orm.em.fork())).facts).toBe(4);
    // the client resends after Retry-After: admitted once the gate's next probe sees 0 facts
    const resumed = await until(
      () => record(gated, [started(5)]),
      (r) => r.status === 200,
    );
    expect(resumed.body).toEqual({
      data: { recordEvents: { accepted: 1, duplicates: 0, rejected: 0 } },
    });
    expect((await gated.gql(DAU, {}, ADMIN_TOKEN)).data).toEqual({ dauWau: { dau: 5 } });
  });
});

describe('a pool per kind of work', () => {
  it('ingest answers while 8 slow reads hold and queue for every read connection', async () => {
    const lock = await lockDaySets(busy);
    const reads = Array.from({ length: 8 }, () => busy.gql(DAU, {}, ADMIN_TOKEN));
    try {
      // the read pool's 4 connections wait for the lock; 4 more reads queue for them
      await until(
        () => readsWaiting(busy),
        (n) => n === 4,
      );
      const answer = await record(busy, [started(1), started(2)]);
      expect(answer.body).toEqual({
        data: { recordEvents: { accepted: 2, duplicates: 0, rejected: 0 } },
      });
      expect(await readsWaiting(busy)).toBe(4);
    } finally {
      await lock.release();
    }
    // every read then answers, the 2 users stored meanwhile included
    expect((await Promise.all(reads)).map((r) => r.data)).toEqual(
      Array.from({ length: 8 }, () => ({ dauWau: { dau: 2 } })),
    );
  });

  it('reads over QUERY_TIMEOUT_MS, waiting for a connection included, answer QUERY_TIMEOUT while ingest beside them is stored', async () => {
    const lock = await lockDaySets(slow);
    try {
      // 4 reads wait for the lock until their budget is spent; 2 more spend theirs waiting for
      // a read connection first
      const [ingest, ...reads] = await Promise.all([
        record(slow, [started(1)]),
        ...Array.from({ length: 6 }, () => slow.gql(DAU, {}, ADMIN_TOKEN)),
      ]);
      expect(ingest?.body).toEqual({
        data: { recordEvents: { accepted: 1, duplicates: 0, rejected: 0 } },
      });
      const timedOut = {
        status: 200,
        data: null,
        errors: [
          {
            message:
              'the query ran longer than 1500 ms and was cancelled (QUERY_TIMEOUT_MS); narrow its window or filters, or ask for fewer fields at once',
            locations: [{ line: 1, column: 3 }],
            path: ['dauWau'],
            extensions: { code: 'QUERY_TIMEOUT' },
          },
        ],
      };
      expect(reads).toEqual(Array.from({ length: 6 }, () => timedOut));
    } finally {
      await lock.release();
    }
  });
});
