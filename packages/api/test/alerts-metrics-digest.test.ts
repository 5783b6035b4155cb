import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertService } from '../src/modules/alerts/alerts.service.js';
import type { AlertRuleInput } from '../src/modules/alerts/rule-input.js';
import { startAlertScheduler } from '../src/modules/alerts/scheduler.js';
import { withQueryTimeout } from '../src/query-timeout.js';
import { startTestApp, type TestApp, VIEWER_TOKEN } from './helpers/app.js';
import { startReceiver } from './helpers/receiver.js';
import { ev, record } from './kpi-fixtures.js';

/**
 * Issue 16: metric rules on an error group's count and an operation's trace p95, the weekly
 * digest, and the editor's preview — on one hand-built dataset (all open beta unless said):
 *
 *   sessions  u1: s1 11-10, s3 11-11 · u2: s2 11-11 and 11-12, s4 11-20 (+ context_loaded)
 *             u3: s5 11-19 (+ paid_subscription_started) · u9: s9 11-18 (CLOSED_BETA)
 *   errors    h1 (WEB unless said): 11-17, 11-18 ×2, 11-18 EXTENSION (CRITICAL), 11-19, 11-20
 *             h2: 11-19
 *   traces    search: 11-17 100 ms (failed), 11-18 10, 20, 30 · 11-19 40, 50 · other: 11-19 1000
 *
 * Checks run at 2026-11-20T05:00Z: complete days end on 11-19.
 */
let app: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const settings = { allowPrivateUrls: true, dashboardUrl: 'http://dash.test' };
const CHECKED_AT = new Date('2026-11-20T05:00:00.000Z');

const error = (stackHash: string, timestamp: string, over: Record<string, unknown> = {}) => ({
  timestamp,
  errorType: 'TypeError',
  errorMessage: `boom ${stackHash}`,
  stackHash,
  severity: 'ERROR',
  userIdHash: 'u1',
  channel: 'WEB',
  ...over,
});
const trace = (operationName: string, timestamp: string, durationMs: number, success = true) => ({
  timestamp,
  operationName,
  durationMs,
  success,
  userIdHash: 'u1',
  channel: 'SERVER',
});

beforeAll(async () => {
  app = await startTestApp({ ALERT_ALLOW_PRIVATE_URLS: '1' });
  receiver = await startReceiver();
  const s = (day: string) => `2026-11-${day}:00.000Z`;
  await record(app, [
    ev('SESSION_STARTED', s('10T09:00'), 'u1', { sessionId: 's1' }),
    ev('SESSION_STARTED', s('11T09:00'), 'u1', { sessionId: 's3' }),
    ev('SESSION_STARTED', s('11T09:00'), 'u2', { sessionId: 's2' }),
    ev('SESSION_STARTED', s('12T09:00'), 'u2', { sessionId: 's2' }),
    ev('SESSION_STARTED', s('20T03:00'), 'u2', { sessionId: 's4' }),
    ev('CONTEXT_LOADED', s('20T03:05'), 'u2', { sessionId: 's4' }),
    ev('SESSION_STARTED', s('19T09:00'), 'u3', { sessionId: 's5' }),
    ev('PAID_SUBSCRIPTION_STARTED', s('19T09:30'), 'u3'),
    ev('SESSION_STARTED', s('18T09:00'), 'u9', { sessionId: 's9', phase: 'CLOSED_BETA' }),
  ]);
  await app.record('recordErrors', [
    error('h1', s('17T10:00')),
    error('h1', s('18T10:00')),
    error('h1', s('18T11:00')),
    error('h1', s('18T12:00'), { channel: 'EXTENSION', severity: 'CRITICAL' }),
    error('h1', s('19T10:00')),
    error('h1', s('20T01:00')),
    error('h2', s('19T11:00'), { errorType: 'RangeError' }),
  ]);
  await app.record('recordTraces', [
    trace('search', s('17T10:00'), 100, false),
    trace('search', s('18T10:00'), 10),
    trace('search', s('18T11:00'), 20),
    trace('search', s('18T12:00'), 30),
    trace('search', s('19T10:00'), 40),
    trace('search', s('19T11:00'), 50),
    trace('other', s('19T12:00'), 1000),
  ]);
});
afterAll(async () => {
  await receiver?.close();
  await app?.close();
});

const CREATE = /* GraphQL */ `
  mutation ($rule: AlertRuleInput!) { createAlertRule(rule: $rule) { id stackHash operation } }`;

const ruleInput = (over: Partial<AlertRuleInput>): AlertRuleInput => ({
  name: 'r',
  kind: 'metric',
  metric: null,
  stackHash: null,
  operation: null,
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
  destinations: [],
  ...over,
});

describe('metric rules on an error group and an operation', () => {
  it('need the stack hash or the operation, and only for their metric', async () => {
    const bad = async (rule: Record<string, unknown>) => {
      const res = await app.gql(CREATE, {
        rule: {
          name: 'x',
          condition: 'ABOVE',
          threshold: 1,
          ...rule,
          destinations: [{ url: `${receiver.base}/x` }],
        },
      });
      const e = res.errors?.[0];
      return [res.status, e?.extensions?.code, e?.extensions?.field, e?.message];
    };
    expect(await bad({ metric: 'errorGroup.count' })).toEqual([
      400,
      'BAD_USER_INPUT',
      'stackHash',
      'stackHash: is required for metric errorGroup.count',
    ]);
    expect(await bad({ metric: 'trace.p95Ms', operation: '  ' })).toEqual([
      400,
      'BAD_USER_INPUT',
      'operation',
      'operation: must be 1–500 characters (got 0)',
    ]);
    expect(await bad({ metric: 'trace.p95Ms', stackHash: 'h1', operation: 'search' })).toEqual([
      400,
      'BAD_USER_INPUT',
      'stackHash',
      'stackHash: only for metric errorGroup.count (got metric trace.p95Ms)',
    ]);
    expect(await bad({ metric: 'cdr.rate', operation: 'search' })).toEqual([
      400,
      'BAD_USER_INPUT',
      'operation',
      'operation: only for metric trace.p95Ms (got metric cdr.rate)',
    ]);
    expect(await bad({ metric: 'cdr.rate', schedule: 'WEEKLY' })).toEqual([
      400,
      'BAD_USER_INPUT',
      'schedule',
      'schedule: WEEKLY is for WEEKLY_DIGEST rules only (use HOURLY or DAILY)',
    ]);
  });

  it('errorGroup.count: the group’s occurrences in the window, under the channel filter', async () => {
    const created = await app.gql(CREATE, {
      rule: {
        name: 'h1 grows on the web',
        metric: 'errorGroup.count',
        stackHash: 'h1',
        channel: 'WEB',
        days: 2,
        condition: 'INCREASE',
        threshold: 2,
        destinations: [{ url: `${receiver.base}/h1`, secret: 'sixteen-characters!' }],
      },
    });
    expect(created.errors).toBeUndefined();
    const { id, stackHash, operation } = created.data?.createAlertRule ?? {};
    expect([stackHash, operation]).toEqual(['h1', null]);
    const result = await alertService.check(app.orm.em.fork(), id, settings, CHECKED_AT);
    // window 11-18, 11-19 on WEB: 10:00 and 11:00 on the 18th, the 19th (not the EXTENSION one,
    // not today's) → 3; previous window 11-16, 11-17 → 1
    expect(result).toMatchObject({
      state: 'firing',
      value: 3,
      previousValue: 1,
      message: 'rose by 2 (from 1 to 3; threshold 2)',
      notified: true,
    });
    const [queued] = await app.sql('select body from alert_deliveries where rule_id = ?', [id]);
    expect(JSON.parse(queued.body)).toMatchObject({
      metric: 'errorGroup.count',
      stackHash: 'h1',
      operation: null,
      value: 3,
      previousValue: 1,
      channel: 'WEB',
    });
  });

  it('trace.p95Ms: the operation’s p95 as traceStats computes it', async () => {
    const created = await app.gql(CREATE, {
      rule: {
        name: 'slow search',
        metric: 'trace.p95Ms',
        operation: 'search',
        days: 2,
        condition: 'ABOVE',
        threshold: 45,
        destinations: [{ url: `${receiver.base}/search`, secret: 'sixteen-characters!' }],
      },
    });
    const id = created.data?.createAlertRule.id as string;
    const result = await alertService.check(app.orm.em.fork(), id, settings, CHECKED_AT);
    // 10, 20, 30, 40, 50: p95 at rank 0.95 × 4 = 3.8 → 40 + 0.8 × (50 − 40) = 48; before: 100
    expect(result).toMatchObject({ state: 'firing', value: 48, previousValue: 100 });
    const same = await app.gql(
      `query { traceStats(from: "2026-11-18T00:00:00Z", to: "2026-11-20T00:00:00Z", operationName: "search") { p95 } }`,
    );
    expect(same.data?.traceStats).toEqual([{ p95: 48 }]);
  });
});

describe('previewAlertRule', () => {
  const preview = (over: Partial<AlertRuleInput>) =>
    alertService.preview(app.orm.em.fork(), ruleInput(over), CHECKED_AT);
  const ends = Array.from({ length: 14 }, (_, i) => `2026-11-${String(6 + i).padStart(2, '0')}`);
  const points = (values: (number | null)[]) =>
    values.map((value, i) => ({ windowEnd: ends[i], value }));

  it('cdr.sessions over 2-day windows ending 11-06 … 11-19: a two-day session counts once', async () => {
    const p = await preview({ metric: 'cdr.sessions', phase: 'open_beta', days: 2 });
    // 11-10: s1 · 11-11: s1 s3 s2 · 11-12: s3 s2 · 11-13: s2 · 11-19: s5
    expect(p.points).toEqual(points([0, 0, 0, 0, 1, 3, 2, 1, 0, 0, 0, 0, 0, 1]));
    expect([p.state, p.value, p.previousValue, p.message]).toEqual([
      'firing',
      1,
      0,
      '1 is above 0',
    ]);
    expect([p.window?.startDay, p.window?.endDay]).toEqual(['2026-11-18', '2026-11-20']);
  });

  it('dauWau.avgDau from one series read, exactly as each window reads it', async () => {
    const p = await preview({
      metric: 'dauWau.avgDau',
      phase: 'open_beta',
      days: 3,
      condition: 'above',
      threshold: 0.5,
    });
    // DAU: 11-10 1, 11-11 2, 11-12 1, 11-19 1 (u2's 11-20 is today)
    expect(p.points).toEqual(points([0, 0, 0, 0, 1 / 3, 1, 4 / 3, 1, 1 / 3, 0, 0, 0, 0, 1 / 3]));
    expect([p.state, p.value, p.previousValue]).toEqual(['ok', 1 / 3, 0]);
    // the series shortcut agrees with a check of each window on its own (the next day, 05:00)
    for (const point of [p.points[4], p.points[6], p.points[7], p.points[13]]) {
      const next = Date.parse(point?.windowEnd ?? '') + 86_400_000 + 5 * 3_600_000;
      const one = await alertService.preview(
        app.orm.em.fork(),
        ruleInput({ metric: 'dauWau.avgDau', phase: 'open_beta', days: 3 }),
        new Date(next),
      );
      expect([one.window?.endDay, one.value]).toEqual([
        new Date(next).toISOString().slice(0, 10),
        point?.value,
      ]);
    }
  });

  it('errorGroup.count per day, and nothing stored or sent', async () => {
    const before = await app.sql('select count(*)::int as n from alert_evaluations');
    const p = await preview({ metric: 'errorGroup.count', stackHash: 'h1', days: 1 });
    expect(p.points).toEqual(points([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 1]));
    expect(await app.sql('select count(*)::int as n from alert_evaluations')).toEqual(before);
  });

  it('answers over GraphQL for an admin, and is refused to a viewer', async () => {
    const q = /* GraphQL */ `
      query ($rule: AlertRuleInput!) {
        previewAlertRule(rule: $rule) {
          state value previousValue message window { days } points { windowEnd value }
        }
      }`;
    const rule = {
      name: 'preview',
      metric: 'trace.p95Ms',
      operation: 'nothing-here',
      condition: 'ABOVE',
      threshold: 1,
      destinations: [],
    };
    const res = await app.gql(q, { rule });
    expect(res.errors).toBeUndefined();
    const p = res.data?.previewAlertRule;
    expect([p.state, p.value, p.message, p.window]).toEqual([
      'OK',
      null,
      'no data in the window',
      { days: 7 },
    ]);
    expect(p.points).toHaveLength(14);
    expect(p.points.every((x: { value: unknown }) => x.value === null)).toBe(true);
    const days = p.points.map((x: { windowEnd: string }) => Date.parse(x.windowEnd));
    expect(days.slice(1).map((d: number, i: number) => d - days[i])).toEqual(
      Array(13).fill(86_400_000),
    );
    const viewer = await app.gql(q, { rule }, VIEWER_TOKEN);
    expect([viewer.status, viewer.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('the weekly digest', () => {
  it('goes out at Monday 08:00 UTC on the injected clock, not before and not on other days', async () => {
    const created = await alertService.create(
      app.orm.em.fork(),
      ruleInput({
        name: 'weekly',
        kind: 'weekly_digest',
        destinations: [
          {
            id: null,
            url: `${receiver.base}/digest`,
            format: 'json',
            secret: 'sixteen-characters!',
          },
          { id: null, url: `${receiver.base}/digest-slack`, format: 'slack', secret: null },
        ],
      }),
      settings,
      new Date('2026-11-22T12:00:00.000Z'), // a Sunday
    );
    expect(created.row.schedule).toBe('weekly');
    expect(created.row.next_check_at.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    let now = new Date('2026-11-23T07:59:59.000Z');
    const scheduler = startAlertScheduler({
      newEm: () => app.orm.em.fork(),
      settings,
      clock: { now: () => now },
      intervalMs: null,
    });
    await scheduler.tick();
    expect(receiver.at('/digest')).toHaveLength(0);
    now = new Date('2026-11-23T08:00:00.000Z');
    await scheduler.tick();
    now = new Date('2026-11-24T08:00:00.000Z'); // Tuesday
    await scheduler.tick();
    now = new Date('2026-11-30T07:00:00.000Z'); // the next Monday, too early
    await scheduler.tick();
    await scheduler.stop();
    const posts = receiver.at('/digest');
    expect(posts).toHaveLength(1);
    const body = JSON.parse(posts[0]?.body ?? '');
    /*
     * Window 11-16 … 11-22 against 11-09 … 11-15.
     * Open beta now: sessions s5, s4; dependent s4 → CDR 0.5. Active u3 (19th), u2 (20th, last
     * active 11-12: 7 idle days) → resurrection 1/2. DAU 1 on the 19th and 20th → avgDau 2/7.
     * Eligible u2, u3; u3 converts → 0.5.
     * Before: sessions s1 s3 s2, none dependent → 0; active u1 u2, nobody back → 0; DAU 1, 2, 1
     * → 4/7; eligible u1 u2, no conversion → 0.
     * Closed beta now: u9's s9 → CDR 0, resurrection 0/1, avgDau 1/7, paid 0/1; before: nothing.
     */
    expect(body).toEqual({
      version: 1,
      kind: 'WEEKLY_DIGEST',
      rule: { id: created.row.id, name: 'weekly' },
      window: { from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', days: 7 },
      previousWindow: { from: '2026-11-09T00:00:00.000Z', to: '2026-11-16T00:00:00.000Z', days: 7 },
      betas: [
        {
          phase: 'CLOSED_BETA',
          kpis: [
            { metric: 'cdr.rate', value: 0, previousValue: null, change: null },
            { metric: 'resurrection.rate', value: 0, previousValue: null, change: null },
            { metric: 'dauWau.avgDau', value: 1 / 7, previousValue: 0, change: 1 / 7 },
            { metric: 'paidConversion.rate', value: 0, previousValue: null, change: null },
          ],
        },
        {
          phase: 'OPEN_BETA',
          kpis: [
            { metric: 'cdr.rate', value: 0.5, previousValue: 0, change: 0.5 },
            { metric: 'resurrection.rate', value: 0.5, previousValue: 0, change: 0.5 },
            { metric: 'dauWau.avgDau', value: 2 / 7, previousValue: 4 / 7, change: 2 / 7 - 4 / 7 },
            { metric: 'paidConversion.rate', value: 0.5, previousValue: 0, change: 0.5 },
          ],
        },
      ],
      topErrorGroups: [
        {
          stackHash: 'h1',
          errorType: 'TypeError',
          sampleMessage: 'boom h1',
          count: 6,
          usersAffected: 1,
          worstSeverity: 'CRITICAL',
          lastSeen: '2026-11-20T01:00:00.000Z',
        },
        {
          stackHash: 'h2',
          errorType: 'RangeError',
          sampleMessage: 'boom h2',
          count: 1,
          usersAffected: 1,
          worstSeverity: 'ERROR',
          lastSeen: '2026-11-19T11:00:00.000Z',
        },
      ],
      // search: 10 20 30 40 50 100 → p50 at rank 2.5 = 35, p95 at rank 4.75 = 50 + 0.75 × 50
      slowestOperations: [
        { operationName: 'other', count: 1, p50Ms: 1000, p95Ms: 1000, successRate: 1 },
        { operationName: 'search', count: 6, p50Ms: 35, p95Ms: 87.5, successRate: 5 / 6 },
      ],
      dashboardUrl: 'http://dash.test/open-beta?days=7&asOf=2026-11-22',
      evaluatedAt: '2026-11-23T08:00:00.000Z',
    });
    const slack = JSON.parse(receiver.at('/digest-slack')[0]?.body ?? '{}').text;
    expect(slack.split('\n')).toEqual([
      ':bar_chart: Weekly digest (weekly): 2026-11-16 – 2026-11-23 (7 days, end exclusive) against the 7 days before',
      'CLOSED_BETA: cdr.rate 0 (n/a) · resurrection.rate 0 (n/a) · dauWau.avgDau 0.1429 (+0.1429) · paidConversion.rate 0 (n/a)',
      'OPEN_BETA: cdr.rate 0.5 (+0.5) · resurrection.rate 0.5 (+0.5) · dauWau.avgDau 0.2857 (-0.2857) · paidConversion.rate 0.5 (+0.5)',
      'top error groups: TypeError (h1) ×6, RangeError (h2) ×1',
      'slowest operations (p95): other 1000 ms, search 87.5 ms',
      'http://dash.test/open-beta?days=7&asOf=2026-11-22',
    ]);
    const [rule] = await app.sql('select next_check_at, state from alert_rules where id = ?', [
      created.row.id,
    ]);
    expect([new Date(rule.next_check_at).toISOString(), rule.state]).toEqual([
      '2026-11-30T08:00:00.000Z',
      'ok',
    ]);
  });

  it('goes ERRORED when it cannot be read, and queues nothing', async () => {
    const created = await alertService.create(
      app.orm.em.fork(),
      ruleInput({
        name: 'weekly, unreadable',
        kind: 'weekly_digest',
        destinations: [
          {
            id: null,
            url: `${receiver.base}/digest-errored`,
            format: 'json',
            secret: 'sixteen-characters!',
          },
        ],
      }),
      settings,
      new Date('2026-11-29T12:00:00.000Z'), // a Sunday
    );
    expect(created.row.next_check_at.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    const outbox = async () =>
      (await app.sql('select count(*)::int as n from alert_deliveries'))[0].n;
    const queuedBefore = await outbox();
    // the scheduler's reads under a 1.5 s statement timeout, as a request's are (QUERY_TIMEOUT_MS)
    const scheduler = startAlertScheduler({
      newEm: () => withQueryTimeout(app.orm.em.fork(), 1500),
      settings,
      clock: { now: () => new Date('2026-11-30T08:00:00.000Z') },
      intervalMs: null,
    });
    // a migration or a vacuum full holds the traces table: the digest's slowest operations wait
    // for its lock until the statement timeout cancels the read
    const held = await app.orm.em.getConnection().getKnex().transaction();
    try {
      await held.raw('lock table telemetry_traces in access exclusive mode');
      await scheduler.tick();
    } finally {
      await held.rollback();
      await scheduler.stop();
    }
    const shown = await app.gql(
      'query ($id: ID!) { alertRule(id: $id) { state nextCheckAt evaluations { state value message } deliveries { id } } }',
      { id: created.row.id },
    );
    expect(shown.data?.alertRule).toEqual({
      state: 'ERRORED',
      // the run is spent: the next one is the following Monday
      nextCheckAt: '2026-12-07T08:00:00.000Z',
      evaluations: [
        {
          state: 'ERRORED',
          value: null,
          // the statement timeout cancels the read waiting for the lock — or, on a loaded Citus
          // coordinator, the 1.5 s budget runs out while the read still waits for a connection
          // (docs/api.md#limits: the budget counts both)
          message: expect.stringMatching(
            /canceling statement due to statement timeout|the read waited for a connection past QUERY_TIMEOUT_MS/,
          ),
        },
      ],
      deliveries: [],
    });
    // nothing went into the outbox (the earlier digest, due since 11-30 too, could not read
    // either), and the receiver got nothing
    expect(await outbox()).toBe(queuedBefore);
    expect(receiver.at('/digest-errored')).toHaveLength(0);
  });
});
