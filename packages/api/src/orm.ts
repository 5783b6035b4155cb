import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { runSql } from './db/sql.js';
import { Migration20261126040000 } from './migrations/Migration20261126040000.js';
import { Migration20261126041000 } from './migrations/Migration20261126041000.js';
import { Migration20261126050000 } from './migrations/Migration20261126050000.js';
import { Migration20261126052000 } from './migrations/Migration20261126052000.js';
import { Migration20261126060000 } from './migrations/Migration20261126060000.js';
import { Migration20261127000000 } from './migrations/Migration20261127000000.js';
import { Migration20261127200000 } from './migrations/Migration20261127200000.js';
import { Migration20261128000000 } from './migrations/Migration20261128000000.js';
import { Migration20261128010000 } from './migrations/Migration20261128010000.js';
import { Migration20261206200000 } from './migrations/Migration20261206200000.js';
import { Migration20261206210000 } from './migrations/Migration20261206210000.js';
import { Migration20261206220000 } from './migrations/Migration20261206220000.js';
import { Migration20261206300000 } from './migrations/Migration20261206300000.js';
import { Migration20261207300000 } from './migrations/Migration20261207300000.js';
import { entities } from './modules/ingest/telemetry.entity.js';

/**
 * Migrations are listed here rather than discovered from a glob so the same code runs from
 * `src` (tsx, vitest) and from `dist` (node) without path games.
 */
export const migrationsList = [
  { name: 'Migration20261126040000', class: Migration20261126040000 },
  { name: 'Migration20261126041000', class: Migration20261126041000 },
  { name: 'Migration20261126050000', class: Migration20261126050000 },
  { name: 'Migration20261126052000', class: Migration20261126052000 },
  { name: 'Migration20261126060000', class: Migration20261126060000 },
  { name: 'Migration20261127000000', class: Migration20261127000000 },
  { name: 'Migration20261127200000', class: Migration20261127200000 },
  { name: 'Migration20261128000000', class: Migration20261128000000 },
  { name: 'Migration20261128010000', class: Migration20261128010000 },
  { name: 'Migration20261206200000', class: Migration20261206200000 },
  { name: 'Migration20261206210000', class: Migration20261206210000 },
  { name: 'Migration20261206220000', class: Migration20261206220000 },
  { name: 'Migration20261206300000', class: Migration20261206300000 },
  { name: 'Migration20261207300000', class: Migration20261207300000 },
];

export async function initORM(
  clientUrl: string,
  options: { poolMax?: number; log?: (message: string) => void } = {},
) {
  return MikroORM.init({
    clientUrl,
    entities,
    extensions: [Migrator],
    // migrations are hand-written SQL; no schema snapshot is written next to them at run time
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, max: options.poolMax ?? 10 },
    // an exhausted pool answers 503 SERVICE_UNAVAILABLE after 10 s instead of knex's 60 s
    driverOptions: { acquireConnectionTimeout: 10_000 },
    debug: false,
    logger: options.log ?? (() => {}),
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: false },
  });
}

export type Orm = Awaited<ReturnType<typeof initORM>>;

export async function migrate(orm: Orm): Promise<void> {
  await orm.getMigrator().up();
}

/**
 * On a Citus coordinator, how the migrations laid the tables out (docs/scale-out.md); null on
 * plain PostgreSQL.
 */
export async function citusLayout(
  orm: Orm,
): Promise<{ distributed: string[]; reference: string[]; workers: number } | null> {
  const [citus] = await runSql<{ n: number }>(
    orm.em,
    "select count(*)::int as n from pg_extension where extname = 'citus'",
    {},
    { name: 'hasCitus' },
  );
  if (!citus?.n) return null;
  const tables = await runSql<{ name: string; method: string }>(
    orm.em,
    `select logicalrelid::regclass::text as name, partmethod as method from pg_dist_partition
     order by 1`,
    {},
    { name: 'getCitusTables' },
  );
  const [nodes] = await runSql<{ n: number }>(
    orm.em,
    'select count(*)::int as n from citus_get_active_worker_nodes()',
    {},
    { name: 'getCitusWorkers' },
  );
  return {
    distributed: tables.filter((t) => t.method === 'h').map((t) => t.name),
    reference: tables.filter((t) => t.method === 'n').map((t) => t.name),
    workers: nodes?.n ?? 0,
  };
}

/** `/ready`: the database answers and no migration is pending. */
export async function isReady(orm: Orm): Promise<boolean> {
  try {
    await runSql(orm.em, 'select 1', {}, { name: 'ready' });
    const pending = await orm.getMigrator().getPendingMigrations();
    return pending.length === 0;
  } catch {
    return false;
  }
}
