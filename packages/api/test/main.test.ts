import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.js';
import { createTestDatabase } from './helpers/database.js';

/** The real entry point as a process: refusal without tokens, readiness, graceful SIGTERM. */
const API_DIR = fileURLToPath(new URL('..', import.meta.url));

function startMain(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  // node with tsx's loader (not the tsx CLI, which wraps the process and relays signals itself)
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function waitForReady(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready: ${url}`);
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

/** A server on the test database at `port`, with tokens and no demo data. */
const served = (port: number) => ({
  DATABASE_URL: db.url,
  PORT: String(port),
  HOST: '127.0.0.1',
  TELEMETRY_INGEST_TOKENS: 'ingest-a',
  TELEMETRY_ADMIN_TOKENS: 'admin-a',
  SEED_DEMO: '0',
});

describe('main', () => {
  it('refuses to start on an external database without tokens, naming the variables', async () => {
    const run = startMain({ DATABASE_URL: db.url });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('configure TELEMETRY_INGEST_TOKENS and TELEMETRY_ADMIN_TOKENS');
  });

  it('serves, then on SIGTERM finishes the in-flight request before exiting', async () => {
    const port = await freePort();
    const run = startMain({ ...served(port), TELEMETRY_INGEST_TOKENS: 'ingest-a,ingest-b' });
    await waitForReady(`http://127.0.0.1:${port}/ready`);
    expect(run.output()).not.toContain('ingest-a'); // tokens are never logged

    const body = JSON.stringify({
      query: 'mutation ($e: EventInput!) { recordEvent(event: $e) { accepted } }',
      variables: {
        e: {
          eventName: 'SESSION_STARTED',
          timestamp: '2026-11-20T10:00:00Z',
          userIdHash: 'u_main',
          channel: 'WEB',
        },
      },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/graphql',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: 'Bearer ingest-b',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => {
            text += String(d);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // half the body now, SIGTERM while the request is in flight, the rest afterwards
      req.write(body.slice(0, 40), () => {
        setTimeout(() => {
          run.child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(40)), 300);
        }, 100);
      });
    });
    const response = await answer.catch((e) => {
      throw new Error(`${e}\n${run.output()}`);
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { recordEvent: { accepted: 1 } } });
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('shutting down');
    const rows = await db.orm.em
      .getConnection()
      .execute("select count(*)::int as n from telemetry_events where user_id_hash = 'u_main'");
    expect(rows[0]?.n).toBe(1);
  }, 180_000); // a cold start on a loaded machine (Citus: migrations distribute every table)

  it('with WEB_CONCURRENCY=2 serves from two processes and runs the background work once', async () => {
    const port = await freePort();
    const run = startMain({ ...served(port), WEB_CONCURRENCY: '2' });
    const deadline = Date.now() + 120_000;
    while (!run.output().includes('Cortex Telemetry is running at')) {
      if (Date.now() > deadline) throw new Error(`no banner:\n${run.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // four connections one after the other: the primary hands them out in turn, two each
    const answers: unknown[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const body = JSON.stringify({
        query: 'mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted } }',
        variables: {
          e: [0, 1].map((i) => ({
            eventName: 'SESSION_STARTED',
            timestamp: '2026-11-20T10:00:00Z',
            userIdHash: `u_web_${batch}_${i}`,
            sessionId: `s_${batch}`,
            channel: 'WEB',
          })),
        },
      });
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer ingest-a',
          connection: 'close',
        },
        body,
      });
      answers.push(await response.json());
    }
    expect(answers).toEqual(Array(4).fill({ data: { recordEvents: { accepted: 2 } } }));

    // the fold (in the primary) takes every pending fact: eight users active on one day
    const sql = (text: string) => db.orm.em.getConnection().execute(text);
    const foldDeadline = Date.now() + 60_000;
    while ((await sql('select count(*)::int as n from kpi_pending'))[0]?.n !== 0) {
      if (Date.now() > foldDeadline) throw new Error(`facts still pending:\n${run.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const active = await sql(
      "select count(distinct user_id_hash)::int as n from kpi_days where kind = 'active' and user_id_hash like 'u_web_%'",
    );
    expect(active[0]?.n).toBe(8);

    const lines = run
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; pid: number; path?: string });
    const pids = (msg: string, path?: string) =>
      lines
        .filter((l) => l.msg === msg && (path === undefined || l.path === path))
        .map((l) => l.pid);
    const background = pids('background work started: KPI fold, alert scheduler, retention');
    expect(background).toEqual([run.child.pid]);
    // the migrations ran once, in the primary, before it forked the HTTP processes
    expect(pids('migrations applied')).toEqual([run.child.pid]);
    const listening = pids('listening');
    expect(new Set(listening).size).toBe(2);
    expect(listening).not.toContain(run.child.pid);
    expect(new Set(pids('request', '/graphql'))).toEqual(new Set(listening));

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    for (const pid of listening) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  }, 180_000);

  it('says which port is in use and leaves no embedded PostgreSQL running', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((done) => holder.listen(port, '127.0.0.1', done));
    const dataDir = await mkdtemp(join(tmpdir(), 'ct-main-'));
    await chmod(dataDir, 0o755); // as root, the embedded PostgreSQL runs as another user
    try {
      const run = startMain({
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        SEED_DEMO: '0',
      });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(
        `failed to start: port ${port} on 127.0.0.1 is already in use: stop what holds it or set PORT`,
      );
      // it got as far as starting the embedded database, and stopped it again
      expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      holder.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000); // initdb and the migrations on a loaded machine
});
