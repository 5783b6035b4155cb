import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../api/src/db/embedded.js';
import { INGEST_TOKEN, startTestApp, type TestApp } from '../../api/test/helpers/app.js';

/**
 * Issue 17: `await telemetry.shutdown(3000)` as the last line of a plain Node script. The SDK's
 * retry timers are unref'd, so only the pending shutdown can keep Node up: before the fix an ES
 * module exited with code 13 (unsettled top-level await) and CommonJS silently with 0, the event
 * lost and never reported. The scripts run with plain `node` on the built package (no test
 * runner's timers to keep them alive).
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  /** The lines the script's `onError` printed (`CODE: message`), Node's own warnings left out. */
  reports: string[];
}

async function runScript(file: string, endpoint: string, eventId: string): Promise<Run> {
  const child = spawn(process.execPath, [`${FIXTURES}${file}`], {
    env: {
      ...process.env,
      TELEMETRY_ENDPOINT: endpoint,
      TELEMETRY_TOKEN: INGEST_TOKEN,
      EVENT_ID: eventId,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const reports = stderr.split('\n').filter((line) => /^[A-Z_]+: /.test(line));
  return { code, stdout, reports };
}

/**
 * A TCP relay in front of the API server. While closed it hangs up on every request (the server
 * is down) and counts the attempts; `open()` starts passing connections through.
 */
async function startRelay(targetPort: number) {
  const refusedAt: number[] = [];
  let open = false;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (!open) {
      // hang up once the request arrives (a server dying with it); hanging up before it
      // arrives can stall Node's first fetch of a process until its timeout (an undici quirk)
      socket.once('data', () => {
        refusedAt.push(performance.now());
        socket.destroy();
      });
      return;
    }
    const upstream = createConnection(targetPort, '127.0.0.1');
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    refusedAt,
    open: () => {
      open = true;
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

describe('await shutdown(3000) as the last line of a plain Node script', {
  timeout: 60_000,
}, () => {
  it.each(['offline-shutdown.mjs', 'offline-shutdown.cjs'])(
    '%s, server unreachable: stays up until the deadline, prints false, reports the event UNDELIVERED',
    async (file) => {
      const port = await freePort(); // free, and nothing listens on it
      const eventId = randomUUID();
      const run = await runScript(file, `http://127.0.0.1:${port}/graphql`, eventId);
      expect(run).toEqual({
        code: 0,
        stdout: 'false\n',
        reports: [
          'RETRYING: 1 item(s) will be re-sent: TypeError: fetch failed',
          `UNDELIVERED: 1 item(s) not delivered within 3000 ms (lost): event session_started ${eventId}`,
        ],
      });
    },
  );

  it('offline-flush.mjs: `await flush(2000)` as the last line also holds Node until it answers false', async () => {
    const port = await freePort();
    const run = await runScript(
      'offline-flush.mjs',
      `http://127.0.0.1:${port}/graphql`,
      randomUUID(),
    );
    // flush only reports; what is left is reported by shutdown
    expect(run).toEqual({
      code: 0,
      stdout: 'false\n',
      reports: ['RETRYING: 1 item(s) will be re-sent: TypeError: fetch failed'],
    });
  });

  describe('across a server outage longer than the first retry wait', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('restart-shutdown.mjs: the retries go on while shutdown waits: the event is stored once and shutdown answers true', async () => {
      const apiPort = Number(new URL(app.baseUrl).port);
      const relay = await startRelay(apiPort);
      const eventId = randomUUID();
      try {
        const running = runScript('restart-shutdown.mjs', `${relay.url}/graphql`, eventId);
        // down for the first three attempts: by the default backoff (waits of 250–500 ms, then
        // 500–1000 ms) the third comes at least 750 ms after the first, so the outage outlasts
        // the default retry wait (500 ms); the fourth, through, comes at most 3.5 s after the
        // first, well before the script's deadline (15 s)
        const opened = (async () => {
          while (relay.refusedAt.length < 3) await new Promise((r) => setTimeout(r, 5));
          relay.open();
        })();
        const run = await running;
        await opened;
        expect(relay.refusedAt[2]! - relay.refusedAt[0]!).toBeGreaterThan(500);
        expect(run).toEqual({
          code: 0,
          stdout: 'true\n',
          reports: ['RETRYING: 1 item(s) will be re-sent: TypeError: fetch failed'],
        });
        const rows = await app.sql(
          `select id, event_name, user_id_hash from telemetry_events where id = ?`,
          [eventId],
        );
        expect(rows).toEqual([
          { id: eventId, event_name: 'session_started', user_id_hash: 'u_restart' },
        ]);
      } finally {
        await relay.close();
      }
    });
  });
});
