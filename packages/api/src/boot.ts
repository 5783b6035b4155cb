import type { Logger } from 'pino';
import { type App, createApp } from './app.js';
import type { TokenSet } from './auth.js';
import { type Config, loadConfig } from './config.js';
import { ensureDatabase, withDatabase } from './db/create-database.js';
import { initORM, migrate, type Orm } from './orm.js';

export interface BootOptions {
  /** The database to run on; with `database`, the server that database is created on. */
  databaseUrl: string;
  /** A database created on `databaseUrl`'s server when it does not exist yet, then used. */
  database?: string;
  tokens: TokenSet;
  logger: Logger;
  /** Default: the environment's (`loadConfig()`). */
  config?: Config;
  /** Connections in the ORM's pool (default: the configuration's `DATABASE_POOL_SIZE`). */
  poolMax?: number;
  /** The built dashboard to serve at `/`. */
  webDir?: string;
  /**
   * Creates the database and applies the migrations first (default). A forked HTTP process
   * (WEB_CONCURRENCY > 1) passes false: its primary has done both before forking it.
   */
  migrate?: boolean;
}

export interface Booted extends App {
  orm: Orm;
  config: Config;
}

/**
 * The one start-up sequence of the server (main.ts) and the benchmarks: the database, the ORM
 * on it, the migrations, the configuration, the app. Nothing listens yet, and nothing runs in
 * the background: the caller seeds, starts the fold and listens when it is ready to.
 */
export async function boot(options: BootOptions): Promise<Booted> {
  const { logger } = options;
  const migrating = options.migrate ?? true;
  let url = options.databaseUrl;
  if (options.database) {
    if (migrating) await ensureDatabase(url, options.database);
    url = withDatabase(url, options.database);
  }
  const config = options.config ?? loadConfig();
  const orm = await initORM(url, {
    poolMax: options.poolMax ?? config.DATABASE_POOL_SIZE,
    readPoolMax: config.DATABASE_READ_POOL_SIZE,
    readAcquireTimeoutMs: config.QUERY_TIMEOUT_MS,
    log: (m) => logger.debug({ orm: m }, 'orm'),
  });
  if (migrating) {
    try {
      await migrate(orm);
    } catch (error) {
      await orm.close(true);
      throw error;
    }
    logger.info('migrations applied');
  }
  const app = createApp({
    orm,
    config,
    tokens: options.tokens,
    logger,
    webDir: options.webDir,
  });
  return { ...app, orm, config };
}
