import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, observeSql, runSql, type SqlTiming } from '../src/db/sql.js';
import { KPI_SETTINGS } from '../src/modules/kpi/query.js';
import type { Orm } from '../src/orm.js';
import { withQueryTimeout } from '../src/query-timeout.js';
import { createTestDatabase } from './helpers/database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
beforeAll(async () => {
  db = await createTestDatabase();
  orm = db.orm;
  await runSql(orm.em.fork(), 'create table runner_rows (n int)', {}, { name: 'createTable' });
});
afterAll(async () => db?.drop());

const SETTINGS = `select current_setting('statement_timeout') as timeout,
  current_setting('transaction_read_only') as read_only, current_setting('work_mem') as work_mem,
  current_setting('jit') as jit`;
type Settings = { timeout: string; read_only: string; work_mem: string; jit: string };

/** The timings observed while `work` runs. */
async function observed(work: () => Promise<unknown>): Promise<Omit<SqlTiming, 'ms'>[]> {
  const seen: SqlTiming[] = [];
  const stop = observeSql((t) => seen.push(t));
  try {
    await work();
  } finally {
    stop();
  }
  for (const t of seen) expect(t.ms).toBeGreaterThanOrEqual(0);
  return seen.map(({ name, failed }) => ({ name, failed }));
}

describe('runSql', () => {
  it('binds :named values (a value used twice, casts kept) and names the query', async () => {
    let rows: unknown[] = [];
    const seen = await observed(async () => {
      rows = await runSql<{ sum: number; label: string }>(
        orm.em.fork(),
        "select :a::int + :b::int + :a::int as sum, 'x:y'::text as label",
        { a: 2, b: 3 },
        { name: 'addUp' },
      );
    });
    expect(rows).toEqual([{ sum: 7, label: 'x:y' }]);
    expect(seen).toEqual([{ name: 'addUp', failed: false }]);
  });

  it('answers rowCount for writes, inlined or as bind parameters', async () => {
    const em = orm.em.fork();
    const insert = 'insert into runner_rows select generate_series(1, :n::int)';
    expect(await runSql(em, insert, { n: 3 }, { name: 'insertRows', result: 'rowCount' })).toBe(3);
    expect(
      await runSql(
        em,
        insert,
        { n: 2 },
        { name: 'insertRows', result: 'rowCount', bindParameters: true },
      ),
    ).toBe(2);
    const rows = await runSql<{ n: number }>(
      em,
      'select n from runner_rows where n > :min order by n',
      { min: 1 },
      { name: 'listRows', bindParameters: true },
    );
    expect(rows).toEqual([{ n: 2 }, { n: 2 }, { n: 3 }]);
    await runSql(em, 'delete from runner_rows', {}, { name: 'clearRows', result: 'rowCount' });
  });

  it("runs a read under the request's statement timeout, read-only, and the setting stays local", async () => {
    const request = withQueryTimeout(orm.em.fork(), 1234);
    const [read] = await runSql<Settings>(request, SETTINGS, {}, { name: 'read', read: true });
    // the budget left once a connection is in hand: 1234 ms less the wait for it
    const left = Number(/^(\d+)ms$/.exec(read?.timeout ?? '')?.[1]);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1234);
    expect(read?.read_only).toBe('on');
    // not a read (a write of the same request), and a connection from the pool afterwards
    const [write] = await runSql<Settings>(request, SETTINGS, {}, { name: 'write' });
    expect(write).toMatchObject({ timeout: '0', read_only: 'off' });
    // a read of an EntityManager without a timeout is a plain statement
    const [plain] = await runSql<Settings>(orm.em.fork(), SETTINGS, {}, { name: 'r', read: true });
    expect(plain).toMatchObject({ timeout: '0', read_only: 'off' });
  });

  it("runs reads on the read pool, with at most the request's parallel workers", async () => {
    const POOL = `select current_setting('application_name') as pool,
      current_setting('max_parallel_workers_per_gather') as workers`;
    type Pool = { pool: string; workers: string };
    const server = await runSql<Pool>(orm.em.fork(), POOL, {}, { name: 'default' });
    const request = withQueryTimeout(orm.em.fork(), 1234, 0);
    const [read] = await runSql<Pool>(request, POOL, {}, { name: 'read', read: true });
    expect(read).toEqual({ pool: 'cortex-telemetry reads', workers: '0' });
    // a write of the same request: the main pool, the server's own setting
    const [write] = await runSql<Pool>(request, POOL, {}, { name: 'write' });
    expect(write).toEqual({ pool: 'cortex-telemetry', workers: server[0]?.workers });
    // a read of an EntityManager without read limits: the read pool, no setting of its own
    const [plain] = await runSql<Pool>(orm.em.fork(), POOL, {}, { name: 'r', read: true });
    expect(plain).toEqual({ pool: 'cortex-telemetry reads', workers: server[0]?.workers });
  });

  it('applies settings in a transaction of their own, or the one it is given', async () => {
    const em = orm.em.fork();
    const [kpi] = await runSql<Settings>(
      em,
      SETTINGS,
      {},
      {
        name: 'kpiRead',
        read: true,
        settings: KPI_SETTINGS,
      },
    );
    expect(kpi).toEqual({ timeout: '0', read_only: 'on', work_mem: '64MB', jit: 'off' });
    const inside = await inTransaction(em, async (transaction) => {
      await runSql(em, SETTINGS, {}, { name: 'set', settings: { work_mem: '5MB' }, transaction });
      return (await runSql<Settings>(em, SETTINGS, {}, { name: 'same', transaction }))[0];
    });
    expect(inside).toMatchObject({ work_mem: '5MB', read_only: 'off' });
    const [after] = await runSql<Settings>(em, SETTINGS, {}, { name: 'after' });
    expect(after?.work_mem).not.toBe('5MB');
    expect(after?.work_mem).not.toBe('64MB');
  });

  it('rolls a transaction back when its work throws, and reports the failed query', async () => {
    const em = orm.em.fork();
    const seen = await observed(async () => {
      await expect(
        inTransaction(em, async (transaction) => {
          await runSql(
            em,
            'insert into runner_rows values (:n)',
            { n: 1 },
            {
              name: 'insertOne',
              transaction,
            },
          );
          await runSql(em, 'select 1 / :zero', { zero: 0 }, { name: 'divide', transaction });
        }),
      ).rejects.toThrow('division by zero');
    });
    expect(seen).toEqual([
      { name: 'insertOne', failed: false },
      { name: 'divide', failed: true },
    ]);
    const [count] = await runSql<{ n: number }>(
      em,
      'select count(*)::int as n from runner_rows',
      {},
      {
        name: 'countRows',
      },
    );
    expect(count).toEqual({ n: 0 });
  });

  it('refuses a placeholder without a value before sending anything', async () => {
    const seen = await observed(async () => {
      await expect(
        runSql(orm.em.fork(), 'select :missing', {}, { name: 'missing' }),
      ).rejects.toThrow('SQL parameter :missing has no value');
    });
    expect(seen).toEqual([{ name: 'missing', failed: true }]);
  });
});
