import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  foldLaneLockSql,
  foldLaneSql,
  foldLockSql,
  foldPendingSql,
} from '../src/modules/kpi/day-sets.sql.js';
import { type DaySetFolder, foldPendingDays, startDaySetFolder } from '../src/modules/kpi/fold.js';
import { citusLayout } from '../src/orm.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, query, record } from './kpi-fixtures.js';

/**
 * Read-after-write: ingest only notes day facts, and the fold runs later — yet a KPI asked
 * after a batch's response counts that batch, whether the background folder has got to it,
 * is folding it right now, or has not started. Reads never fold (they add the pending tail),
 * so they never wait for a fold either.
 */
const DAU = /* GraphQL */ `
  query ($asOf: DateTime!) { dauWau(days: 1, asOf: $asOf) { dau series { day dau } } }`;

let app: TestApp;
let folder: DaySetFolder | undefined;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await folder?.stop();
  await app?.close();
});

describe('a KPI read right after a batch', () => {
  it('counts the batch, with no folder running, then with the background folder racing it', async () => {
    for (let round = 0; round < 6; round++) {
      // rounds 0–2: no folder, every note stays pending and reads count it from the tail;
      // from round 3 on, a folder as eager as it gets, so reads keep meeting folds in progress
      if (round === 3) {
        folder = startDaySetFolder(() => app.orm.em.fork(), { intervalMs: 1, busyIntervalMs: 0 });
      }
      // one new user active on 11-10, beside 150 events of other users on 11-01 (so folds have
      // work): DAU of 11-10 grows by exactly one per round
      const noise = Array.from({ length: 150 }, (_, i) =>
        ev('SERVER_OPERATION_CALLED', '2026-11-01T08:00:00.000Z', `noise-${round}-${i % 50}`, {
          sessionId: `s${i % 7}`,
        }),
      );
      await record(app, [...noise, ev('SESSION_STARTED', '2026-11-10T09:00:00.000Z', `u${round}`)]);
      const kpi = await query(app, DAU, { asOf: '2026-11-10T12:00:00Z' });
      expect(kpi).toEqual({ dau: round + 1, series: [{ day: '2026-11-10', dau: round + 1 }] });
      if (round === 2) {
        // reads folded nothing: 3 rounds × (150 (user i % 50, session i % 7) pairs — distinct,
        // as lcm(50, 7) > 150 — plus u<round>'s) notes are still pending
        expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 453 }]);
      }
    }
    // the folder catches up on its own
    await vi.waitFor(
      async () =>
        expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 0 }]),
      { timeout: 10_000, interval: 20 },
    );
    await folder!.stop();
    const stats = folder!.takeStats();
    // the folder folded every note exactly once: the 453 of rounds 0–2 and 3 × 151 since
    expect(stats.facts).toBe(6 * 151);
    // and the folded answer is the one the tail gave
    expect(await query(app, DAU, { asOf: '2026-11-10T12:00:00Z' })).toEqual({
      dau: 6,
      series: [{ day: '2026-11-10', dau: 6 }],
    });
  });

  it('answers while a fold holds the fold lock, counting what that fold has not committed', async () => {
    await record(app, [ev('SESSION_STARTED', '2026-11-10T10:00:00.000Z', 'during-fold')]);
    // a fold that claimed every note and has not committed: it holds the lock and the claim
    const knex = app.orm.em.getConnection().getKnex();
    const trx = await knex.transaction();
    try {
      await trx.raw(foldLockSql);
      await trx.raw(foldPendingSql);
      // the read does not wait for it, and sees the notes as still pending (the claim is not
      // committed): u0–u5 and during-fold
      expect(await query(app, DAU, { asOf: '2026-11-10T12:00:00Z' })).toEqual({
        dau: 7,
        series: [{ day: '2026-11-10', dau: 7 }],
      });
    } finally {
      await trx.commit();
    }
    // committed: the same answer, now from the folded day sets
    expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 0 }]);
    expect(await query(app, DAU, { asOf: '2026-11-10T12:00:00Z' })).toEqual({
      dau: 7,
      series: [{ day: '2026-11-10', dau: 7 }],
    });
  });
});

describe('the background folder', () => {
  it('analyzes the day sets once folds have grown them, so lookups stay index probes', async (ctx) => {
    // on Citus the coordinator's kpi_days is an empty shell; its shards keep the statistics
    if (await citusLayout(app.orm)) ctx.skip();
    await folder?.stop();
    // 1,500 new users, each with one session day: 2 kinds (active, session) × 4 scopes = 8 day
    // rows each, 12,000 new rows in all — past the folder's 10,000-row threshold
    const events = Array.from({ length: 1500 }, (_, i) =>
      ev('SESSION_STARTED', '2026-11-12T09:00:00.000Z', `grow-${i}`, { sessionId: `g${i}` }),
    );
    for (let i = 0; i < events.length; i += 500) await record(app, events.slice(i, i + 500));
    const [before] = await app.sql<{ rows: number }>(
      "select reltuples::int as rows from pg_class where oid = 'kpi_days'::regclass",
    );
    // what kpi_days will hold (an ANALYZE of fewer than 30,000 rows counts them exactly)
    const [expected] = await app.sql<{ n: number }>(
      'select count(*)::int + 12000 as n from kpi_days',
    );
    const total = expected!.n;
    folder = startDaySetFolder(() => app.orm.em.fork(), { intervalMs: 1, busyIntervalMs: 0 });
    await vi.waitFor(
      async () =>
        expect(
          await app.sql(
            "select reltuples::int as rows from pg_class where oid = 'kpi_days'::regclass",
          ),
        ).toEqual([{ rows: total }]),
      { timeout: 10_000, interval: 50 },
    );
    // it had not been analyzed since the earlier, much smaller state
    expect(before!.rows).toBeLessThanOrEqual(total - 12000);
  });
});

describe('the pending queue', () => {
  /** kpi_pending's file size; on Citus, its shards' (the coordinator's table is an empty shell). */
  const queueBytes = async () => {
    const citus = await citusLayout(app.orm);
    const [row] = await app.sql<{ bytes: number }>(
      citus
        ? "select citus_relation_size('kpi_pending')::int as bytes"
        : "select pg_relation_size('kpi_pending')::int as bytes",
    );
    return row!.bytes;
  };
  /** `count` notes as ingest writes them, of users `prefix`1… with one session day each. */
  const notePending = (prefix: string, count: number, day: string) =>
    app.sql(
      `insert into kpi_pending (user_id_hash, session_id, day, phase, channel, active, resumed,
        dependency)
      select ? || i, 's', ?::date, 'OPEN_BETA', 'WEB', true, false, false
      from generate_series(1, ?) as i`,
      [prefix, day, count],
    );

  it('is looked up by primary key in a fold however large its file has grown', async (ctx) => {
    // plan shapes are PostgreSQL's; on Citus each CTE is planned on the shards
    if (await citusLayout(app.orm)) ctx.skip();
    await folder?.stop();
    await app.sql('analyze kpi_days');
    // 100,000 notes written and claimed, not vacuumed since: the file the planner sizes them by
    await notePending('bloat-', 100_000, '2026-11-01');
    await app.sql('delete from kpi_pending');
    await record(app, [ev('SESSION_STARTED', '2026-11-13T09:00:00.000Z', 'after-bloat')]);
    const plan = (await app.sql<{ 'QUERY PLAN': string }>(`explain ${foldPendingSql}`))
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    // which of the claimed facts are new days: one probe of kpi_days' primary key per fact, not
    // a hash of all its rows (the planner expects some 9,000 facts from the file's size)
    const newDays = plan.slice(plan.indexOf('CTE exact_new'), plan.indexOf('CTE relink_facts'));
    expect(newDays).toContain('Index Only Scan using kpi_days_pkey on kpi_days');
    expect(newDays).not.toContain('Seq Scan on kpi_days');
    expect((await foldPendingDays(app.orm.em.fork())).facts).toBe(1);
  });

  it('is vacuumed by the folder once folds have claimed 10,000 facts, so its file shrinks back', async () => {
    await folder?.stop();
    await foldPendingDays(app.orm.em.fork());
    // 10,500 notes, as ingest writes them (written here directly: ingest would pause at its
    // backlog bound of 10,000), of users with one session day each
    await notePending('queue-', 10_500, '2026-11-14');
    expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 10_500 }]);
    // a delete leaves the file as it is: what the folder's vacuum has to cut off
    expect(await queueBytes()).toBeGreaterThan(500_000);
    // the idle probe at its default pace: a probe every millisecond would hold the lock that the
    // vacuum needs to cut the file off (it tries for 5 s, then leaves the pages to be reused)
    folder = startDaySetFolder(() => app.orm.em.fork(), { busyIntervalMs: 0 });
    await vi.waitFor(async () => expect(await queueBytes()).toBe(0), {
      timeout: 30_000,
      interval: 50,
    });
    expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 0 }]);
  });
});

describe('fold lanes', () => {
  it('fold their own users side by side, while a fold of everyone waits for both', async (ctx) => {
    // Citus serialises writes to a reference table (the histogram, the cohort cells) across
    // transactions, so there a lane waits for the other's commit at its last step; kpi-rollups
    // checks lanes racing for exact day sets on both
    if (await citusLayout(app.orm)) ctx.skip();
    await folder?.stop();
    await foldPendingDays(app.orm.em.fork());
    // three users of each lane of two, their lane worked out here from its definition
    const laneOf = async (user: string) =>
      (
        await app.sql<{ lane: number }>('select mod(hashtext(?) & 2147483647, 2)::int as lane', [
          user,
        ])
      )[0]!.lane;
    const users: Record<number, string[]> = { 0: [], 1: [] };
    for (let i = 0; users[0]!.length < 3 || users[1]!.length < 3; i++) {
      const user = `lane-user-${i}`;
      users[await laneOf(user)]!.push(user);
    }
    // lane 0's users active on Sunday 11-15, lane 1's on Monday 11-16: no histogram row or
    // cohort cell (day or ISO week) in common, so neither lane waits for the other's commit
    // (lanes that share one add to it in turn)
    await record(app, [
      ...users[0]!.map((user) => ev('SESSION_STARTED', '2026-11-15T09:00:00.000Z', user)),
      ...users[1]!.map((user) => ev('SESSION_STARTED', '2026-11-16T09:00:00.000Z', user)),
    ]);
    const pending = () =>
      app.sql<{ user_id_hash: string }>(
        'select user_id_hash from kpi_pending order by user_id_hash',
      );
    expect((await pending()).length).toBe(users[0]!.length + users[1]!.length);

    // lane 0's fold holds its lane lock, not committed yet
    const knex = app.orm.em.getConnection().getKnex();
    const trx = await knex.transaction();
    let everyone: Promise<unknown> | undefined;
    try {
      await trx.raw(foldLaneLockSql({ index: 0, count: 2 }));
      await trx.raw(foldLaneSql({ index: 0, count: 2 }));
      // lane 1 folds meanwhile, exactly its own users
      expect((await foldPendingDays(app.orm.em.fork(), { index: 1, count: 2 })).facts).toBe(
        users[1]!.length,
      );
      // what is still pending, as a concurrent reader sees it: lane 0's claim is not committed
      expect((await pending()).map((r) => r.user_id_hash)).toEqual([...users[0]!].sort());
      // a fold of everyone waits for lane 0's fold to end
      everyone = foldPendingDays(app.orm.em.fork());
      await vi.waitFor(
        async () =>
          expect(
            await app.sql(
              "select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted",
            ),
          ).toEqual([{ n: 1 }]),
        { timeout: 5_000, interval: 20 },
      );
    } finally {
      await trx.commit();
    }
    // lane 0 committed its users; the fold of everyone then finds nothing left
    expect(await everyone).toMatchObject({ facts: 0 });
    expect(await pending()).toEqual([]);
    // and every one of the users counts once, folded by one lane or the other
    const twoDays = await query(
      app,
      'query ($asOf: DateTime!) { dauWau(days: 2, asOf: $asOf) { series { day dau } } }',
      { asOf: '2026-11-16T12:00:00Z' },
    );
    expect(twoDays).toEqual({
      series: [
        { day: '2026-11-15', dau: users[0]!.length },
        { day: '2026-11-16', dau: users[1]!.length },
      ],
    });
  });
});
