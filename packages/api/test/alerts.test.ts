import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertScheduler, startAlertScheduler } from '../src/modules/alerts/scheduler.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { startReceiver } from './helpers/receiver.js';
import { ev, record } from './kpi-fixtures.js';

let app: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let scheduler: AlertScheduler;
/** The scheduler's clock: the tests move it and call tick(); nothing waits. */
let now = new Date('2026-11-10T10:00:00.000Z');
const at = async (iso: string) => {
  now = new Date(iso);
  await scheduler.tick();
};

beforeAll(async () => {
  app = await startTestApp({
    ALERT_ALLOW_PRIVATE_URLS: '1',
    ALERT_DASHBOARD_URL: 'http://dash.test',
  });
  receiver = await startReceiver();
  scheduler = startAlertScheduler({
    newEm: () => app.orm.em.fork(),
    settings: { allowPrivateUrls: true, dashboardUrl: 'http://dash.test' },
    clock: { now: () => now },
    intervalMs: null,
  });
});
afterAll(async () => {
  await scheduler?.stop();
  await receiver?.close();
  await app?.close();
});

const CREATE = /* GraphQL */ `
  mutation ($rule: AlertRuleInput!) {
    createAlertRule(rule: $rule) { id state nextCheckAt destinations { id url format secret } }
  }`;
const RULE = /* GraphQL */ `
  query ($id: ID!) {
    alertRule(id: $id) {
      name state lastValue lastCheckedAt nextCheckAt
      evaluations { evaluatedAt state value previousValue message }
      deliveries { id kind status attempts { attemptedAt statusCode error } }
    }
  }`;
const SECRET = 'a-secret-of-sixteen-or-more';

async function createRule(rule: Record<string, unknown>) {
  const res = await app.gql(CREATE, { rule });
  expect(res.errors).toBeUndefined();
  return res.data?.createAlertRule as { id: string; destinations: { id: string }[] };
}

/** docs/alerts.md#signature's verification, as a receiver would write it. */
function verified(rawBody: string, header: unknown, secret: string) {
  const expected = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
  return (
    typeof header === 'string' &&
    header.length === expected.length &&
    timingSafeEqual(Buffer.from(header), Buffer.from(expected))
  );
}
const verify = (body: string, header: unknown) =>
  verified(body, header, SECRET) && !verified(body, header, `${SECRET}x`);

describe('a CDR rule', () => {
  it('fires once when a batch pushes CDR below the threshold, and resolves once', async () => {
    const rule = await createRule({
      name: 'CDR dropped',
      metric: 'cdr.rate',
      phase: 'OPEN_BETA',
      days: 1,
      includeToday: true,
      condition: 'BELOW',
      threshold: 0.5,
      schedule: 'HOURLY',
      destinations: [{ url: `${receiver.base}/cdr`, secret: SECRET }],
    });
    // created at the real time; the scheduler's clock starts before it
    await app.sql('update alert_rules set next_check_at = ? where id = ?', [
      now.toISOString(),
      rule.id,
    ]);

    await record(app, [
      ev('CONTEXT_LOADED', '2026-11-10T09:00:00.000Z', 'u1', { sessionId: 's1' }),
      ev('CONTEXT_LOADED', '2026-11-10T09:00:00.000Z', 'u2', { sessionId: 's2' }),
    ]);
    await at('2026-11-10T10:00:00.000Z'); // 2 of 2 sessions dependent: 1, not below 0.5
    expect(receiver.at('/cdr')).toHaveLength(0);

    // the batch: three sessions without a context → 2 / 5 = 0.4
    await record(app, [
      ev('SESSION_STARTED', '2026-11-10T10:30:00.000Z', 'u3', { sessionId: 's3' }),
      ev('SESSION_STARTED', '2026-11-10T10:30:00.000Z', 'u4', { sessionId: 's4' }),
      ev('SESSION_STARTED', '2026-11-10T10:30:00.000Z', 'u5', { sessionId: 's5' }),
    ]);
    await app.record('recordErrors', [
      {
        timestamp: '2026-11-10T10:31:00.000Z',
        errorType: 'TypeError',
        errorMessage: 'ctx is undefined',
        stackHash: 'hash_ctx',
        severity: 'ERROR',
        userIdHash: 'u3',
        channel: 'SERVER',
      },
    ]);
    await at('2026-11-10T10:30:00.000Z'); // not due before 11:00
    expect(receiver.at('/cdr')).toHaveLength(0);
    await at('2026-11-10T11:00:00.000Z');
    expect(receiver.at('/cdr')).toHaveLength(1);
    const [firing] = receiver.at('/cdr');
    expect(verify(firing?.body ?? '', firing?.headers['x-cortex-signature'])).toBe(true);
    expect(JSON.parse(firing?.body ?? '')).toEqual({
      version: 1,
      kind: 'FIRING',
      rule: { id: rule.id, name: 'CDR dropped' },
      state: 'FIRING',
      metric: 'cdr.rate',
      stackHash: null,
      operation: null,
      value: 0.4,
      previousValue: null, // 11-09 had no session
      threshold: 0.5,
      condition: 'BELOW',
      changeMode: null,
      window: { from: '2026-11-10T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z', days: 1 },
      phase: 'OPEN_BETA',
      channel: null,
      message: '0.4 is below 0.5',
      dashboardUrl: 'http://dash.test/open-beta?days=1&asOf=2026-11-10',
      evaluatedAt: '2026-11-10T11:00:00.000Z',
      explanation: {
        // every session is on the server: it moved from nothing to 0.4
        channels: [
          { channel: 'SERVER', value: 0.4, previousValue: null, change: 0.4 },
          { channel: 'EXTENSION', value: null, previousValue: null, change: 0 },
          { channel: 'WEB', value: null, previousValue: null, change: 0 },
        ],
        errorGroups: [
          { stackHash: 'hash_ctx', errorType: 'TypeError', count: 1, previousCount: 0 },
        ],
      },
      errorGroup: null,
    });

    await at('2026-11-10T12:00:00.000Z'); // still firing: nothing new
    expect(receiver.at('/cdr')).toHaveLength(1);

    // two of the three resume a context → 4 / 5 = 0.8
    await record(app, [
      ev('CONTEXT_RESUMED', '2026-11-10T12:10:00.000Z', 'u3', { sessionId: 's3' }),
      ev('CONTEXT_LOADED', '2026-11-10T12:10:00.000Z', 'u4', { sessionId: 's4' }),
    ]);
    await at('2026-11-10T13:00:00.000Z');
    await at('2026-11-10T14:00:00.000Z');
    const posts = receiver.at('/cdr');
    expect(posts).toHaveLength(2);
    const resolved = JSON.parse(posts[1]?.body ?? '');
    expect([resolved.kind, resolved.state, resolved.value, resolved.message]).toEqual([
      'RESOLVED',
      'OK',
      0.8,
      '0.8 is not below 0.5',
    ]);
    expect(verify(posts[1]?.body ?? '', posts[1]?.headers['x-cortex-signature'])).toBe(true);
    expect(posts[0]?.headers['x-cortex-delivery']).not.toBe(posts[1]?.headers['x-cortex-delivery']);

    const shown = (await app.gql(RULE, { id: rule.id })).data?.alertRule;
    expect({ ...shown, evaluations: undefined, deliveries: undefined }).toEqual({
      name: 'CDR dropped',
      state: 'OK',
      lastValue: 0.8,
      lastCheckedAt: '2026-11-10T14:00:00.000Z',
      nextCheckAt: '2026-11-10T15:00:00.000Z',
      evaluations: undefined,
      deliveries: undefined,
    });
    expect(
      shown.evaluations.map((e: { evaluatedAt: string; state: string; value: number }) => [
        e.evaluatedAt.slice(11, 16),
        e.state,
        e.value,
      ]),
    ).toEqual([
      ['14:00', 'OK', 0.8],
      ['13:00', 'OK', 0.8],
      ['12:00', 'FIRING', 0.4],
      ['11:00', 'FIRING', 0.4],
      ['10:00', 'OK', 1],
    ]);
    expect(
      shown.deliveries.map((d: { kind: string; status: string; attempts: unknown[] }) => [
        d.kind,
        d.status,
        d.attempts.length,
      ]),
    ).toEqual([
      ['RESOLVED', 'DELIVERED', 1],
      ['FIRING', 'DELIVERED', 1],
    ]);
  });
});

describe('delivery', () => {
  it('retries a 500 with the same delivery id, then stops at the 200', async () => {
    const rule = await createRule({
      name: 'never fires',
      metric: 'cdr.rate',
      condition: 'ABOVE',
      threshold: 2,
      destinations: [{ url: `${receiver.base}/retry`, secret: SECRET, format: 'SLACK' }],
    });
    receiver.answer('/retry', { status: 500 });
    const sent = await app.gql(
      'mutation ($id: ID!) { sendTestNotification(id: $id) { id kind status } }',
      { id: rule.id },
    );
    expect(sent.errors).toBeUndefined();
    const [delivery] = sent.data?.sendTestNotification ?? [];
    expect({ ...delivery, id: undefined }).toEqual({
      id: undefined,
      kind: 'TEST',
      status: 'PENDING',
    });

    const start = Date.now() + 1000; // queued at the real time: the clock goes on from there
    await at(new Date(start).toISOString());
    expect(receiver.at('/retry')).toHaveLength(1);
    await at(new Date(start + 29_000).toISOString()); // the first retry waits 30 s
    expect(receiver.at('/retry')).toHaveLength(1);
    await at(new Date(start + 30_000).toISOString());
    await at(new Date(start + 3_600_000).toISOString());
    const posts = receiver.at('/retry');
    expect(posts.map((p) => p.headers['x-cortex-delivery'])).toEqual([delivery.id, delivery.id]);
    expect(posts[0]?.body).toBe(posts[1]?.body);
    expect(verify(posts[1]?.body ?? '', posts[1]?.headers['x-cortex-signature'])).toBe(true);
    expect(Object.keys(JSON.parse(posts[0]?.body ?? ''))).toEqual(['text']);

    const shown = (await app.gql(RULE, { id: rule.id })).data?.alertRule;
    expect(shown.deliveries).toEqual([
      {
        id: delivery.id,
        kind: 'TEST',
        status: 'DELIVERED',
        attempts: [
          { attemptedAt: new Date(start).toISOString(), statusCode: 500, error: null },
          { attemptedAt: new Date(start + 30_000).toISOString(), statusCode: 200, error: null },
        ],
      },
    ]);
  });

  it('honours Retry-After on a 429', async () => {
    const rule = await createRule({
      name: 'rate limited',
      metric: 'cdr.rate',
      condition: 'ABOVE',
      threshold: 2,
      destinations: [{ url: `${receiver.base}/busy`, secret: SECRET }],
    });
    receiver.answer('/busy', { status: 429, headers: { 'retry-after': '120' } });
    await app.gql('mutation ($id: ID!) { sendTestNotification(id: $id) { id } }', { id: rule.id });
    const start = Date.now() + 1000;
    await at(new Date(start).toISOString());
    await at(new Date(start + 119_000).toISOString()); // backoff alone would retry at 30 s
    expect(receiver.at('/busy')).toHaveLength(1);
    await at(new Date(start + 120_000).toISOString());
    expect(receiver.at('/busy')).toHaveLength(2);
  });
});

describe('validation', () => {
  it('names the field and the rule', async () => {
    const bad = async (rule: Record<string, unknown>) => {
      const res = await app.gql(CREATE, { rule });
      return [
        res.errors?.[0]?.extensions?.code,
        res.errors?.[0]?.extensions?.field,
        res.errors?.[0]?.message,
      ];
    };
    const url = `${receiver.base}/x`;
    expect(
      await bad({
        name: 'x',
        metric: 'cdr.speed',
        condition: 'BELOW',
        threshold: 1,
        destinations: [{ url }],
      }),
    ).toEqual([
      'BAD_USER_INPUT',
      'metric',
      expect.stringMatching(/^metric: must be one of cdr\.rate, .* \(got "cdr\.speed"\)$/),
    ]);
    expect(
      await bad({ name: 'x', metric: 'cdr.rate', threshold: 1, destinations: [{ url }] }),
    ).toEqual(['BAD_USER_INPUT', 'condition', 'condition: is required for a METRIC rule']);
    expect(
      await bad({
        name: 'x',
        metric: 'cdr.rate',
        condition: 'BELOW',
        threshold: 1,
        destinations: [{ url: 'file:///etc/passwd' }],
      }),
    ).toEqual([
      'BAD_USER_INPUT',
      'destinations.0.url',
      'destinations.0.url: must use http or https (got file)',
    ]);
    expect(
      await bad({
        name: 'x',
        metric: 'cdr.rate',
        condition: 'BELOW',
        threshold: 1,
        destinations: [],
      }),
    ).toEqual(['BAD_USER_INPUT', 'destinations', 'destinations: must be between 1 and 10 (got 0)']);
  });

  it('refuses a private URL without ALERT_ALLOW_PRIVATE_URLS', async () => {
    const strict = await startTestApp();
    try {
      const res = await strict.gql(CREATE, {
        rule: {
          name: 'x',
          metric: 'cdr.rate',
          condition: 'BELOW',
          threshold: 1,
          destinations: [{ url: `${receiver.base}/x` }],
        },
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toBe(
        'destinations.0.url: 127.0.0.1 resolves to a loopback, link-local or private address (127.0.0.1); set ALERT_ALLOW_PRIVATE_URLS=1 to allow it',
      );
      expect(await strict.sql('select count(*)::int as n from alert_rules')).toEqual([{ n: 0 }]);
    } finally {
      await strict.close();
    }
  });
});

describe('rule management', () => {
  it('checks now, updates keeping a destination and its secret, and deletes', async () => {
    const rule = await createRule({
      name: 'sessions',
      metric: 'cdr.sessions',
      condition: 'ABOVE',
      threshold: 5,
      days: 1,
      destinations: [{ url: `${receiver.base}/manage`, secret: SECRET }],
    });
    const destination = rule.destinations[0]?.id;
    // yesterday (real clock) has no session: 0, not above 5, nothing sent
    const checked = await app.gql(
      'mutation ($id: ID!) { checkAlertRule(id: $id) { state value previousValue message notified window { days } } }',
      { id: rule.id },
    );
    expect(checked.data?.checkAlertRule).toEqual({
      state: 'OK',
      value: 0,
      previousValue: 0,
      message: '0 is not above 5',
      notified: false,
      window: { days: 1 },
    });

    const updated = await app.gql(
      `mutation ($id: ID!, $rule: AlertRuleInput!) {
        updateAlertRule(id: $id, rule: $rule) { name threshold state destinations { id url format secret } }
      }`,
      {
        id: rule.id,
        rule: {
          name: 'sessions (renamed)',
          metric: 'cdr.sessions',
          condition: 'ABOVE',
          threshold: 6,
          days: 1,
          destinations: [
            { id: destination, url: `${receiver.base}/manage` },
            { url: `${receiver.base}/manage2`, format: 'SLACK', secret: 'another-secret-16+' },
          ],
        },
      },
    );
    expect(updated.data?.updateAlertRule).toEqual({
      name: 'sessions (renamed)',
      threshold: 6,
      state: 'OK',
      destinations: [
        { id: destination, url: `${receiver.base}/manage`, format: 'JSON', secret: SECRET },
        {
          id: expect.any(String),
          url: `${receiver.base}/manage2`,
          format: 'SLACK',
          secret: 'another-secret-16+',
        },
      ],
    });

    const del = 'mutation ($id: ID!) { deleteAlertRule(id: $id) }';
    expect((await app.gql(del, { id: rule.id })).data).toEqual({ deleteAlertRule: true });
    expect((await app.gql(del, { id: rule.id })).data).toEqual({ deleteAlertRule: false });
    expect((await app.gql(RULE, { id: rule.id })).data).toEqual({ alertRule: null });
    expect(
      await app.sql('select count(*)::int as n from alert_destinations where rule_id = ?', [
        rule.id,
      ]),
    ).toEqual([{ n: 0 }]);
  });
});
