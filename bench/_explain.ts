import { dropDatabase, ensureDatabase, withDatabase } from '../packages/api/src/db/create-database.js';
import { initORM, migrate } from '../packages/api/src/orm.js';
import { bindNamed } from '../packages/api/src/db/sql.js';
import { connect, insertBatch } from './ingest-raw.js';
import { batches, benchEvents, recordsetJson } from './ingest-rows.js';

const admin = process.env.DATABASE_URL!;
const name = process.env.EXPLAIN_DB ?? 'ct_explain';
const fresh = process.env.EXPLAIN_FRESH === '1';
if (fresh) await dropDatabase(admin, name);
await ensureDatabase(admin, name);
const url = withDatabase(admin, name);
const orm = await initORM(url, { poolMax: 2 });
await migrate(orm);
const db = await connect(url);
if (fresh) {
  const events = benchEvents(Number(process.env.EXPLAIN_EVENTS ?? 100000));
  for (const b of batches(events, 500)) await insertBatch(db, recordsetJson(b), 'day facts');
  if (process.env.EXPLAIN_FOLD_HALF === '1') {
    const { foldLockSql, foldPendingSql } = await import('../packages/api/src/modules/kpi/day-sets.sql.js');
    await db.query('begin'); await db.query(foldLockSql); await db.query(foldPendingSql); await db.query('commit');
    await db.query('analyze');
    for (const b of batches(events, 500)) await insertBatch(db, recordsetJson(b).replace(/"id":"[0-9a-f]{8}/g, '"id":"abcdef01'), 'day facts');
  } else await db.query('analyze');
}
console.log(await db.query('select count(*) from kpi_pending'));
const which = (process.env.EXPLAIN_KPI ?? 'cdr,dau-wau,resurrection,paid-conversion').split(',');
for (const kpi of which) {
  const mod = await import(`../packages/api/src/modules/kpi/get-${kpi}.sql.ts`);
  const sql: string = mod.__sql ?? '';
  void sql;
}
// capture the SQL by monkeypatching runKpiQuery's connection: simplest, call through a fake em
const captured: string[] = [];
const fakeEm = {
  getConnection: () => ({
    transactional: async (fn: (trx: unknown) => unknown) => fn(null),
    execute: async (text: string, params: unknown[]) => {
      if (!text.startsWith('select set_config') && !text.includes('statement_timeout')) captured.push(JSON.stringify([text, params]));
      return [{ series: [] }];
    },
  }),
};
const window = { startDay: '2026-10-27', endDay: '2026-11-26', from: new Date('2026-10-27T00:00:00Z'), to: new Date('2026-11-26T00:00:00Z') };
const f = { phase: null, channel: null };
const { getCdr } = await import('../packages/api/src/modules/kpi/get-cdr.sql.js');
const { getDauWau } = await import('../packages/api/src/modules/kpi/get-dau-wau.sql.js');
const { getResurrection } = await import('../packages/api/src/modules/kpi/get-resurrection.sql.js');
const { getPaidConversion } = await import('../packages/api/src/modules/kpi/get-paid-conversion.sql.js');
await getCdr(fakeEm as any, window as any, f).catch(() => 0);
await getDauWau(fakeEm as any, window as any, f).catch(() => 0);
await getResurrection(fakeEm as any, window as any, 7, f).catch(() => 0);
await getPaidConversion(fakeEm as any, window as any, f).catch(() => 0);
const names = ['cdr', 'dau-wau', 'resurrection', 'paid-conversion'];
for (const [i, c] of captured.entries()) {
  if (!which.includes(names[i]!)) continue;
  const [text, params] = JSON.parse(c) as [string, unknown[]];
  let n = 0;
  const q = text.replace(/\?/g, () => `$${++n}`);
  const t = performance.now();
  const r = await db.query(`explain (analyze, buffers off, timing off, summary on) ${q}`, params);
  console.log(`==== ${names[i]} ${Math.round(performance.now() - t)} ms`);
  console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
}
await db.end();
await orm.close(true);
