import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase, withDatabase } from '../src/db/create-database.js';
import { initORM, migrationsList } from '../src/orm.js';
import './helpers/provided.js';
import { inject } from 'vitest';

const serverUrl = inject('databaseUrl');
const name = `ct_migr_${randomBytes(4).toString('hex')}`;
afterAll(async () => dropDatabase(serverUrl, name));

const TABLES = [
  'kpi_session_days',
  'kpi_user_days',
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
        await orm.em
          .getConnection()
          .execute<{ table_name: string }[]>(
            "select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'mikro_orm_migrations' order by 1",
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
      // distribution-ready key: user first (SPEC/issue: Citus can shard by user without new keys)
      expect(pk.map((r) => r.attname)).toEqual(['user_id_hash', 'id']);
      await migrator.down({ to: 0 });
      expect(await tables()).toEqual([]);
      await migrator.up();
      expect(await tables()).toEqual(expect.arrayContaining(TABLES));
    } finally {
      await orm.close(true);
    }
  });
});
