import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  startTestApp,
  type TestApp,
  VIEWER_TOKEN,
} from '../../api/test/helpers/app.js';
import { launchChromium, openDashboard, signIn } from './helpers/browser.js';
import { recordDashboardFixture } from './helpers/dashboard-fixture.js';

/**
 * Share links in Chromium against the real server (docs/api.md#share-links): `/s/<token>` shows
 * its page alone without sign-in; an expired or revoked link says so; an admin makes one from
 * the page's Share dialog, a viewer sees no Share button.
 */
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startTestApp()]);
  await recordDashboardFixture(app);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

const CARDS = ['cdr', 'resurrection', 'dau', 'paid-conversion'] as const;
const cardValues = (page: Page) =>
  Promise.all(
    CARDS.map((id) => page.getByTestId(`kpi-card-${id}`).getByTestId('kpi-value').textContent()),
  );

async function shareLink(path: string): Promise<{ id: string; token: string; url: string }> {
  const res = await app.gql(
    'mutation ($path: String!) { createShareLink(path: $path) { id token url } }',
    { path },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.createShareLink;
}

describe('share links', () => {
  it("/s/<token> shows the link's page with its URL state, without sign-in, and nothing else", async () => {
    const link = await shareLink('/open-beta?days=7&asOf=2026-11-25');
    const page = await openDashboard(browser, app.baseUrl, link.url);
    // the token leaves the address bar: the page itself, with the link's URL state
    await page.waitForURL(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    // the fixture's open beta week (dashboard-pages.test.ts works it out): CDR 2/3, nobody
    // resurrected, DAU (1 + 2) / 7 → 0.4, eve of dan and eve converts → 1/2
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await page.getByTestId('shared-banner').waitFor();
    expect(await page.getByTestId('shared-banner').textContent()).toContain(
      'Shared read-only view',
    );
    // no navigation, no sign-in, no admin form, no Share button
    expect(await page.getByRole('navigation', { name: 'Dashboards' }).count()).toBe(0);
    // the only link left is the skip link to the page's own content
    expect(await page.getByRole('link').allTextContents()).toEqual(['Skip to content']);
    expect(await page.getByTestId('signin-token').count()).toBe(0);
    expect(await page.getByTestId('annotation-form').count()).toBe(0);
    expect(await page.getByTestId('share-button').count()).toBe(0);
    // the token is kept for this tab only, never as a signed-in token
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(() => sessionStorage.getItem('cortex-telemetry.share'))).toContain(
      link.token,
    );
    // another page's address leads back to the shared page
    await page.goto(`${app.baseUrl}/errors?days=30`);
    await page.waitForURL(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);

    // the link expires: the next load says so instead of the page
    await app.sql(`update share_links set expires_at = now() - interval '1 minute' where id = ?`, [
      link.id,
    ]);
    await page.reload();
    const ended = page.getByTestId('share-ended');
    await ended.waitFor();
    expect(await ended.getByRole('heading').textContent()).toBe('This link has expired.');
    expect(await page.getByTestId('kpi-card-cdr').count()).toBe(0);
    await page.context().close();
  });

  it('an expired link opened afresh, and a revoked one, say so', async () => {
    const expired = await shareLink('/compare?days=7');
    await app.sql(`update share_links set expires_at = now() - interval '1 day' where id = ?`, [
      expired.id,
    ]);
    const page = await openDashboard(browser, app.baseUrl, expired.url);
    await page.getByTestId('share-ended').waitFor();
    expect(await page.getByTestId('share-ended').getByRole('heading').textContent()).toBe(
      'This link has expired.',
    );
    await page.context().close();

    const revoked = await shareLink('/traces?days=7');
    await app.gql('mutation ($id: ID!) { revokeShareLink(id: $id) { id } }', { id: revoked.id });
    const second = await openDashboard(browser, app.baseUrl, revoked.url);
    await second.getByTestId('share-ended').waitFor();
    expect(await second.getByTestId('share-ended').getByRole('heading').textContent()).toBe(
      'This link was revoked.',
    );
    await second.context().close();
  });

  it("an admin makes a link from the page's Share dialog; a viewer has no Share button", async () => {
    const page = await openDashboard(browser, app.baseUrl, '/compare?days=7&asOf=2026-11-25');
    await signIn(page, ADMIN_TOKEN);
    await page.waitForURL(`${app.baseUrl}/compare?days=7&asOf=2026-11-25`);
    await page.getByTestId('share-button').click();
    await page.getByTestId('share-days').selectOption('30');
    await page.getByTestId('share-label').fill('for the board');
    await page.getByRole('button', { name: 'Create link' }).click();
    const url = page.getByTestId('share-url');
    await url.waitFor();
    const shown = await url.inputValue();
    expect(shown).toMatch(new RegExp(`^${app.baseUrl}/s/ct_share_[A-Za-z0-9_-]{43}$`));
    await page.getByTestId('share-links').getByText('for the board').waitFor();

    const [row] = await app.sql(
      `select path, round(extract(epoch from expires_at - created_at) / 86400) as days
       from share_links where label = 'for the board'`,
    );
    expect({ path: row.path, days: Number(row.days) }).toEqual({
      path: '/compare?days=7&asOf=2026-11-25',
      days: 30,
    });
    // the shown link opens the compare page in a fresh browser
    const other = await openDashboard(browser, app.baseUrl, new URL(shown).pathname);
    await other.waitForURL(`${app.baseUrl}/compare?days=7&asOf=2026-11-25`);
    await other.getByTestId('shared-banner').waitFor();
    await other.context().close();
    await page.context().close();

    const viewer = await openDashboard(browser, app.baseUrl, '/compare?days=7');
    await signIn(viewer, VIEWER_TOKEN);
    await viewer.getByTestId('read-only').waitFor();
    expect(await viewer.getByTestId('share-button').count()).toBe(0);
    await viewer.context().close();
  });
});
