import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, FRAMEWORK_CODES } from '../src/errors.js';
import { ADMIN_TOKEN, INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/**
 * Issue #17: the contract as a client no one here wrote meets it — a raw GraphQL client (plain
 * `fetch` with variables), Node's own `fetch` for oversized bodies, a scanner's overloaded
 * directives — and the status and code of every refusal as docs/api.md's error table names them.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/** A raw GraphQL request: status and body as any client sees them. */
async function raw(
  body: unknown,
  token: string | null = ADMIN_TOKEN,
  init: { method?: string; rawBody?: string; query?: string } = {},
) {
  const method = init.method ?? 'POST';
  const res = await fetch(`${app.baseUrl}/graphql${init.query ?? ''}`, {
    method,
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: method === 'GET' ? undefined : (init.rawBody ?? JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as any };
}

const event = (i: number) => ({
  eventName: 'CONTEXT_LOADED',
  timestamp: '2026-11-20T10:00:00Z',
  userIdHash: `u_batch_${i}`,
  sessionId: 's_batch',
  channel: 'SERVER',
});

describe('an unknown event name rejects its item only (issue #17)', () => {
  const RECORD_EVENTS = `mutation ($es: [EventInput!]!) {
    recordEvents(events: $es) { accepted duplicates rejected errors { index message } } }`;

  it('recordEvents: 499 accepted, the SESSION_ENDED item rejected with its index and kept', async () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    events[137] = { ...events[137], eventName: 'SESSION_ENDED' } as (typeof events)[number];
    const res = await raw({ query: RECORD_EVENTS, variables: { es: events } }, INGEST_TOKEN);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      data: {
        recordEvents: {
          accepted: 499,
          duplicates: 0,
          rejected: 1,
          errors: [{ index: 137, message: 'eventName: must be one of the 17 catalog events' }],
        },
      },
    });
    const [{ n }] = await app.sql(
      "select count(*)::int as n from telemetry_events where session_id = 's_batch'",
    );
    expect(n).toBe(499);
    const failed = await app.gql(
      '{ failedItems(pipeline: EVENT) { nodes { itemIndex mutation reason payload } } }',
    );
    const node = failed.data?.failedItems.nodes.find(
      (f: { mutation: string }) => f.mutation === 'recordEvents',
    );
    expect(node).toMatchObject({
      itemIndex: 137,
      reason: 'eventName: must be one of the 17 catalog events',
    });
    expect(JSON.parse(node.payload)).toMatchObject({
      eventName: 'SESSION_ENDED',
      userIdHash: 'u_batch_137',
    });
  });

  it('recordEvent (one item): rejected in the result, not a 400', async () => {
    const res = await raw(
      {
        query:
          'mutation ($e: EventInput!) { recordEvent(event: $e) { accepted rejected errors { index message } } }',
        variables: { e: { ...event(0), eventName: 'FEATURE_USAGE', userIdHash: 'u_single' } },
      },
      INGEST_TOKEN,
    );
    expect(res.status).toBe(200);
    expect(res.json.data.recordEvent).toEqual({
      accepted: 0,
      rejected: 1,
      errors: [{ index: 0, message: 'eventName: must be one of the 17 catalog events' }],
    });
  });

  it('recordErrors: an unknown relatedEventName rejects that error only', async () => {
    const error = {
      timestamp: '2026-11-20T10:00:00Z',
      errorType: 'TypeError',
      errorMessage: 'x',
      severity: 'ERROR',
      userIdHash: 'u_err',
      channel: 'SERVER',
    };
    const res = await raw(
      {
        query:
          'mutation ($es: [ErrorInput!]!) { recordErrors(errors: $es) { accepted rejected errors { index message } } }',
        variables: {
          es: [
            { ...error, relatedEventName: 'CONTEXT_LOADED' },
            { ...error, relatedEventName: 'SESSION_ENDED' },
          ],
        },
      },
      INGEST_TOKEN,
    );
    expect(res.status).toBe(200);
    expect(res.json.data.recordErrors).toEqual({
      accepted: 1,
      rejected: 1,
      errors: [{ index: 1, message: 'relatedEventName: must be one of the 17 catalog events' }],
    });
    const [{ name }] = await app.sql(
      "select related_event_name as name from telemetry_errors where user_id_hash = 'u_err'",
    );
    expect(name).toBe('context_loaded');
  });
});

describe('a body over 2 MiB (issue #17)', () => {
  it("Node's fetch sending 3 MiB reads the 413 and its code, not EPIPE", async () => {
    const body = JSON.stringify({
      query: '{ __typename }',
      variables: { pad: 'x'.repeat(3 * 1024 * 1024) },
    });
    const res = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body,
    });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

/**
 * Sends `total` bytes of body over a raw socket as fast as the server takes them: a server that
 * closes before reading the body makes the writer fail with EPIPE/ECONNRESET.
 */
function sendOversized(total: number, chunked: boolean) {
  const { port } = new URL(app.baseUrl);
  return new Promise<{ statusLine: string; writeError: string | null }>((done) => {
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    let writeError: string | null = null;
    socket.on('data', (d) => {
      response += d.toString('latin1');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      writeError = e.code ?? e.message;
    });
    socket.on('close', () => done({ statusLine: response.split('\r\n')[0] ?? '', writeError }));
    const length = chunked ? 'transfer-encoding: chunked' : `content-length: ${total}`;
    socket.write(
      `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: Bearer ${INGEST_TOKEN}\r\n${length}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const framed = chunked
      ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
      : chunk;
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        if (socket.destroyed) return;
        sent += chunk.length;
        if (!socket.write(framed)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (chunked) socket.write('0\r\n\r\n');
      socket.end();
    };
    pump();
  });
}

describe('a body over 2 MiB is read to its end before the 413 (lingering close)', () => {
  it('8 MiB with a Content-Length: the client finishes writing and reads the 413', async () => {
    expect(await sendOversized(8 * 1024 * 1024, false)).toEqual({
      statusLine: 'HTTP/1.1 413 Payload Too Large',
      writeError: null,
    });
  });

  it('8 MiB chunked (no length declared): the same', async () => {
    expect(await sendOversized(8 * 1024 * 1024, true)).toEqual({
      statusLine: 'HTTP/1.1 413 Payload Too Large',
      writeError: null,
    });
  });

  it("Node's fetch sending 8 MiB reads the 413", async () => {
    const res = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: 'x'.repeat(8 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('directive overloading (issue #17)', () => {
  const overloaded = `{ __typename ${'@aa '.repeat(10)}}`;

  for (const [kind, token] of [
    ['ingest', INGEST_TOKEN],
    ['admin', ADMIN_TOKEN],
  ] as const) {
    it(`ten duplicated unknown directives get one error (${kind} token)`, async () => {
      const res = await raw({ query: overloaded }, token);
      expect(res.status).toBe(400);
      expect(res.json.data).toBeUndefined();
      expect(res.json.errors).toHaveLength(1);
      expect(res.json.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    });
  }

  it('a document of many distinct validation errors is cut at a few', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `nope${i}`).join(' ');
    const res = await raw({ query: `{ ${fields} }` });
    expect(res.status).toBe(400);
    expect(res.json.errors.length).toBeLessThanOrEqual(6);
  });
});

describe('query limits answer 400 QUERY_TOO_COMPLEX naming the limit (issue #17)', () => {
  const cases: [string, string, RegExp][] = [
    [
      'aliases',
      `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      /Aliases limit of 15 exceeded, found 16/,
    ],
    [
      'directives in the document',
      `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: __typename @include(if: true)`).join(' ')} }`,
      /Directives limit of 10 exceeded, found 11/,
    ],
    [
      'directives on one field',
      `{ __typename ${'@include(if: true) '.repeat(4)}}`,
      /^Directives limit of 3 on one field exceeded, found 4\.$/,
    ],
    [
      'depth',
      `{ __schema { types { ${'fields { type { '.repeat(8)}name${' } }'.repeat(8)} } } }`,
      /Query depth limit of 15 exceeded/,
    ],
    ['tokens', `{ ${'__typename '.repeat(50_001)}}`, /Token limit of 50000 exceeded/],
    [
      'cost',
      `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: failedItems(first: 500) { nodes { id reason payload mutation itemIndex } }`).join(' ')} }`,
      /Query Cost limit of 20000 exceeded/,
    ],
  ];
  for (const [limit, query, message] of cases) {
    it(limit, async () => {
      const res = await raw({ query });
      expect(res.status).toBe(400);
      expect(res.json.data).toBeUndefined();
      expect(res.json.errors[0].message).toMatch(message);
      expect(res.json.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    });
  }
});

describe('BAD_REQUEST: never echoes the request (issue #17)', () => {
  it('invalid JSON: 400 BAD_REQUEST without the body in the answer', async () => {
    const res = await raw(null, ADMIN_TOKEN, { rawBody: '{"query": "secret-token-xyz' });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(res.text).not.toMatch(/secret-token-xyz/);
    expect(res.text).not.toMatch(/originalError/);
  });

  it('a mutation sent by GET: 405 BAD_REQUEST', async () => {
    const q = encodeURIComponent('mutation { recordLegacyEvents(events: []) { accepted } }');
    const res = await raw(null, INGEST_TOKEN, { method: 'GET', query: `?query=${q}` });
    expect(res.status).toBe(405);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

/** The rows of docs/api.md's error table: each code (a row may list two) with its HTTP column. */
function errorTable(): Map<string, string> {
  const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Error codes'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| code |')));
  const rows = new Map<string, string>();
  for (const line of table.split('\n').slice(2)) {
    const [, codes, http] = line.split('|').map((c) => c.trim());
    for (const code of codes?.matchAll(/`([A-Z_]+)`/g) ?? [])
      rows.set(code[1] as string, http ?? '');
  }
  return rows;
}

describe("docs/api.md's error table is what the server sends (issue #17)", () => {
  it('lists every code of errors.ts and of Yoga, and nothing else', () => {
    expect([...errorTable().keys()].sort()).toEqual(
      [...Object.keys(ERROR_CODES), ...FRAMEWORK_CODES].sort(),
    );
  });

  it("names each errors.ts code's status", () => {
    const table = errorTable();
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(`${code}: ${table.get(code)?.split(/[ ,(]/)[0]}`).toBe(`${code}: ${status ?? 200}`);
    }
  });

  const FAILED = '{ failedItems(after: "garbage") { nodes { id } } }';
  const cases: {
    name: string;
    code: string;
    status: number;
    send: () => ReturnType<typeof raw>;
  }[] = [
    {
      name: 'a garbage cursor on events',
      code: 'BAD_USER_INPUT',
      status: 400,
      send: () => raw({ query: '{ events(after: "garbage") { nodes { id } } }' }),
    },
    {
      name: 'a garbage cursor on failedItems',
      code: 'BAD_USER_INPUT',
      status: 400,
      send: () => raw({ query: FAILED }),
    },
    {
      name: 'a garbage cursor on traces',
      code: 'BAD_USER_INPUT',
      status: 400,
      send: () => raw({ query: '{ traces(after: "garbage") { nodes { id } } }' }),
    },
    {
      name: 'a cursor of the wrong shape on events',
      code: 'BAD_USER_INPUT',
      status: 400,
      send: () =>
        raw({
          query: `{ events(after: "${Buffer.from('["x"]').toString('base64url')}") { nodes { id } } }`,
        }),
    },
    {
      name: 'a variable of the wrong type',
      code: 'BAD_USER_INPUT',
      status: 400,
      send: () =>
        raw(
          {
            query: 'mutation ($e: EventInput!) { recordEvent(event: $e) { accepted } }',
            variables: { e: { ...event(0), timestamp: 'yesterday' } },
          },
          INGEST_TOKEN,
        ),
    },
    {
      name: 'a batch over 1,000 items',
      code: 'BAD_USER_INPUT',
      status: 400,
      send: () =>
        raw(
          {
            query: 'mutation ($es: [JSON!]!) { recordLegacyEvents(events: $es) { accepted } }',
            variables: { es: Array.from({ length: 1001 }, () => ({})) },
          },
          INGEST_TOKEN,
        ),
    },
    {
      name: 'no token',
      code: 'UNAUTHENTICATED',
      status: 401,
      send: () => raw({ query: FAILED }, null),
    },
    {
      name: 'an ingest token reading',
      code: 'FORBIDDEN',
      status: 403,
      send: () => raw({ query: FAILED }, INGEST_TOKEN),
    },
    {
      name: 'a body over 2 MiB',
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      send: () => raw(null, INGEST_TOKEN, { rawBody: 'x'.repeat(3 * 1024 * 1024) }),
    },
    {
      name: 'a query over a limit',
      code: 'QUERY_TOO_COMPLEX',
      status: 400,
      send: () => raw({ query: `{ __typename ${'@include(if: true) '.repeat(6)}}` }),
    },
    {
      name: 'invalid JSON',
      code: 'BAD_REQUEST',
      status: 400,
      send: () => raw(null, ADMIN_TOKEN, { rawBody: '{' }),
    },
    {
      name: 'a mutation sent by GET',
      code: 'BAD_REQUEST',
      status: 405,
      send: () =>
        raw(null, INGEST_TOKEN, {
          method: 'GET',
          query: `?query=${encodeURIComponent('mutation { recordLegacyEvents(events: []) { accepted } }')}`,
        }),
    },
    {
      name: 'a document that does not parse',
      code: 'GRAPHQL_PARSE_FAILED',
      status: 400,
      send: () => raw({ query: '{ failedItems {' }),
    },
    {
      name: 'a document that does not validate',
      code: 'GRAPHQL_VALIDATION_FAILED',
      status: 400,
      send: () => raw({ query: '{ nope }' }),
    },
  ];
  // RATE_LIMITED and QUERY_TIMEOUT: limits.test.ts; SERVICE_UNAVAILABLE: unavailable.test.ts
  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.code}`, async () => {
      const res = await c.send();
      expect({ status: res.status, code: res.json.errors?.[0]?.extensions?.code }).toEqual({
        status: c.status,
        code: c.code,
      });
      const table = errorTable().get(c.code) ?? '';
      expect(table).toContain(String(c.status));
    });
  }
});

describe('first use: what the docs show runs as written (issue #17)', () => {
  it("docs/kpis.md's asOf without seconds (2026-11-25T09:00Z) is accepted, as a literal and a variable", async () => {
    const kpis = readFileSync(new URL('../../../docs/kpis.md', import.meta.url), 'utf8');
    const asOf = kpis.match(/`asOf: ([^`]+)`/)?.[1];
    expect(asOf).toBe('2026-11-25T09:00Z');
    const literal = await raw({
      query: `{ kpis(days: 7, asOf: "${asOf}") { window { from to } } }`,
    });
    const variable = await raw({
      query: 'query ($at: DateTime) { kpis(days: 7, asOf: $at) { window { from to } } }',
      variables: { at: asOf },
    });
    // docs/kpis.md: covers 2026-11-19 00:00 → 2026-11-26 00:00
    const window = { from: '2026-11-19T00:00:00.000Z', to: '2026-11-26T00:00:00.000Z' };
    expect(literal.json).toEqual({ data: { kpis: { window } } });
    expect(variable.json).toEqual({ data: { kpis: { window } } });
  });

  it('a date-time without seconds but with an offset; one without minutes is still refused', async () => {
    const q = 'query ($at: DateTime) { kpis(days: 1, asOf: $at) { window { from } } }';
    const offset = await raw({ query: q, variables: { at: '2026-11-25T23:30+02:00' } });
    expect(offset.json.data.kpis.window.from).toBe('2026-11-25T00:00:00.000Z');
    const hourOnly = await raw({ query: q, variables: { at: '2026-11-25T09Z' } });
    expect(hourOnly.status).toBe(400);
    expect(hourOnly.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
