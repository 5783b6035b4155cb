import cluster from 'node:cluster';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoIfEmpty } from '@cortex-telemetry/api/seed';
import { type Logger, pino } from 'pino';
import { loadOrCreateLocalTokens, type TokenSet } from './auth.js';
import { type BootOptions, boot } from './boot.js';
import { alertSettingsOf, type Config, loadConfig } from './config.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded.js';
import { startAlertScheduler } from './modules/alerts/scheduler.js';
import { ingestItems } from './modules/ingest/ingest.service.js';
import { startDaySetFolder } from './modules/kpi/fold.js';
import { startRetention } from './modules/privacy/retention.js';
import { citusLayout } from './orm.js';
import { forkWithReadLimits } from './query-timeout.js';
import {
  closeGracefully,
  listen,
  receiveSetup,
  reportListening,
  startWebProcesses,
} from './web-processes.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** What must be undone when start-up fails half-way: an embedded PostgreSQL left running is an orphan. */
const cleanups: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL, redact: ['headers.authorization', 'token'] });
  if (cluster.isWorker) return serveHttp(config, logger);
  const dataDir = config.DATA_DIR ?? join(REPO_ROOT, '.data');

  let embedded: EmbeddedDatabase | null = null;
  const databaseUrl = config.DATABASE_URL;
  let database: Pick<BootOptions, 'databaseUrl' | 'database'>;
  let tokens: TokenSet = {
    ingest: config.TELEMETRY_INGEST_TOKENS,
    admin: config.TELEMETRY_ADMIN_TOKENS,
    viewer: config.TELEMETRY_VIEWER_TOKENS,
  };
  const noTokens =
    tokens.ingest.length === 0 && tokens.admin.length === 0 && tokens.viewer?.length === 0;
  let generatedTokens = false;

  if (databaseUrl && noTokens) {
    logger.fatal(
      'refusing to start: with DATABASE_URL set, configure TELEMETRY_INGEST_TOKENS and TELEMETRY_ADMIN_TOKENS (comma-separated; TELEMETRY_VIEWER_TOKENS optional)',
    );
    process.exit(1);
  }
  if (databaseUrl) {
    database = { databaseUrl };
  } else {
    logger.info({ dataDir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      dataDir,
      onLog: (m) => logger.debug({ postgres: m.trim() }, 'postgres'),
    });
    const started = embedded;
    cleanups.unshift(() => started.stop());
    database = { databaseUrl: embedded.url('postgres'), database: 'cortex_telemetry' };
    if (noTokens) {
      tokens = await loadOrCreateLocalTokens(join(dataDir, 'tokens.json'));
      generatedTokens = true;
    }
  }

  const { orm, server } = await boot({ ...database, tokens, logger, config });
  cleanups.unshift(() => orm.close());
  const citus = await citusLayout(orm);
  if (citus) {
    logger.info(
      citus,
      'Citus coordinator: per-user tables distributed by user_id_hash (colocated), the rest reference tables',
    );
  }
  if (config.SEED_DEMO) await seedDemoIfEmpty({ orm, config, ingest: ingestItems }, logger);

  // KPI reads add what is still pending themselves; the folder keeps that small
  const folder = startDaySetFolder(() => orm.em.fork(), {
    lanes: config.FOLD_LANES,
    onError: (error) => logger.warn({ err: error }, 'KPI day-set fold failed; retrying'),
  });
  const retention = startRetention({
    em: orm.em,
    logger,
    days: {
      errors: config.RETENTION_DAYS_ERRORS,
      traces: config.RETENTION_DAYS_TRACES,
      failedItems: config.RETENTION_DAYS_FAILED_ITEMS,
    },
  });
  // alert rules on their schedule, and the outbox delivered (also what a crash left pending)
  const alerts = startAlertScheduler({
    newEm: () => forkWithReadLimits(orm.em, config),
    settings: alertSettingsOf(config),
    onError: (error) => logger.warn({ err: error }, 'alert check or delivery failed; retrying'),
  });
  cleanups.unshift(
    () => folder.stop(),
    () => alerts.stop(),
    () => retention.stop(),
  );
  logger.info('background work started: KPI fold, alert scheduler, retention');
  // one process serves HTTP itself; more are forked, and this one keeps only the background work
  let web: { stop: () => Promise<void> };
  if (config.WEB_CONCURRENCY === 1) {
    await listen(server, config.PORT, config.HOST);
    logger.info({ url: `http://localhost:${config.PORT}` }, 'listening');
    web = { stop: () => closeGracefully(server) };
  } else {
    web = await startWebProcesses(config.WEB_CONCURRENCY, { database, tokens }, logger);
    cleanups.unshift(() => web.stop());
    logger.info({ processes: config.WEB_CONCURRENCY }, 'HTTP processes listening');
  }
  const url = `http://localhost:${config.PORT}`;
  const lines = [
    '',
    `  Cortex Telemetry is running at ${url}`,
    `  dashboard: ${url}/    GraphQL: ${url}/graphql`,
  ];
  if (generatedTokens) {
    lines.push(
      `  admin token:  ${tokens.admin[0]}`,
      `  viewer token: ${tokens.viewer?.[0]}  (read-only: dashboards and queries)`,
      `  ingest token: ${tokens.ingest[0]}`,
      `  (generated for the embedded database; kept in ${join(dataDir, 'tokens.json')})`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await web.stop();
    await folder.stop();
    await alerts.stop();
    await retention.stop();
    await orm.close();
    await embedded?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * A forked HTTP process (WEB_CONCURRENCY > 1): the primary's database and tokens, its own pools,
 * no background work. It stops on SIGTERM (finishing in-flight requests) or when the primary
 * is gone.
 */
async function serveHttp(config: Config, logger: Logger): Promise<void> {
  const setup = await receiveSetup();
  // the primary created the database and applied the migrations before forking this process
  const { orm, server } = await boot({
    ...setup.database,
    tokens: setup.tokens,
    logger,
    config,
    migrate: false,
  });
  cleanups.unshift(() => orm.close());
  await listen(server, config.PORT, config.HOST);
  logger.info({ url: `http://localhost:${config.PORT}` }, 'listening');
  reportListening();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await closeGracefully(server);
    await orm.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('disconnect', () => void shutdown('primary gone'));
}

main().catch(async (error: unknown) => {
  process.stderr.write(
    `failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (!(error instanceof Error && error.message.includes('already in use')))
    process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  process.exit(1);
});
