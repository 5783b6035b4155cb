import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/** Every secret planted below: none of them may reach any table, in any form. */
const SECRETS = [
  'alice',
  'alice@acme.dev',
  'bob',
  'bob@other.org',
  'ya29a0AfH6SMBx3f9qL2',
  'ghp_0123456789abcdefghijABCDEFGHIJ0123',
  'hunter2',
  'eyJhbGciOiJIUzI1NiJ9',
  '10.1.2.3',
];

const pythonTrace = (user: string, mail: string) =>
  [
    'Traceback (most recent call last):',
    `  File "/home/${user}/work/cortex-py/cortex/sync.py", line 88, in push`,
    '    client.push(ctx)',
    `  File "/home/${user}/.venv/lib/python3.11/site-packages/httpx/_client.py", line 1041, in send`,
    `httpx.HTTPStatusError: 403 for ${mail}`,
  ].join('\n');

const nodeStack = (user: string) =>
  [
    'FetchError: request to https://cloud.cortex.dev/ctx?access_token=ya29a0AfH6SMBx3f9qL2 failed',
    `    at sync (/Users/${user}/cortex/dist/sync.js:12:9)`,
    `    at async push (/Users/${user}/cortex/dist/push.js:40:3)`,
  ].join('\n');

let seq = 0;
const id = () => `00000000-0000-4000-b000-${String(++seq).padStart(12, '0')}`;
const common = (user: string) => ({
  timestamp: '2026-11-20T10:00:00.000Z',
  userIdHash: `u_${user.length}${user.slice(-1)}`,
  channel: 'SERVER',
});

const everything = async () =>
  JSON.stringify(
    await Promise.all(
      ['telemetry_events', 'telemetry_errors', 'telemetry_traces', 'telemetry_failed_items'].map(
        (t) => app.sql(`select * from ${t}`),
      ),
    ),
  );

describe('scrubbing at ingest', () => {
  // user ids are hashes: `alice` → u_5e, `bob` → u_3b, so the names appear nowhere else
  it('keeps no secret in any table, groups the same bug across users, and says which rules fired', async () => {
    const errors = `mutation ($e: [ErrorInput!]!) { recordErrors(errors: $e) { accepted rejected } }`;
    const error = (user: string, mail: string) => ({
      errorId: id(),
      errorType: 'httpx.HTTPStatusError',
      errorMessage: `403 for ${mail} from 10.1.2.3`,
      stackTrace: pythonTrace(user, mail),
      severity: 'ERROR',
      ...common(user),
    });
    const nodeError = (user: string) => ({
      errorId: id(),
      errorType: 'FetchError',
      errorMessage: 'request failed',
      stackTrace: nodeStack(user),
      severity: 'WARNING',
      ...common(user),
    });
    const res = await app.gql(
      errors,
      {
        e: [
          error('alice', 'alice@acme.dev'),
          error('bob', 'bob@other.org'),
          nodeError('alice'),
          nodeError('bob'),
        ],
      },
      INGEST_TOKEN,
    );
    expect(res.data?.recordErrors).toEqual({ accepted: 4, rejected: 0 });

    const traces = `mutation ($t: [TraceInput!]!) { recordTraces(traces: $t) { accepted } }`;
    const trace = {
      traceId: id(),
      operationName: 'sync_to_cloud',
      durationMs: 40,
      success: false,
      metadata: {
        env: { HOME: '/home/alice', GITHUB_TOKEN: 'ghp_0123456789abcdefghijABCDEFGHIJ0123' },
        db: { url: 'postgres://cortex:hunter2@db.internal/ctx', password: 'hunter2' },
        auth: ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig'],
        result_count: 0,
      },
      ...common('alice'),
    };
    expect((await app.gql(traces, { t: [trace] }, INGEST_TOKEN)).data).toEqual({
      recordTraces: { accepted: 1 },
    });

    // a rejected item (metadata too deep? no: an e-mail as user id) keeps a scrubbed payload
    const events = `mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted rejected } }`;
    const bad = {
      eventId: id(),
      eventName: 'CONTEXT_LOADED',
      ...common('alice'),
      userIdHash: 'alice@acme.dev',
      metadata: { cwd: '/home/alice/secret-project' },
    };
    expect((await app.gql(events, { e: [bad] }, INGEST_TOKEN)).data?.recordEvents).toEqual({
      accepted: 0,
      rejected: 1,
    });

    const stored = await everything();
    for (const secret of SECRETS) expect(stored).not.toContain(secret);

    const rows = await app.sql(
      'select user_id_hash, error_type, error_message, stack_trace, stack_hash, scrub_rules from telemetry_errors order by error_type, user_id_hash',
    );
    expect(rows.map((r) => [r.user_id_hash, r.error_message, r.scrub_rules])).toEqual([
      ['u_3b', 'request failed', ['home_path', 'secret_param']],
      ['u_5e', 'request failed', ['home_path', 'secret_param']],
      ['u_3b', '403 for [email] from [ip]', ['email', 'home_path', 'ip']],
      ['u_5e', '403 for [email] from [ip]', ['email', 'home_path', 'ip']],
    ]);
    expect(rows[2].stack_trace).toBe(pythonTrace('[user]', '[email]'));
    expect(rows[0].stack_trace).toBe(
      nodeStack('[user]').replace('access_token=ya29a0AfH6SMBx3f9qL2', 'access_token=[secret]'),
    );
    // the same bug from two users (two home directories) is one group
    expect(rows[0].stack_hash).toBe(rows[1].stack_hash);
    expect(rows[2].stack_hash).toBe(rows[3].stack_hash);
    expect(rows[0].stack_hash).not.toBe(rows[2].stack_hash);

    const [storedTrace] = await app.sql('select metadata, scrub_rules from telemetry_traces');
    expect(storedTrace.metadata).toEqual({
      env: { HOME: '/home/[user]', GITHUB_TOKEN: '[secret]' },
      db: { url: 'postgres://[credentials]@db.internal/ctx', password: '[secret]' },
      auth: ['Bearer [token]'],
      result_count: 0,
    });
    // `Bearer <jwt>`: the JWT rule runs first and takes the token, so `bearer` finds nothing left
    expect(storedTrace.scrub_rules).toEqual([
      'home_path',
      'jwt',
      'secret_param',
      'url_credentials',
    ]);

    const [failed] = await app.sql('select payload, scrub_rules from telemetry_failed_items');
    expect(JSON.parse(failed.payload)).toMatchObject({
      timestamp: '2026-11-20T10:00:00.000Z',
      userIdHash: '[email]',
      metadata: { cwd: '/home/[user]/secret-project' },
    });
    expect(failed.scrub_rules).toEqual(['email', 'home_path']);

    // analysts see which rules changed a stored item
    const listed = await app.gql('{ traces(first: 5) { nodes { operationName scrubRules } } }');
    expect(listed.data?.traces.nodes).toEqual([
      {
        operationName: 'sync_to_cloud',
        scrubRules: ['home_path', 'jwt', 'secret_param', 'url_credentials'],
      },
    ]);

    // scrubStats: items per rule, day of receipt and pipeline (each item once per rule)
    const today = new Date().toISOString().slice(0, 10);
    const stats = await app.gql(`{ scrubStats { day rule pipeline items } }`);
    expect(stats.data?.scrubStats).toEqual(
      [
        ['email', 'error', 2],
        ['email', 'failed', 1],
        ['home_path', 'error', 4],
        ['home_path', 'failed', 1],
        ['home_path', 'trace', 1],
        ['ip', 'error', 2],
        ['jwt', 'trace', 1],
        ['secret_param', 'error', 2],
        ['secret_param', 'trace', 1],
        ['url_credentials', 'trace', 1],
      ].map(([rule, pipeline, items]) => ({ day: today, rule, pipeline, items })),
    );
  });

  it('stores what clients send unchanged when SCRUB_RULES is none', async () => {
    const raw = await startTestApp({ SCRUB_RULES: 'none' });
    try {
      const res = await raw.gql(
        `mutation ($e: ErrorInput!) { recordError(error: $e) { accepted } }`,
        {
          e: {
            errorType: 'E',
            errorMessage: 'for alice@acme.dev',
            severity: 'ERROR',
            ...common('alice'),
          },
        },
        INGEST_TOKEN,
      );
      expect(res.data?.recordError).toEqual({ accepted: 1 });
      expect(await raw.sql('select error_message, scrub_rules from telemetry_errors')).toEqual([
        { error_message: 'for alice@acme.dev', scrub_rules: null },
      ]);
    } finally {
      await raw.close();
    }
  });
});
