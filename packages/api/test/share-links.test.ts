import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, VIEWER_TOKEN } from './helpers/app.js';

/**
 * Share links (docs/api.md#share-links): an admin makes a read-only link to one dashboard page;
 * its token reads that page's fields and nothing else, until it expires or is revoked. Only the
 * token's SHA-256 is stored.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const CREATE = `mutation ($path: String!, $days: Int, $label: String) {
  createShareLink(path: $path, expiresInDays: $days, label: $label) {
    id token url expiresAt link { id path label createdAt expiresAt revokedAt state }
  }
}`;
const DAY_MS = 86_400_000;
const KPIS = `{ kpis(phase: OPEN_BETA, days: 7) { cdr { rate } } }`;

async function create(variables: Record<string, unknown>) {
  const res = await app.gql(CREATE, variables);
  expect(res.errors).toBeUndefined();
  return res.data?.createShareLink;
}

const errorOf = async (query: string, variables: Record<string, unknown>, token?: string) => {
  const res = await app.gql(query, variables, token);
  return {
    status: res.status,
    code: res.errors?.[0]?.extensions?.code,
    message: res.errors?.[0]?.message,
  };
};

describe('share links', () => {
  it('an admin makes one: the token is answered once, only its hash is stored, 7 days by default', async () => {
    const made = await create({ path: '/open-beta?days=30&channel=web', label: '  weekly sync  ' });
    expect(made.token).toMatch(/^ct_share_[A-Za-z0-9_-]{43}$/);
    expect(made.url).toBe(`/s/${made.token}`);
    expect(made.link).toMatchObject({
      id: made.id,
      path: '/open-beta?days=30&channel=web',
      label: 'weekly sync',
      revokedAt: null,
      state: 'ACTIVE',
    });
    expect(made.expiresAt).toBe(made.link.expiresAt);
    expect(Date.parse(made.link.expiresAt) - Date.parse(made.link.createdAt)).toBe(7 * DAY_MS);

    // the table holds the SHA-256 of the token, never the token nor a piece of it
    const rows = await app.sql('select * from share_links where id = ?', [made.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(made.token).digest('hex'));
    const secret = made.token.slice('ct_share_'.length);
    expect(JSON.stringify(rows)).not.toContain(secret);

    // the list shows it, without any token
    const list = await app.gql('{ shareLinks { id path label state } }');
    expect(list.data?.shareLinks).toContainEqual({
      id: made.id,
      path: '/open-beta?days=30&channel=web',
      label: 'weekly sync',
      state: 'ACTIVE',
    });
    expect(JSON.stringify(list)).not.toContain(secret);
  });

  it("the token reads its page's fields and nothing else", async () => {
    const beta = await create({ path: '/open-beta?days=30' });
    const own = await app.gql('{ shareLink { path label state } }', {}, beta.token);
    expect(own).toEqual({
      status: 200,
      data: { shareLink: { path: '/open-beta?days=30', label: null, state: 'ACTIVE' } },
    });
    // every field the beta page reads
    const page = await app.gql(
      `{ kpis(phase: OPEN_BETA, days: 7) { cdr { rate } }
         phaseRange(phase: OPEN_BETA) { firstDay }
         annotations { day } }`,
      {},
      beta.token,
    );
    expect(page.status).toBe(200);
    expect(page.errors).toBeUndefined();

    const refused = {
      status: 403,
      code: 'FORBIDDEN',
      message: 'a share link may only read the dashboard page it was made for',
    };
    // another page's field, an admin field, a field only a viewer may call, a mutation
    expect(
      await errorOf('{ retention(period: WEEK) { cohorts { start } } }', {}, beta.token),
    ).toEqual(refused);
    expect(await errorOf('{ failedItems { nodes { id } } }', {}, beta.token)).toEqual(refused);
    expect(await errorOf('{ shareLinks { id } }', {}, beta.token)).toEqual(refused);
    expect(await errorOf('{ tokenKind }', {}, beta.token)).toEqual(refused);
    expect(await errorOf('{ liveFeed { nodes { __typename } } }', {}, beta.token)).toEqual(refused);
    expect(
      await errorOf(`mutation { createShareLink(path: "/compare") { token } }`, {}, beta.token),
    ).toEqual(refused);
    // nor by riding along in a second operation of the same document
    const ride = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${beta.token}` },
      body: JSON.stringify({
        query: 'query A { shareLink { path } } query B { events { nodes { id } } }',
        operationName: 'A',
      }),
    });
    expect(ride.status).toBe(403);

    // a link to the compare page reads the KPIs, not the beta page's testers
    const compare = await create({ path: '/compare?days=14' });
    expect((await app.gql(KPIS, {}, compare.token)).errors).toBeUndefined();
    expect(
      await errorOf(
        '{ betaTesters(phase: OPEN_BETA) { nodes { userIdHash } } }',
        {},
        compare.token,
      ),
    ).toEqual(refused);
  });

  it('an expired link answers 401 SHARE_LINK_EXPIRED; a revoked one 401 SHARE_LINK_REVOKED', async () => {
    const made = await create({ path: '/errors?days=7' });
    expect((await app.gql('{ shareLink { path } }', {}, made.token)).status).toBe(200);

    await app.sql(`update share_links set expires_at = '2026-11-20T10:00:00Z' where id = ?`, [
      made.id,
    ]);
    expect(await errorOf('{ shareLink { path } }', {}, made.token)).toEqual({
      status: 401,
      code: 'SHARE_LINK_EXPIRED',
      message: 'this share link expired at 2026-11-20T10:00:00.000Z; ask an admin for a new one',
    });
    const listed = await app.gql('{ shareLinks { id state } }');
    expect(listed.data?.shareLinks).toContainEqual({ id: made.id, state: 'EXPIRED' });

    const other = await create({ path: '/traces' });
    const REVOKE = `mutation ($id: ID!) { revokeShareLink(id: $id) { id revokedAt state } }`;
    const revoked = (await app.gql(REVOKE, { id: other.id })).data?.revokeShareLink;
    expect(revoked).toMatchObject({ id: other.id, state: 'REVOKED' });
    const at = revoked.revokedAt as string;
    expect(await errorOf('{ shareLink { path } }', {}, other.token)).toEqual({
      status: 401,
      code: 'SHARE_LINK_REVOKED',
      message: `this share link was revoked at ${at}; ask an admin for a new one`,
    });
    // revoking again keeps the first instant; an unknown id answers null
    expect((await app.gql(REVOKE, { id: other.id })).data?.revokeShareLink.revokedAt).toBe(at);
    expect((await app.gql(REVOKE, { id: '00000000-0000-4000-8000-000000000000' })).data).toEqual({
      revokeShareLink: null,
    });
    // revoked wins over expired
    await app.sql(`update share_links set expires_at = now() - interval '1 day' where id = ?`, [
      other.id,
    ]);
    expect((await errorOf('{ shareLink { path } }', {}, other.token)).code).toBe(
      'SHARE_LINK_REVOKED',
    );
  });

  it('a token the server never made answers 401 UNAUTHENTICATED', async () => {
    expect(await errorOf('{ shareLink { path } }', {}, `ct_share_${'A'.repeat(43)}`)).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'Authorization: the bearer token is not valid',
    });
  });

  it('lasts at most 90 days; refuses pages that are not shareable, naming the field', async () => {
    const longest = await create({ path: '/funnel', days: 90 });
    expect(Date.parse(longest.link.expiresAt) - Date.parse(longest.link.createdAt)).toBe(
      90 * DAY_MS,
    );
    const bad = (message: string) => ({ status: 400, code: 'BAD_USER_INPUT', message });
    for (const days of [91, 0, -3]) {
      expect(await errorOf(CREATE, { path: '/funnel', days })).toEqual(
        bad(`expiresInDays: must be a whole number of days from 1 to 90 (got ${days})`),
      );
    }
    const pages =
      'path: must be one of the shareable pages (/open-beta, /closed-beta, /compare, /retention, /funnel, /errors, /traces, /status)';
    for (const path of [
      '/failed',
      '/alerts?x=1',
      '/live',
      '/open-beta/../failed',
      '/sign-in',
      '/',
    ]) {
      expect({ path, ...(await errorOf(CREATE, { path })) }).toEqual({ path, ...bad(pages) });
    }
    const form = bad(
      'path: must be a dashboard path with its query string, e.g. /open-beta?days=30',
    );
    for (const path of [
      'https://evil.example/open-beta',
      '//evil.example/open-beta',
      'open-beta',
      '/errors#x',
    ]) {
      expect({ path, ...(await errorOf(CREATE, { path })) }).toEqual({ path, ...form });
    }
    expect(await errorOf(CREATE, { path: '/funnel', label: 'x'.repeat(101) })).toEqual(
      bad('label: must be at most 100 characters after trimming (got 101)'),
    );
    expect(await errorOf(`mutation { revokeShareLink(id: "42") { id } }`, {})).toEqual(
      bad('id: must be a share link id (a UUID)'),
    );
    // nothing refused was stored
    const count = await app.sql(
      `select count(*)::int as n from share_links where path = '/funnel'`,
    );
    expect(count[0].n).toBe(1);
  });

  it('a viewer can neither make, list nor revoke links', async () => {
    const message =
      'a viewer token may only read (every query but failedItems, the alert rules and the share links, no mutation); use an admin token';
    const refused = { status: 403, code: 'FORBIDDEN', message };
    expect(await errorOf(CREATE, { path: '/compare' }, VIEWER_TOKEN)).toEqual(refused);
    expect(await errorOf('{ shareLinks { id } }', {}, VIEWER_TOKEN)).toEqual(refused);
    expect(
      await errorOf(
        `mutation { revokeShareLink(id: "00000000-0000-4000-8000-000000000000") { id } }`,
        {},
        VIEWER_TOKEN,
      ),
    ).toEqual(refused);
  });
});
