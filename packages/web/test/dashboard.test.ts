import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  startTestApp,
  type TestApp,
} from '../../api/test/helpers/app.js';
import {
  invalidEvent,
  launchChromium,
  openDashboard,
  RECORD_EVENTS,
  reasons,
  STORAGE_KEY,
  signIn,
  storedToken,
} from './helpers/browser.js';

let app: TestApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let reason: string;

beforeAll(async () => {
  browser = await launchChromium();
  app = await startTestApp();
  const ingest = await app.gql(
    RECORD_EVENTS,
    { events: [invalidEvent('alice@example.com')] },
    INGEST_TOKEN,
  );
  expect(ingest.data?.recordEvents).toMatchObject({ accepted: 0, rejected: 1 });
  const stored = await app.gql('{ failedItems(first: 1) { nodes { reason } } }');
  reason = stored.data?.failedItems.nodes[0].reason;
  expect(reason).toContain('userIdHash');
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('dashboard', () => {
  it('signs in with the admin token and lists the rejected item with its reason on /failed', async () => {
    const page = await openDashboard(browser, app.baseUrl);
    await signIn(page, ADMIN_TOKEN);

    await reasons(page).first().waitFor();
    expect(await reasons(page).allTextContents()).toEqual([reason]);
    const row = page.locator('tr', { has: reasons(page) });
    expect(await row.textContent()).toContain('recordEvents #0');
    // the preview opens onto the whole payload as received, scrubbed (docs/privacy.md)
    await row.locator('summary').click();
    expect(await row.locator('pre').textContent()).toContain('"userIdHash": "[email]"');
    expect(await storedToken(page)).toBe(ADMIN_TOKEN);
    // the server status has a page of its own
    await page.getByRole('link', { name: 'Status' }).click();
    await page.getByTestId('server-status').filter({ hasText: 'Ready' }).waitFor();
    await page.goBack();

    await page.screenshot({ path: '/tmp/dashboard.png', fullPage: true });

    // the token survives a reload
    await page.reload();
    await reasons(page).first().waitFor();
    await page.context().close();
  });

  it('refuses a wrong token with a clear message', async () => {
    const page = await openDashboard(browser, app.baseUrl);
    await signIn(page, 'not-a-token');

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('This token is not valid (401 Unauthorized)');
    expect(await storedToken(page)).toBeNull();
    await page.context().close();
  });

  it('refuses an ingest token: it may not read', async () => {
    const page = await openDashboard(browser, app.baseUrl);
    await signIn(page, INGEST_TOKEN);

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('ingest token');
    await page.context().close();
  });

  it('returns to sign-in when the stored token is refused (401)', async () => {
    const page = await openDashboard(browser, app.baseUrl);
    await page.evaluate((key) => localStorage.setItem(key, 'revoked-token'), STORAGE_KEY);
    await page.reload();

    const notice = page.getByRole('status');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('401 Unauthorized');
    await page.getByLabel('Admin token').waitFor();
    expect(await storedToken(page)).toBeNull();
    await page.context().close();
  });
});
