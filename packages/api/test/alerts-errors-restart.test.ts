import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.js';
import { alertService } from '../src/modules/alerts/alerts.service.js';
import { type AlertScheduler, startAlertScheduler } from '../src/modules/alerts/scheduler.js';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  OPEN_BETA_STARTS_AT,
  startTestApp,
  type TestApp,
} from './helpers/app.js';
import { createTestDatabase } from './helpers/database.js';
import { startReceiver } from './helpers/receiver.js';
import { type ServerProcess, startServerProcess } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';
import { ev, record } from './kpi-fixtures.js';

let app: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const settings = { allowPrivateUrls: true, dashboardUrl: 'http://dash.test' };
let now = new Date();
const scheduler = (): AlertScheduler =>
  startAlertScheduler({
    newEm: () => app.orm.em.fork(),
    settings,
    clock: { now: () => now },
    intervalMs: null,
  });

beforeAll(async () => {
  // a short statement timeout for the ERRORED check; every other read here takes milliseconds
  app = await startTestApp({ ALERT_ALLOW_PRIVATE_URLS: '1', QUERY_TIMEOUT_MS: '1500' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await app?.close();
});

const CREATE = /* GraphQL */ `
  mutation ($rule: AlertRuleInput!) { createAlertRule(rule: $rule) { id } }`;

const error = (stackHash: string, severity: string, timestamp: string) => ({
  timestamp,
  errorType: 'TypeError',
  errorMessage: `boom ${stackHash}`,
  stackHash,
  severity,
  userIdHash: 'u1',
  channel: 'WEB',
});

describe('new error group rule', () => {
  it('announces each stack hash first seen after it was created, at CRITICAL only when asked', async () => {
    await app.record('recordErrors', [error('old', 'CRITICAL', '2026-11-10T08:00:00.000Z')]);
    const created = await app.gql(CREATE, {
      rule: {
        name: 'new crashes',
        kind: 'NEW_ERROR_GROUP',
        onlyCritical: true,
        destinations: [{ url: `${receiver.base}/groups`, secret: 'sixteen-characters!' }],
      },
    });
    expect(created.errors).toBeUndefined();
    const id = created.data?.createAlertRule.id as string;
    await app.record('recordErrors', [
      error('old', 'CRITICAL', '2026-11-10T09:00:00.000Z'), // seen before the rule
      error('fresh', 'CRITICAL', '2026-11-10T09:01:00.000Z'),
      error('fresh', 'ERROR', '2026-11-10T09:02:00.000Z'),
      error('mild', 'ERROR', '2026-11-10T09:03:00.000Z'), // new, but not critical
    ]);
    const s = scheduler();
    // checked at the next full hour of the real clock (received_at is the server's)
    now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000);
    await s.tick();
    await s.tick();
    await s.stop();
    const posts = receiver.at('/groups');
    expect(posts).toHaveLength(1);
    const body = JSON.parse(posts[0]?.body ?? '');
    expect([body.kind, body.state, body.rule.id]).toEqual(['NEW_ERROR_GROUP', 'FIRING', id]);
    expect({ ...body.errorGroup, errorId: undefined }).toEqual({
      stackHash: 'fresh',
      errorId: undefined,
      timestamp: '2026-11-10T09:01:00.000Z',
      errorType: 'TypeError',
      errorMessage: 'boom fresh',
      stackTrace: null,
      severity: 'CRITICAL',
      channel: 'WEB',
      phase: 'OPEN_BETA',
    });
    expect(body.dashboardUrl).toBe('http://dash.test/errors?stackHash=fresh');
  });
});

describe('a metric that cannot be read', () => {
  it('is ERRORED with the error, notifies nobody, and fires normally once it reads again', async () => {
    const created = await app.gql(CREATE, {
      rule: {
        name: 'slow search',
        metric: 'trace.p95Ms',
        operation: 'search',
        condition: 'ABOVE',
        threshold: 10,
        days: 1,
        destinations: [{ url: `${receiver.base}/errored`, secret: 'sixteen-characters!' }],
      },
    });
    const id = created.data?.createAlertRule.id as string;
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await app.record('recordTraces', [
      {
        timestamp: `${day}T12:00:00.000Z`,
        operationName: 'search',
        durationMs: 20,
        success: true,
        userIdHash: 'u1',
        channel: 'SERVER',
      },
    ]);
    const CHECK = /* GraphQL */ `
      mutation ($id: ID!) { checkAlertRule(id: $id) { state value message notified } }`;
    // a migration or a vacuum full holds the traces table: the read waits for its lock until the
    // request's statement timeout (QUERY_TIMEOUT_MS) cancels it
    const held = await app.orm.em.getConnection().getKnex().transaction();
    try {
      await held.raw('lock table telemetry_traces in access exclusive mode');
      const errored = await app.gql(CHECK, { id });
      expect(errored.errors).toBeUndefined();
      expect(errored.data?.checkAlertRule).toEqual({
        state: 'ERRORED',
        value: null,
        message: expect.stringContaining('canceling statement due to statement timeout'),
        notified: false,
      });
    } finally {
      await held.rollback();
    }
    const shown = await app.gql(
      'query ($id: ID!) { alertRule(id: $id) { state evaluations { state message } deliveries { id } } }',
      { id },
    );
    expect(shown.data?.alertRule).toMatchObject({
      state: 'ERRORED',
      evaluations: [{ state: 'ERRORED' }],
      deliveries: [],
    });
    // the lock is gone: the same check reads 20 ms > 10 and starts firing (one notification)
    const firing = await app.gql(CHECK, { id });
    expect(firing.data?.checkAlertRule).toEqual({
      state: 'FIRING',
      value: 20,
      message: '20 is above 10',
      notified: true,
    });
  });
});

describe('kill -9 of the server between the state change and the delivery', {
  timeout: 180_000,
}, () => {
  it('delivers the committed notification after a restart, with the same delivery id', async () => {
    const db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      TELEMETRY_INGEST_TOKENS: INGEST_TOKEN,
      TELEMETRY_ADMIN_TOKENS: ADMIN_TOKEN,
      ALERT_ALLOW_PRIVATE_URLS: '1',
      SEED_DEMO: '0',
      OPEN_BETA_STARTS_AT,
    };
    const base = `http://${env.HOST}:${env.PORT}`;
    const gql = async (query: string, variables: object, token = ADMIN_TOKEN) =>
      (
        await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        })
      ).json() as Promise<{ data?: any; errors?: unknown[] }>;
    const sql = (q: string, params: unknown[] = []) =>
      db.orm.em.getConnection().execute(q, params) as Promise<any[]>;
    const servers: ServerProcess[] = [];
    const held = await db.orm.em.getConnection().getKnex().transaction();
    try {
      // A rule due at once whose check the test holds: the server's scheduler, which checks the
      // due rules and then delivers, waits on it, so nothing is delivered while the test runs.
      // It reads the traces, which the test locks (as a migration or a vacuum full would), not
      // the rule's row: on Citus every write to the alert_rules reference table waits for a row
      // lock held on it, and the test writes rules while the scheduler waits.
      const blocker = await alertService.create(
        db.orm.em.fork(),
        {
          name: 'blocker',
          kind: 'metric',
          metric: 'trace.p95Ms',
          stackHash: null,
          operation: 'search',
          phase: null,
          channel: null,
          days: 1,
          condition: 'above',
          threshold: 0,
          changeMode: 'absolute',
          includeToday: false,
          onlyCritical: false,
          schedule: null,
          snoozedUntil: null,
          destinations: [
            { id: null, url: `${receiver.base}/blocker`, format: 'json', secret: null },
          ],
        },
        settings,
        new Date('2026-11-01T00:00:00.000Z'),
      );
      expect(blocker.row.next_check_at.toISOString()).toBe('2026-11-01T01:00:00.000Z');
      await held.raw('lock table telemetry_traces in access exclusive mode');
      const first = startServerProcess(env);
      servers.push(first);
      await first.ready;
      // the blocker reads its window and the previous one side by side: both wait on the lock
      await waitFor('the scheduler to wait on the locked traces', async () => {
        const [row] = await sql(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        return row?.n === 2;
      });

      const created = await gql(CREATE, {
        rule: {
          name: 'any session',
          metric: 'cdr.sessions',
          condition: 'ABOVE',
          threshold: 0,
          days: 2,
          includeToday: true,
          destinations: [{ url: `${receiver.base}/killed`, secret: 'sixteen-characters!' }],
        },
      });
      const id = created.data?.createAlertRule.id as string;
      const recorded = await gql(
        'mutation ($e: EventInput!) { recordEvent(event: $e) { accepted } }',
        {
          e: {
            eventName: 'SESSION_STARTED',
            timestamp: new Date(Date.now() - 60_000).toISOString(),
            userIdHash: 'u_killed',
            sessionId: 's_killed',
            channel: 'WEB',
          },
        },
        INGEST_TOKEN,
      );
      expect(recorded.data?.recordEvent).toEqual({ accepted: 1 });
      // the server commits FIRING with its outbox row…
      const checked = await gql(
        'mutation ($id: ID!) { checkAlertRule(id: $id) { state value notified } }',
        { id },
      );
      expect(checked.data?.checkAlertRule).toEqual({ state: 'FIRING', value: 1, notified: true });
      const [queued] = await sql(
        'select id, status, attempts from alert_deliveries where rule_id = ?',
        [id],
      );
      expect([queued?.status, queued?.attempts]).toEqual(['pending', 0]);
      // …and dies before delivering it
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      expect(receiver.at('/killed')).toHaveLength(0);
      await held.rollback();

      const second = startServerProcess(env);
      servers.push(second);
      await second.ready;
      const [post] = await waitFor('the delivery after the restart', () => {
        const posts = receiver.at('/killed');
        return posts.length > 0 && posts;
      });
      expect(post?.headers['x-cortex-delivery']).toBe(queued?.id);
      expect(JSON.parse(post?.body ?? '')).toMatchObject({
        kind: 'FIRING',
        state: 'FIRING',
        value: 1,
        rule: { id },
      });
      await waitFor('the delivery to be recorded', async () => {
        const [row] = await sql('select status from alert_deliveries where id = ?', [queued?.id]);
        return row?.status === 'delivered';
      });
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(receiver.at('/killed')).toHaveLength(1);
      expect(receiver.at('/blocker')).toHaveLength(0);
    } finally {
      await held.rollback().catch(() => undefined);
      for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
      await Promise.all(servers.map((s) => s.exited));
      await db.drop();
    }
  });
});

describe('a DAILY rule', () => {
  it('runs at 01:00 UTC on the injected clock, over the complete day before', async () => {
    const created = await app.gql(CREATE, {
      rule: {
        name: 'daily sessions',
        metric: 'cdr.sessions',
        condition: 'BELOW',
        threshold: 100,
        days: 1,
        schedule: 'DAILY',
        destinations: [{ url: `${receiver.base}/daily`, secret: 'sixteen-characters!' }],
      },
    });
    const id = created.data?.createAlertRule.id as string;
    // created at the real time; the test's clock starts on 2026-11-12
    await app.sql('update alert_rules set next_check_at = ? where id = ?', [
      '2026-11-12T01:00:00.000Z',
      id,
    ]);
    await record(app, [
      ev('SESSION_STARTED', '2026-11-11T09:00:00.000Z', 'u7', { sessionId: 's7' }),
      ev('SESSION_STARTED', '2026-11-12T00:30:00.000Z', 'u8', { sessionId: 's8' }),
    ]);
    const s = scheduler();
    const shown = async () =>
      (
        await app.gql(
          'query ($id: ID!) { alertRule(id: $id) { state lastValue lastCheckedAt nextCheckAt } }',
          { id },
        )
      ).data?.alertRule;
    now = new Date('2026-11-12T00:59:59.000Z');
    await s.tick();
    expect(await shown()).toEqual({
      state: 'OK',
      lastValue: null,
      lastCheckedAt: null,
      nextCheckAt: '2026-11-12T01:00:00.000Z',
    });
    now = new Date('2026-11-12T01:00:00.000Z');
    await s.tick();
    await s.stop();
    // 11-11 only (today's 00:30 session is not in a complete day): 1 session, below 100
    expect(await shown()).toEqual({
      state: 'FIRING',
      lastValue: 1,
      lastCheckedAt: '2026-11-12T01:00:00.000Z',
      nextCheckAt: '2026-11-13T01:00:00.000Z',
    });
  });
});
