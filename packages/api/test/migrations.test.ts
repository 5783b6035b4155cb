import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase, withDatabase } from '../src/db/create-database.js';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import { initORM, migrationsList } from '../src/orm.js';
import './helpers/provided.js';
import { inject } from 'vitest';

const serverUrl = inject('databaseUrl');
const name = `ct_migr_${randomBytes(4).toString('hex')}`;
afterAll(async () => dropDatabase(serverUrl, name));

const TABLES = [
  'annotations',
  'kpi_day_links',
  'kpi_days',
  'share_links',
  'telemetry_errors',
  'telemetry_events',
  'telemetry_failed_items',
  'telemetry_traces',
];

describe('migrations', () => {
  it('go up on an empty database, down to nothing, and up again', async () => {
    await ensureDatabase(serverUrl, name);
    const orm = await initORM(withDatabase(serverUrl, name));
    const tables = async () =>
      (
        await orm.em.getConnection().execute<{ table_name: string }[]>(
          // an extension's own tables and views (Citus has some in public) are not ours
          `select table_name from information_schema.tables t
             where table_schema = 'public' and table_name <> 'mikro_orm_migrations'
               and not exists (select 1 from pg_depend d
                 where d.objid = format('public.%I', t.table_name)::regclass and d.deptype = 'e')
             order by 1`,
        )
      ).map((r) => r.table_name);
    try {
      expect(await tables()).toEqual([]);
      const migrator = orm.getMigrator();
      expect((await migrator.getPendingMigrations()).length).toBe(migrationsList.length);
      await migrator.up();
      expect(await tables()).toEqual(expect.arrayContaining(TABLES));
      expect(await migrator.getPendingMigrations()).toEqual([]);
      const pk = await orm.em.getConnection().execute(
        `select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
           where i.indrelid = 'telemetry_events'::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)`,
      );
      // distribution-ready key: user first (docs/api.md#pipelines: Citus can shard by user without new keys)
      expect(pk.map((r) => r.attname)).toEqual(['user_id_hash', 'id']);
      // autovacuum sooner on the tables KPI reads scan index-only (Migration20261209100000)
      const reloptions = async () =>
        orm.em.getConnection().execute<{ relname: string; reloptions: string[] | null }[]>(
          `select relname, reloptions from pg_class
             where relname in ('kpi_days', 'telemetry_events', 'kpi_day_links') order by relname`,
        );
      expect(await reloptions()).toEqual([
        {
          relname: 'kpi_day_links',
          reloptions: [
            'autovacuum_vacuum_scale_factor=0.05',
            'autovacuum_vacuum_insert_scale_factor=0.05',
          ],
        },
        {
          relname: 'kpi_days',
          reloptions: [
            'autovacuum_vacuum_scale_factor=0.01',
            'autovacuum_vacuum_insert_scale_factor=0.01',
            'autovacuum_analyze_scale_factor=0.02',
          ],
        },
        {
          relname: 'telemetry_events',
          reloptions: [
            'autovacuum_vacuum_scale_factor=0.02',
            'autovacuum_vacuum_insert_scale_factor=0.02',
            'autovacuum_analyze_scale_factor=0.02',
          ],
        },
      ]);
      await migrator.down({ to: 'Migration20261208200000' });
      expect((await reloptions()).map((r) => r.reloptions)).toEqual([null, null, null]);
      await migrator.down({ to: 0 });
      expect(await tables()).toEqual([]);
      await migrator.up();
      expect(await tables()).toEqual(expect.arrayContaining(TABLES));
    } finally {
      await orm.close(true);
    }
  });
});

describe('the KPI day-set migration', () => {
  const dbName = `ct_migr_days_${randomBytes(4).toString('hex')}`;
  afterAll(async () => dropDatabase(serverUrl, dbName));

  it('backfills day sets and links from events stored before it', async () => {
    await ensureDatabase(serverUrl, dbName);
    const orm = await initORM(withDatabase(serverUrl, dbName));
    const sql = (q: string) => orm.em.getConnection().execute<any[]>(q);
    try {
      const migrator = orm.getMigrator();
      await migrator.up({ to: 'Migration20261126052000' });
      // u1 starts session s1 on 11-01 and loads a context in it on 11-03; u2 only loads (no session)
      await sql(`insert into telemetry_events (id, "timestamp", user_id_hash, is_paid_user,
          session_id, channel, phase, event_name) values
        ('00000000-0000-4000-8000-000000000001', '2026-11-01T10:00Z', 'u1', false, 's1', 'server', 'open_beta', 'session_started'),
        ('00000000-0000-4000-8000-000000000002', '2026-11-03T10:00Z', 'u1', false, 's1', 'server', 'open_beta', 'context_loaded'),
        ('00000000-0000-4000-8000-000000000003', '2026-11-03T11:00Z', 'u2', false, '', 'web', 'open_beta', 'context_loaded')`);
      await migrator.up();
      const unfiltered = await sql(`select kind, user_id_hash, session_id, day::text, prev_day::text
        from kpi_days where phase_key = '*' and channel_key = '*' order by 1, 2, 3, 4`);
      expect(unfiltered).toEqual([
        {
          kind: 'active',
          user_id_hash: 'u1',
          session_id: '',
          day: '2026-11-01',
          prev_day: '-infinity',
        },
        {
          kind: 'dependency',
          user_id_hash: 'u1',
          session_id: 's1',
          day: '2026-11-03',
          prev_day: '-infinity',
        },
        {
          kind: 'session',
          user_id_hash: 'u1',
          session_id: 's1',
          day: '2026-11-01',
          prev_day: '-infinity',
        },
        {
          kind: 'session',
          user_id_hash: 'u1',
          session_id: 's1',
          day: '2026-11-03',
          prev_day: '2026-11-01',
        },
      ]);
      // every row also stands in the phase, channel and phase+channel scopes: 4 × 4
      const [{ n }] = await sql('select count(*)::int as n from kpi_days');
      expect(n).toBe(16);
      const links = await sql(`select kind, day::text, prev_day::text, subjects from kpi_day_links
        where phase_key = 'open_beta' and channel_key = 'server' order by 1, 2`);
      expect(links).toEqual([
        { kind: 'active', day: '2026-11-01', prev_day: '-infinity', subjects: 1 },
        { kind: 'dependency', day: '2026-11-03', prev_day: '-infinity', subjects: 1 },
        { kind: 'session', day: '2026-11-01', prev_day: '-infinity', subjects: 1 },
        { kind: 'session', day: '2026-11-03', prev_day: '2026-11-01', subjects: 1 },
      ]);

      // and back: down() refills the previous design's counters from the same events
      await migrator.down({ to: 'Migration20261126052000' });
      expect(
        await sql(`select user_id_hash, day::text, phase, channel, activity_events,
          resumed_from_context_events from kpi_user_days order by 1, 2`),
      ).toEqual([
        {
          user_id_hash: 'u1',
          day: '2026-11-01',
          phase: 'open_beta',
          channel: 'server',
          activity_events: 1,
          resumed_from_context_events: 0,
        },
      ]);
      expect(
        await sql(`select session_id, day::text, events, dependency_events from kpi_session_days
          order by 1, 2`),
      ).toEqual([
        { session_id: 's1', day: '2026-11-01', events: 1, dependency_events: 0 },
        { session_id: 's1', day: '2026-11-03', events: 1, dependency_events: 1 },
      ]);
      await migrator.up();
      const [{ again }] = await sql('select count(*)::int as again from kpi_days');
      expect(again).toBe(16);
    } finally {
      await orm.close(true);
    }
  });
});

describe('the migration to folded day sets', () => {
  const dbName = `ct_migr_fold_${randomBytes(4).toString('hex')}`;
  afterAll(async () => dropDatabase(serverUrl, dbName));

  it('keeps the exact day sets of the previous design, and down() loses no pending fact', async () => {
    await ensureDatabase(serverUrl, dbName);
    const orm = await initORM(withDatabase(serverUrl, dbName));
    const sql = (q: string) => orm.em.getConnection().execute<any[]>(q);
    const daySets = () =>
      sql(`select kind, user_id_hash, session_id, day::text, prev_day::text from kpi_days
        where phase_key = '*' and channel_key = '*' order by 1, 2, 3, 4`);
    try {
      const migrator = orm.getMigrator();
      // the fixture, under the previous design: u1 active on 11-01 and 11-09 (session s1 both
      // days), day sets backfilled by Migration20261126060000
      await migrator.up({ to: 'Migration20261126052000' });
      await sql(`insert into telemetry_events (id, "timestamp", user_id_hash, is_paid_user,
          session_id, channel, phase, event_name) values
        ('00000000-0000-4000-8000-000000000001', '2026-11-01T10:00Z', 'u1', false, 's1', 'web', 'open_beta', 'session_started'),
        ('00000000-0000-4000-8000-000000000002', '2026-11-09T10:00Z', 'u1', false, 's1', 'web', 'open_beta', 'session_started')`);
      await migrator.up({ to: 'Migration20261126060000' });
      const before = await daySets();
      expect(before).toEqual([
        {
          kind: 'active',
          user_id_hash: 'u1',
          session_id: '',
          day: '2026-11-01',
          prev_day: '-infinity',
        },
        {
          kind: 'active',
          user_id_hash: 'u1',
          session_id: '',
          day: '2026-11-09',
          prev_day: '2026-11-01',
        },
        {
          kind: 'session',
          user_id_hash: 'u1',
          session_id: 's1',
          day: '2026-11-01',
          prev_day: '-infinity',
        },
        {
          kind: 'session',
          user_id_hash: 'u1',
          session_id: 's1',
          day: '2026-11-09',
          prev_day: '2026-11-01',
        },
      ]);
      await migrator.up();
      // the same sets, plus the comeback set's backfill (Migration20261207300000): 11-09 after
      // 7 idle days (11-02…11-08) is u1's first comeback
      const comeback = {
        kind: 'comeback',
        user_id_hash: 'u1',
        session_id: '',
        day: '2026-11-09',
        prev_day: '-infinity',
      };
      expect(await daySets()).toEqual([...before.slice(0, 2), comeback, ...before.slice(2)]);
      expect(
        await sql(`select day::text, prev_day::text, subjects from kpi_day_links
          where kind = 'comeback' and phase_key = 'open_beta' and channel_key = 'web'`),
      ).toEqual([{ day: '2026-11-09', prev_day: '-infinity', subjects: 1 }]);
      expect(await sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 0 }]);

      // a late event on 11-05 is only noted; the fold links it between 11-01 and 11-09
      await sql(`insert into kpi_pending (user_id_hash, session_id, day, phase, channel, active,
        resumed, dependency) values ('u1', '', '2026-11-05', 'open_beta', 'web', true, false, false)`);
      await sql(`insert into telemetry_events (id, "timestamp", user_id_hash, is_paid_user,
          session_id, channel, phase, event_name) values
        ('00000000-0000-4000-8000-000000000003', '2026-11-05T10:00Z', 'u1', false, '', 'web', 'open_beta', 'web_view_opened')`);
      const folded = await foldPendingDays(orm.em.fork());
      expect(folded.facts).toBe(1);
      const active = (rows: any[]) =>
        rows.filter((r) => r.kind === 'active').map((r) => [r.day, r.prev_day]);
      const linked = [
        ['2026-11-01', '-infinity'],
        ['2026-11-05', '2026-11-01'],
        ['2026-11-09', '2026-11-05'],
      ];
      expect(active(await daySets())).toEqual(linked);
      // 11-09 is 3 idle days after 11-05 now: no longer a comeback, in any scope
      expect(
        await sql(`select kind, day::text, prev_day::text, subjects from kpi_day_links
          where kind = 'comeback' and subjects <> 0`),
      ).toEqual([]);
      expect((await daySets()).filter((r) => r.kind === 'comeback')).toEqual([]);

      // down(), with the same fact pending again (not folded): the rebuild from raw events has it
      await sql(`delete from kpi_days where day = '2026-11-05'`);
      await sql(`insert into kpi_pending (user_id_hash, session_id, day, phase, channel, active,
        resumed, dependency) values ('u1', '', '2026-11-05', 'open_beta', 'web', true, false, false)`);
      // down to and including the fold's migration (later ones first)
      await migrator.down({ to: 'Migration20261127000000' });
      expect(active(await daySets())).toEqual(linked);
      // 1 → 5 → 9 in each of the 4 scopes; the 9th's link moved from 1 to 5
      expect(
        await sql(`select day::text, prev_day::text, subjects from kpi_day_links
          where kind = 'active' and phase_key = '*' and channel_key = '*' order by 1`),
      ).toEqual(linked.map(([day, prev_day]) => ({ day, prev_day, subjects: 1 })));
      const [{ exists }] = await sql("select to_regclass('kpi_pending') is not null as exists");
      expect(exists).toBe(false);
      await migrator.up();
      expect(active(await daySets())).toEqual(linked);
    } finally {
      await orm.close(true);
    }
  });
});
