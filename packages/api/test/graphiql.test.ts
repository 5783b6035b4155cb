import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  startTestApp,
  type TestApp,
  VIEWER_TOKEN,
} from './helpers/app.js';

/**
 * GraphiQL (docs/api.md#graphiql): a plain browser visit gets the page, which holds no data;
 * every request the page sends needs an admin token in its header, introspection included.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const browserVisit = (path = '/graphql') =>
  fetch(`${app.baseUrl}${path}`, { headers: { accept: 'text/html,application/xhtml+xml' } });

const introspect = (token: string | null) => app.gql(getIntrospectionQuery(), {}, token);

describe('GraphiQL', () => {
  it('serves the page to a browser without a token, holding no token and no data', async () => {
    const page = await browserVisit();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html');
    const html = await page.text();
    expect(html).toContain('<title>Cortex Telemetry GraphiQL</title>');
    expect(html).not.toContain(ADMIN_TOKEN);
    expect(html).not.toContain(INGEST_TOKEN);
    // the header editor starts with a placeholder the user replaces, and is never persisted
    expect(html).toContain('Bearer <admin token>');
    expect(html).toContain('"shouldPersistHeaders":false');
  });

  it('the page is the same whatever the visitor sends, and runs nothing from the URL', async () => {
    const withQuery = await browserVisit('/graphql?query=%7BfailedItems%7Bnodes%7Bid%7D%7D%7D');
    expect(withQuery.status).toBe(200);
    expect(await withQuery.text()).not.toContain('"failedItems":');
  });

  it('introspection from the page needs an admin token: 401 without, 403 for ingest', async () => {
    const anonymous = await introspect(null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const ingest = await introspect(INGEST_TOKEN);
    expect(ingest.status).toBe(403);
    expect(ingest.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = await introspect(ADMIN_TOKEN);
    expect(admin.errors).toBeUndefined();
    expect(admin.data?.__schema.queryType.name).toBe('Query');
  });

  it('a viewer token introspects too (the schema is read-only knowledge), and its mutations stay refused', async () => {
    const viewer = await introspect(VIEWER_TOKEN);
    expect(viewer.status).toBe(200);
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data?.__schema.mutationType.name).toBe('Mutation');
    const type = await app.gql('{ __type(name: "Query") { name } }', {}, VIEWER_TOKEN);
    expect(type.data).toEqual({ __type: { name: 'Query' } });
  });

  it('a token in the URL is not a token: only the Authorization header counts', async () => {
    const query = encodeURIComponent('{ __typename }');
    for (const name of ['token', 'access_token', 'authorization']) {
      const res = await fetch(`${app.baseUrl}/graphql?query=${query}&${name}=${ADMIN_TOKEN}`, {
        headers: { accept: 'application/json' },
      });
      expect(res.status).toBe(401);
    }
    const viaHeader = await fetch(`${app.baseUrl}/graphql?query=${query}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
