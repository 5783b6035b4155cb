import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import './provided.js';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/db/create-database.js';
import { initORM, migrate, type Orm } from '../../src/orm.js';

/** A fresh, migrated database for one test file, so files can run in parallel. */
export async function createTestDatabase(): Promise<{
  orm: Orm;
  url: string;
  drop: () => Promise<void>;
}> {
  const serverUrl = inject('databaseUrl');
  const name = `ct_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  // on a Citus cluster (pnpm test:citus), 4 shards per table: a test's few rows do not need
  // Citus's 32, and every query fans out to each
  await ensureDatabase(serverUrl, name, { shardCount: 4 });
  const url = withDatabase(serverUrl, name);
  const orm = await initORM(url, { poolMax: 5 });
  await migrate(orm);
  return {
    orm,
    url,
    drop: async () => {
      await orm.close(true);
      await dropDatabase(serverUrl, name);
    },
  };
}
