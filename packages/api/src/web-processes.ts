import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { TokenSet } from './auth.js';
import type { BootOptions } from './boot.js';

/**
 * `WEB_CONCURRENCY` HTTP processes (node:cluster; README "Configuration"). The primary owns what
 * must exist once — the embedded PostgreSQL, the migrations, the demo seed and the background
 * work (KPI fold, alert scheduler, retention) — and forks the processes that serve HTTP; the
 * primary accepts the connections and hands them out in turn. Each HTTP process has its own
 * connection pools and its own in-memory limits (rate limits and admin slots count per process).
 */

/** What a worker needs from the primary, sent over IPC: tokens never travel in the environment. */
export interface WorkerSetup {
  database: Pick<BootOptions, 'databaseUrl' | 'database'>;
  tokens: TokenSet;
}

type FromWorker = { type: 'setup' | 'listening' };

/** Binds the port; a port in use is an error that names it and the variable that changes it. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      fail(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is already in use: stop what holds it or set PORT`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      done();
    });
  });
}

/** Stops accepting, lets in-flight requests finish (at most 10 s), then resolves. */
export async function closeGracefully(server: Server): Promise<void> {
  const closed = new Promise<void>((done) => server.close(() => done()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  await closed;
  clearTimeout(force);
}

/**
 * In a worker: asks the primary for the setup (a message sent before a listener is attached
 * would be lost, and loading the modules takes a while).
 */
export function receiveSetup(): Promise<WorkerSetup> {
  const setup = new Promise<WorkerSetup>((resolve) =>
    process.once('message', (m) => resolve(m as WorkerSetup)),
  );
  process.send?.({ type: 'setup' } satisfies FromWorker);
  return setup;
}

/** In a worker: tells the primary the port is bound. */
export function reportListening(): void {
  process.send?.({ type: 'listening' } satisfies FromWorker);
}

/**
 * Forks `count` HTTP processes and resolves once every one listens; rejects when one exits
 * before it does (its own error is on the shared stderr). A process that dies later is replaced.
 * `stop` asks each to finish its in-flight requests (SIGTERM) and waits for them to exit.
 */
export async function startWebProcesses(
  count: number,
  setup: WorkerSetup,
  logger: Logger,
): Promise<{ stop: () => Promise<void> }> {
  let stopping = false;
  const live = new Set<Worker>();
  const fork = () =>
    new Promise<void>((listening, failed) => {
      const worker = cluster.fork();
      live.add(worker);
      let up = false;
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'setup') worker.send(setup);
        if (m.type !== 'listening') return;
        up = true;
        listening();
      });
      worker.once('exit', (code, signal) => {
        live.delete(worker);
        if (!up)
          return failed(new Error(`an HTTP process exited (${signal ?? code}) before listening`));
        // exit code 0 is a process that was asked to stop (a terminal's Ctrl-C reaches it too)
        if (stopping || code === 0) return;
        logger.error(
          { pid: worker.process.pid, code, signal },
          'HTTP process exited; starting another',
        );
        fork().catch((error: unknown) =>
          logger.error({ err: error }, 'the replacement HTTP process failed to start'),
        );
      });
    });
  const stop = async () => {
    stopping = true;
    const exits = [...live].map(
      (worker) => new Promise<void>((done) => worker.once('exit', () => done())),
    );
    for (const worker of live) worker.process.kill('SIGTERM');
    await Promise.all(exits);
  };
  try {
    await Promise.all(Array.from({ length: count }, fork));
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
