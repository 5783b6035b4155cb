import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  startTestApp,
  type TestApp,
  VIEWER_TOKEN,
} from './helpers/app.js';
import { ev, query, record } from './kpi-fixtures.js';

/** The v1 REST paths (docs/api.md#v1-rest-paths) against the GraphQL fields they stand for. */
let app: TestApp;
let limited: TestApp;
let slow: TestApp;
let oneSlot: TestApp;
beforeAll(async () => {
  [app, limited, slow, oneSlot] = await Promise.all([
    startTestApp(),
    // two requests per client address, then nothing refills while the test runs
    startTestApp({ RATE_LIMIT_ADDRESS_PER_SECOND: '0.001', RATE_LIMIT_ADDRESS_BURST: '2' }),
    startTestApp({ QUERY_TIMEOUT_MS: '1500' }),
    startTestApp({ ADMIN_CONCURRENCY: '1', ADMIN_QUEUE: '1' }),
  ]);
  await record(app, [
    // u1: active on 11-01, then idle 11-02…11-08 (7 days): resurrected on 11-09, via context
    ev('SESSION_STARTED', '2026-11-01T10:00:00Z', 'u1', { sessionId: 's0' }),
    ev('SESSION_STARTED', '2026-11-09T10:00:00Z', 'u1', { sessionId: 's1' }),
    ev('SESSION_RESUMED_FROM_CONTEXT', '2026-11-09T10:01:00Z', 'u1', { sessionId: 's1' }),
    ev('CONTEXT_LOADED', '2026-11-09T10:05:00Z', 'u1', { sessionId: 's1' }),
    ev('SESSION_STARTED', '2026-11-10T12:00:00Z', 'u1', { sessionId: 's3' }),
    ev('PAID_SUBSCRIPTION_STARTED', '2026-11-10T12:30:00Z', 'u1', { sessionId: 's3' }),
    // u2: first seen on 11-10, on the web
    ev('SESSION_STARTED', '2026-11-10T09:00:00Z', 'u2', { sessionId: 's2', channel: 'WEB' }),
  ]);
});
afterAll(async () => {
  await Promise.all([app, limited, slow, oneSlot].map((a) => a?.close()));
});

async function rest(
  target: TestApp,
  path: string,
  init: { token?: string | null; method?: string } = {},
) {
  const token = init.token === undefined ? ADMIN_TOKEN : init.token;
  const response = await fetch(`${target.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    headers: response.headers,
    text,
    body: text.startsWith('{') ? JSON.parse(text) : null,
  };
}

/** Written out by hand, not generated like the REST paths' selection: every field. */
const SELECTION = {
  cdr: 'window { from to days } rate sessions dependentSessions series { day rate sessions dependentSessions }',
  resurrection:
    'window { from to days } inactiveDays rate resurrectedUsers activeUsers viaContextUsers series { day resurrectedUsers activeUsers }',
  dauWau: 'window { from to days } dau avgDau wau mau stickiness series { day dau wau mau }',
  paidConversion:
    'window { from to days } rate conversions eligibleUsers cancellations paidUsersAtEnd series { day conversions cancellations }',
};
const SELECTION_ALL = `window { from to days } cdr { ${SELECTION.cdr} } resurrection { ${SELECTION.resurrection} } dauWau { ${SELECTION.dauWau} } paidConversion { ${SELECTION.paidConversion} }`;

function graphql(field: string, selection: string, variables: Record<string, unknown>) {
  const args = Object.keys(variables);
  const types: Record<string, string> = {
    days: 'Int',
    asOf: 'DateTime',
    phase: 'BetaPhase',
    channel: 'Channel',
    inactiveDays: 'Int',
  };
  const declared = args.map((a) => `$${a}: ${types[a]}`).join(', ');
  const passed = args.map((a) => `${a}: $${a}`).join(', ');
  const document = args.length
    ? `query (${declared}) { ${field}(${passed}) { ${selection} } }`
    : `{ ${field} { ${selection} } }`;
  return query(app, document, variables);
}

const WINDOW = { from: '2026-11-09T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z', days: 2 };
const ASOF = '2026-11-10T06:00:00Z';

// Window [11-09, 11-11). Sessions u1/s1, u1/s3, u2/s2; u1/s1 loaded a context on 11-09.
const CDR = {
  window: WINDOW,
  rate: 1 / 3,
  sessions: 3,
  dependentSessions: 1,
  series: [
    { day: '2026-11-09', rate: 1, sessions: 1, dependentSessions: 1 },
    { day: '2026-11-10', rate: 0, sessions: 2, dependentSessions: 0 },
  ],
};
// Active: u1 (11-09, 11-10), u2 (11-10). u1 on 11-09: latest earlier day 11-01, 7 idle days ≥ 7.
const RESURRECTION = {
  window: WINDOW,
  inactiveDays: 7,
  rate: 0.5,
  resurrectedUsers: 1,
  activeUsers: 2,
  viaContextUsers: 1,
  series: [
    { day: '2026-11-09', resurrectedUsers: 1, activeUsers: 1 },
    { day: '2026-11-10', resurrectedUsers: 0, activeUsers: 2 },
  ],
};
// 11-09: DAU 1, WAU (11-03…11-09) 1, MAU 1; 11-10: DAU 2, WAU 2, MAU 2; stickiness (1/1 + 2/2) / 2.
const DAU_WAU = {
  window: WINDOW,
  dau: 2,
  avgDau: 1.5,
  wau: 2,
  mau: 2,
  stickiness: 1,
  series: [
    { day: '2026-11-09', dau: 1, wau: 1, mau: 1 },
    { day: '2026-11-10', dau: 2, wau: 2, mau: 2 },
  ],
};
// Eligible: u1 and u2 (active, not paid on 11-09); u1 started paying on 11-10.
const PAID_CONVERSION = {
  window: WINDOW,
  rate: 0.5,
  conversions: 1,
  eligibleUsers: 2,
  cancellations: 0,
  paidUsersAtEnd: 1,
  series: [
    { day: '2026-11-09', conversions: 0, cancellations: 0 },
    { day: '2026-11-10', conversions: 1, cancellations: 0 },
  ],
};

const PATHS = [
  ['/admin/kpi/cdr', 'cdr', SELECTION.cdr, CDR],
  ['/admin/kpi/resurrection', 'resurrection', SELECTION.resurrection, RESURRECTION],
  ['/admin/kpi/dau-wau', 'dauWau', SELECTION.dauWau, DAU_WAU],
  ['/admin/kpi/paid-conversion', 'paidConversion', SELECTION.paidConversion, PAID_CONVERSION],
] as const;

describe('each path answers its GraphQL field', () => {
  it.each(PATHS)('%s equals %s, worked out by hand', async (path, field, selection, expected) => {
    const answer = await rest(app, `${path}?days=2&asOf=${ASOF}`);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('application/json');
    expect(answer.body).toEqual(expected);
    expect(answer.body).toEqual(await graphql(field, selection, { days: 2, asOf: ASOF }));
  });

  it('/admin/kpi/all has all four over one window, as kpis does', async () => {
    const answer = await rest(app, `/admin/kpi/all?days=2&asOf=${ASOF}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      window: WINDOW,
      cdr: CDR,
      resurrection: RESURRECTION,
      dauWau: DAU_WAU,
      paidConversion: PAID_CONVERSION,
    });
    expect(answer.body).toEqual(await graphql('kpis', SELECTION_ALL, { days: 2, asOf: ASOF }));
  });

  it('takes the GraphQL defaults: days 7 (30 for resurrection and paid conversion), asOf now', async () => {
    for (const [path, field, selection] of PATHS) {
      const answer = await rest(app, path);
      expect(answer.status).toBe(200);
      expect(answer.body.window.days).toBe(field === 'cdr' || field === 'dauWau' ? 7 : 30);
      expect(answer.body).toEqual(await graphql(field, selection, {}));
    }
  });

  it('filters by phase and channel, in wire values or GraphQL enum names', async () => {
    // Only u2's web session: 1 session, none dependent.
    const web = await rest(app, `/admin/kpi/cdr?days=2&asOf=${ASOF}&channel=web`);
    expect(web.body).toMatchObject({ rate: 0, sessions: 1, dependentSessions: 0 });
    expect(web.body).toEqual(
      await graphql('cdr', SELECTION.cdr, { days: 2, asOf: ASOF, channel: 'WEB' }),
    );
    const upper = await rest(app, `/admin/kpi/cdr?days=2&asOf=${ASOF}&channel=WEB`);
    expect(upper.body).toEqual(web.body);
    // Every fixture is in the open beta (after OPEN_BETA_STARTS_AT): the closed beta is empty.
    const closed = await rest(app, `/admin/kpi/dau-wau?days=2&asOf=${ASOF}&phase=closed_beta`);
    expect(closed.body).toMatchObject({ dau: 0, avgDau: 0, wau: 0, mau: 0, stickiness: null });
    const open = await rest(app, `/admin/kpi/dau-wau?days=2&asOf=${ASOF}&phase=open_beta`);
    expect(open.body).toEqual(DAU_WAU);
  });

  it('a viewer token reads every path, as it reads the KPI fields; an ingest token is 403', async () => {
    for (const [path, , , expected] of PATHS) {
      const asViewer = await rest(app, `${path}?days=2&asOf=${ASOF}`, { token: VIEWER_TOKEN });
      expect({ path, status: asViewer.status, body: asViewer.body }).toEqual({
        path,
        status: 200,
        body: expected,
      });
      const asIngest = await rest(app, `${path}?days=2&asOf=${ASOF}`, { token: INGEST_TOKEN });
      expect({
        path,
        status: asIngest.status,
        code: asIngest.body.errors[0].extensions.code,
      }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
    }
    const all = await rest(app, `/admin/kpi/all?days=2&asOf=${ASOF}`, { token: VIEWER_TOKEN });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      window: WINDOW,
      cdr: CDR,
      resurrection: RESURRECTION,
      dauWau: DAU_WAU,
      paidConversion: PAID_CONVERSION,
    });
    const allIngest = await rest(app, `/admin/kpi/all?days=2&asOf=${ASOF}`, {
      token: INGEST_TOKEN,
    });
    expect(allIngest.status).toBe(403);
  });

  it('resurrection takes inactiveDays like the GraphQL field', async () => {
    // k = 8: u1's 7 idle days are not enough.
    const answer = await rest(app, `/admin/kpi/resurrection?days=2&asOf=${ASOF}&inactiveDays=8`);
    expect(answer.body).toMatchObject({ inactiveDays: 8, resurrectedUsers: 0, rate: 0 });
    expect(answer.body).toEqual(
      await graphql('resurrection', SELECTION.resurrection, {
        days: 2,
        asOf: ASOF,
        inactiveDays: 8,
      }),
    );
  });
});

describe('refusals are JSON with the API error shape', () => {
  const badInput = (message: string, field?: string) => ({
    errors: [{ message, extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } }],
  });

  it('a days out of range: 400 with the GraphQL field message', async () => {
    for (const days of [0, 367, -1]) {
      const answer = await rest(app, `/admin/kpi/cdr?days=${days}`);
      expect(answer.status).toBe(400);
      expect(answer.type).toBe('application/json');
      const message = `days: must be between 1 and 366 (got ${days})`;
      expect(answer.body).toEqual(badInput(message, 'days'));
      const viaGraphql = await app.gql('query ($d: Int) { cdr(days: $d) { rate } }', { d: days });
      expect(viaGraphql.errors?.[0]?.message).toBe(message);
    }
    const all = await rest(app, '/admin/kpi/all?days=400');
    expect(all.status).toBe(400);
    expect(all.body).toEqual(badInput('days: must be between 1 and 366 (got 400)', 'days'));
  });

  it('a days that is not a whole number: 400 naming days', async () => {
    for (const [days, shown] of [
      ['abc', '"abc"'],
      ['1.5', '"1.5"'],
      ['', '""'],
    ]) {
      const answer = await rest(app, `/admin/kpi/dau-wau?days=${days}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(
        badInput(
          `Variable "$days" got invalid value ${shown}; Int cannot represent non-integer value: ${shown}`,
        ),
      );
    }
  });

  it('a bad phase, channel or asOf: 400 naming it', async () => {
    const phase = await rest(app, '/admin/kpi/cdr?phase=beta');
    expect(phase.status).toBe(400);
    expect(phase.body).toEqual(
      badInput(
        'Variable "$phase" got invalid value "beta"; Value "beta" does not exist in "BetaPhase" enum.',
      ),
    );
    const channel = await rest(app, '/admin/kpi/cdr?channel=mcp');
    expect(channel.status).toBe(400);
    expect(channel.body.errors[0].message).toMatch(/^Variable "\$channel" got invalid value "mcp"/);
    const asOf = await rest(app, '/admin/kpi/cdr?asOf=yesterday');
    expect(asOf.status).toBe(400);
    expect(asOf.body.errors[0].message).toMatch(/^Variable "\$asOf" got invalid value "yesterday"/);
    expect(asOf.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('an unknown or repeated parameter: 400 naming it', async () => {
    const unknown = await rest(app, '/admin/kpi/cdr?day=7');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(
      badInput('day: not a parameter of /admin/kpi/cdr (it takes asOf, channel, days, phase)'),
    );
    // inactiveDays is resurrection's alone, as in GraphQL
    const elsewhere = await rest(app, '/admin/kpi/all?inactiveDays=3');
    expect(elsewhere.body).toEqual(
      badInput(
        'inactiveDays: not a parameter of /admin/kpi/all (it takes asOf, channel, days, phase)',
      ),
    );
    const twice = await rest(app, '/admin/kpi/cdr?days=7&days=8');
    expect(twice.status).toBe(400);
    expect(twice.body).toEqual(badInput('days: must be given once (got 2 values)'));
  });

  it('no token or an unknown one: 401, before the parameters are looked at', async () => {
    const missing = {
      errors: [
        {
          message: 'Authorization: a bearer token is required (Authorization: Bearer <token>)',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    };
    for (const path of ['/admin/kpi/cdr?days=7', '/admin/kpi/all?days=0']) {
      const answer = await rest(app, path, { token: null });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(answer.body).toEqual(missing);
    }
    const wrong = await rest(app, '/admin/kpi/cdr', { token: 'not-a-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors[0]).toEqual({
      message: 'Authorization: the bearer token is not valid',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('an ingest token: 403, as for the GraphQL fields', async () => {
    const answer = await rest(app, '/admin/kpi/cdr?days=0', { token: INGEST_TOKEN });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      errors: [
        {
          message: 'an ingest token may only call the record* mutations; use an admin token',
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
  });

  it('an unknown path under /admin/ or /v1/: 404 JSON, never the dashboard', async () => {
    for (const path of ['/admin/x', '/admin', '/admin/kpi/retention', '/v1/x', '/v1/']) {
      for (const method of ['GET', 'POST']) {
        const answer = await rest(app, path, { method });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.type).toBe('application/json');
        expect(answer.body).toEqual({
          errors: [
            {
              message: `${path}: no such path (docs/api.md#endpoint)`,
              extensions: { code: 'NOT_FOUND' },
            },
          ],
        });
      }
    }
    // the dashboard's own pages are still the dashboard
    const page = await rest(app, '/administration', { token: null });
    expect(page.text).not.toContain('NOT_FOUND');
  });

  it('another method on a known path: 405 JSON with Allow', async () => {
    for (const method of ['POST', 'DELETE']) {
      const answer = await rest(app, '/admin/kpi/cdr?days=7', { method });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET');
      expect(answer.body).toEqual({
        errors: [
          {
            message: `/admin/kpi/cdr: only GET (got ${method})`,
            extensions: { code: 'METHOD_NOT_ALLOWED' },
          },
        ],
      });
    }
  });
});

it('the rate limit per client address counts REST requests as it counts GraphQL ones', async () => {
  const first = await rest(limited, '/admin/kpi/cdr?days=1');
  expect(first.status).toBe(200);
  const second = await limited.gql('{ cdr(days: 1) { rate } }');
  expect(second.status).toBe(200);
  const third = await rest(limited, '/admin/kpi/cdr?days=1');
  expect(third.status).toBe(429);
  expect(third.body.errors[0].extensions).toEqual({ code: 'RATE_LIMITED' });
  expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(900);
});

it('the curl example of docs/api.md#v1-rest-paths answers what the document shows', async () => {
  const doc = await readFile(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  const section = doc.split('## v1 REST paths')[1]?.split('\n## ')[0] ?? '';
  const command = /```sh\n(curl [^\n]+)\n```/.exec(section)?.[1];
  const shown = /```json\n([^`]+)```/.exec(section)?.[1];
  expect(command).toContain('/admin/kpi/cdr?');
  const { stdout } = await promisify(execFile)(
    'sh',
    ['-c', (command ?? '').replace('localhost:4000', app.baseUrl)],
    { env: { ...process.env, ADMIN: ADMIN_TOKEN } },
  );
  expect(JSON.parse(stdout)).toEqual(JSON.parse(shown ?? ''));
  expect(JSON.parse(stdout)).toEqual(CDR);
});

/** Holds every telemetry table so a KPI's statement waits (as in limits.test.ts). */
async function lockAllTables(target: TestApp): Promise<{ release: () => Promise<void> }> {
  const knex = target.orm.em.getConnection().getKnex() as Knex;
  const trx = await knex.transaction();
  const tables: { tablename: string }[] = (
    await trx.raw(
      "select tablename from pg_tables where schemaname = 'public' and tablename like any(array['telemetry_%', 'kpi_%'])",
    )
  ).rows;
  await trx.raw(`lock table ${tables.map((t) => t.tablename).join(', ')} in access exclusive mode`);
  return { release: async () => void (await trx.rollback()) };
}

async function untilWaitingOnLock(target: TestApp): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const [{ n }] = await target.sql(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    if (n > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the KPI never waited on the lock');
}

it('a KPI past QUERY_TIMEOUT_MS: 504 QUERY_TIMEOUT, the GraphQL message', async () => {
  const lock = await lockAllTables(slow);
  try {
    const answer = await rest(slow, '/admin/kpi/dau-wau?days=7&asOf=2026-11-20T00:00:00Z');
    expect(answer.status).toBe(504);
    expect(answer.body).toEqual({
      errors: [
        {
          message:
            'the query ran longer than 1500 ms and was cancelled (QUERY_TIMEOUT_MS); narrow its window or filters, or ask for fewer fields at once',
          extensions: { code: 'QUERY_TIMEOUT' },
        },
      ],
    });
  } finally {
    await lock.release();
  }
});

it('a REST request takes an admin slot as a GraphQL one does: beyond slot and queue, 429', async () => {
  const lock = await lockAllTables(oneSlot);
  const first = rest(oneSlot, '/admin/kpi/cdr?days=1&asOf=2026-11-20T00:00:00Z');
  await untilWaitingOnLock(oneSlot);
  const second = oneSlot.gql('{ cdr(days: 1, asOf: "2026-11-20T00:00:00Z") { sessions } }');
  await new Promise((r) => setTimeout(r, 1500)); // the second reaches the queue, even under load
  const third = await rest(oneSlot, '/admin/kpi/cdr?days=1');
  expect(third.status).toBe(429);
  expect(third.headers.get('retry-after')).toBe('1');
  expect(third.body).toEqual({
    errors: [
      {
        message:
          'rate limit: 1 admin requests run at once and 1 more may wait; retry after 1 s (Retry-After)',
        extensions: { code: 'RATE_LIMITED' },
      },
    ],
  });
  await lock.release();
  expect((await first).body).toMatchObject({ sessions: 0, rate: null });
  expect((await second).data).toEqual({ cdr: { sessions: 0 } });
});
