import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const RECORD = `mutation ($e: EventInput!) { recordEvent(event: $e) { accepted } }`;
const e = {
  eventName: 'SESSION_STARTED',
  timestamp: '2026-11-20T10:00:00Z',
  userIdHash: 'u_access',
  channel: 'WEB',
};
const FAILED = '{ failedItems { nodes { id } } }';

describe('tokens (docs/api.md#access)', () => {
  it('401 UNAUTHENTICATED without a token, naming the header', async () => {
    const res = await app.gql(RECORD, { e }, null);
    expect(res.status).toBe(401);
    expect(res.errors).toEqual([
      {
        message: 'Authorization: a bearer token is required (Authorization: Bearer <token>)',
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
  });

  it('401 UNAUTHENTICATED with a wrong token, and nothing is stored', async () => {
    const res = await app.gql(RECORD, { e }, 'not-a-token');
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.message).toBe('Authorization: the bearer token is not valid');
    const [{ n }] = await app.sql('select count(*)::int as n from telemetry_events');
    expect(n).toBe(0);
  });

  it('an ingest token may record', async () => {
    const res = await app.gql(RECORD, { e }, INGEST_TOKEN);
    expect(res.status).toBe(200);
    expect(res.data?.recordEvent.accepted).toBe(1);
  });

  it('an ingest token may not query: 403 FORBIDDEN', async () => {
    const res = await app.gql(FAILED, {}, INGEST_TOKEN);
    expect(res.status).toBe(403);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors?.[0]?.message).toBe(
      'an ingest token may only call the record* mutations; use an admin token',
    );
  });

  it('an ingest token may not hide a query field behind a fragment or introspect', async () => {
    const viaFragment = await app.gql(
      `mutation { ...F } fragment F on Mutation { __typename }`,
      {},
      INGEST_TOKEN,
    );
    expect(viaFragment.status).toBe(200); // __typename alone is harmless
    const introspection = await app.gql('{ __schema { types { name } } }', {}, INGEST_TOKEN);
    expect(introspection.status).toBe(403);
    expect(introspection.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an admin token may query, record and introspect', async () => {
    expect((await app.gql(FAILED, {}, ADMIN_TOKEN)).data?.failedItems.nodes).toEqual([]);
    expect(
      (await app.gql(RECORD, { e: { ...e, userIdHash: 'u_admin' } })).data?.recordEvent.accepted,
    ).toBe(1);
    const full = await app.gql(getIntrospectionQuery(), {}, ADMIN_TOKEN);
    expect(full.errors).toBeUndefined();
    expect(full.data?.__schema.mutationType.name).toBe('Mutation');
  });
});

describe('query limits (graphql-armor)', () => {
  const deep = (levels: number) =>
    `{ __schema { types { ${'fields { type { '.repeat(levels)}name${' } }'.repeat(levels)} } } }`;

  it('refuses an over-deep query with a clear message', async () => {
    const res = await app.gql(deep(8), {}, ADMIN_TOKEN);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.message).toMatch(
      /^Syntax Error: Query depth limit of 15 exceeded, found \d+\.$/,
    );
  });

  it('counts depth through an operation or fragment named __schema (known bypass)', async () => {
    const viaFragment = `query __schema { ...__schema } fragment __schema on Query {
      __schema { types { ${'fields { type { '.repeat(8)}name${' } }'.repeat(8)} } } }`;
    const res = await app.gql(viaFragment, {}, ADMIN_TOKEN);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.message).toMatch(/depth limit of 15 exceeded/);
  });

  it('counts __typename aliases too: 16 of them are refused, 15 pass', async () => {
    const typenames = (n: number) =>
      Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ');
    const over = await app.gql(`{ ${typenames(16)} }`, {}, ADMIN_TOKEN);
    expect(over.data).toBeUndefined();
    expect(over.errors?.[0]?.message).toBe('Syntax Error: Aliases limit of 15 exceeded, found 16.');
    const at = await app.gql(`{ ${typenames(15)} }`, {}, ADMIN_TOKEN);
    expect(at.errors).toBeUndefined();
    expect(Object.keys(at.data ?? {})).toHaveLength(15);
  });

  it('counts aliases inside fragments, once per spread', async () => {
    // 8 aliases in the fragment, spread twice = 16 > 15
    const fragment = `fragment F on Query { ${Array.from({ length: 8 }, (_, i) => `f${i}: __typename`).join(' ')} }`;
    const res = await app.gql(`{ ...F x: __schema { __typename } } ${fragment}`, {}, ADMIN_TOKEN);
    // 8 + the alias x = 9: allowed
    expect(res.errors).toBeUndefined();
    const twice = await app.gql(`{ ...F ... on Query { ...F } } ${fragment}`, {}, ADMIN_TOKEN);
    expect(twice.errors?.[0]?.message).toBe(
      'Syntax Error: Aliases limit of 15 exceeded, found 16.',
    );
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from(
      { length: 16 },
      (_, i) => `a${i}: failedItems(first: 1) { pageInfo { hasNextPage } }`,
    ).join(' ');
    const res = await app.gql(`{ ${aliases} }`, {}, ADMIN_TOKEN);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.message).toMatch(/Aliases limit of 15 exceeded, found 16/);
  });

  it('does not suggest field names to clients', async () => {
    const res = await app.gql('{ failedItem { nodes { id } } }', {}, ADMIN_TOKEN);
    expect(res.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

describe('HTTP front', () => {
  it('413 for a body over 2 MiB, before parsing it', async () => {
    const body = JSON.stringify({ query: RECORD, variables: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const res = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'request body: must be at most 2 MiB; send smaller batches',
          extensions: { code: 'PAYLOAD_TOO_LARGE' },
        },
      ],
    });
  });

  it('/health and /ready answer without a token', async () => {
    const health = await fetch(`${app.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
