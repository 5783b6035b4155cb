import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertService } from '../src/modules/alerts/alerts.service.js';
import { type AlertScheduler, startAlertScheduler } from '../src/modules/alerts/scheduler.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { startReceiver } from './helpers/receiver.js';
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
  app = await startTestApp({ ALERT_ALLOW_PRIVATE_URLS: '1' });
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

describe('the outbox', () => {
  it('delivers a state change written before a crash after the restart', async () => {
    const created = await app.gql(CREATE, {
      rule: {
        name: 'any session',
        metric: 'cdr.sessions',
        condition: 'ABOVE',
        threshold: 0,
        days: 1,
        destinations: [{ url: `${receiver.base}/restart`, secret: 'sixteen-characters!' }],
      },
    });
    const id = created.data?.createAlertRule.id as string;
    await record(app, [
      ev('SESSION_STARTED', '2026-11-10T09:00:00.000Z', 'u9', { sessionId: 's9' }),
    ]);
    // the check commits FIRING with its outbox row; the process dies before any delivery
    const result = await alertService.check(
      app.orm.em.fork(),
      id,
      settings,
      new Date('2026-11-11T05:00:00.000Z'),
    );
    expect([result.state, result.value, result.notified]).toEqual(['firing', 1, true]);
    expect(receiver.at('/restart')).toHaveLength(0);
    // a new process: its scheduler finds the pending delivery
    now = new Date(Date.now() + 1000);
    const restarted = scheduler();
    await restarted.tick();
    await restarted.stop();
    const posts = receiver.at('/restart');
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]?.body ?? '').value).toBe(1);
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
