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
import { Migration20261207100000 } from './migrations/Migration20261207100000.js';
import { Migration20261207200000 } from './migrations/Migration20261207200000.js';
import { Migration20261207300000 } from './migrations/Migration20261207300000.js';
import { Migration20261208100000 } from './migrations/Migration20261208100000.js';
import { Migration20261208200000 } from './migrations/Migration20261208200000.js';
import { Migration20261209100000 } from './migrations/Migration20261209100000.js';
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
  { name: 'Migration20261207100000', class: Migration20261207100000 },
  { name: 'Migration20261207200000', class: Migration20261207200000 },
  { name: 'Migration20261207300000', class: Migration20261207300000 },
  { name: 'Migration20261208100000', class: Migration20261208100000 },
  { name: 'Migration20261208200000', class: Migration20261208200000 },
  { name: 'Migration20261209100000', class: Migration20261209100000 },
];

/** How long a request waits for a pooled connection before it answers 503. */
const ACQUIRE_TIMEOUT_MS = 10_000;

/**
 * Connections per kind of work (docs/api.md#limits). Ingest, the KPI fold and every write share
 * the main pool; analyst, dashboard and KPI reads (`runSql(…, { read: true })`) have a pool of
 * their own, so slow reads queue behind each other and never take the connections ingest needs
 * (issue #19: under load, reads holding all ten made ingest and reads wait out the acquire
 * timeout and answer 503).
 */
export const POOL_DEFAULTS = { write: 10, read: 4 } as const;

/** `application_name` of each pool's connections (pg_stat_activity). */
export const APPLICATION_NAMES = {
  write: 'cortex-telemetry',
  read: 'cortex-telemetry reads',
} as const;

export async function initORM(
  clientUrl: string,
  options: {
    poolMax?: number;
    /** Connections of the read pool; 0 sends reads through the main pool. */
    readPoolMax?: number;
    /**
     * How long a read waits for a connection of its pool: the reads' budget (QUERY_TIMEOUT_MS),
     * which the wait spends (db/sql.ts). Default the main pool's 10 s.
     */
    readAcquireTimeoutMs?: number;
    log?: (message: string) => void;
  } = {},
) {
  const readPoolMax = options.readPoolMax ?? POOL_DEFAULTS.read;
  return MikroORM.init({
    clientUrl,
    entities,
    extensions: [Migrator],
    // migrations are hand-written SQL; no schema snapshot is written next to them at run time
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, max: options.poolMax ?? POOL_DEFAULTS.write },
    // an exhausted pool answers 503 SERVICE_UNAVAILABLE after 10 s instead of knex's 60 s;
    // each pool names its connections, so pg_stat_activity tells reads from ingest
    driverOptions: {
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
      connection: { application_name: APPLICATION_NAMES.write },
    },
    // the read pool is a "replica" on the same database: MikroORM keeps a pool per replica and
    // hands it out only where asked for (`getConnection('read')`, db/sql.ts)
    preferReadReplicas: false,
    replicas:
      readPoolMax > 0
        ? [
            {
              name: 'read',
              clientUrl,
              driverOptions: {
                acquireConnectionTimeout: options.readAcquireTimeoutMs ?? ACQUIRE_TIMEOUT_MS,
                connection: { application_name: APPLICATION_NAMES.read },
                pool: { min: 0, max: readPoolMax },
              },
            },
          ]
        : [],
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
