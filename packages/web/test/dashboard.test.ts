import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  startTestApp,
  type TestApp,
  VIEWER_TOKEN,
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
    await page.getByLabel('Admin or viewer token').waitFor();
    expect(await storedToken(page)).toBeNull();
    await page.context().close();
  });

  it('a viewer token signs in to the read-only dashboard: no rejected items, no admin actions', async () => {
    const page = await openDashboard(browser, app.baseUrl, '/failed');
    await signIn(page, VIEWER_TOKEN);

    // /failed is admin-only: the viewer lands on the open beta, whose reads it may make
    await page.waitForURL(`${app.baseUrl}/open-beta`);
    await page.getByTestId('kpi-card-cdr').getByTestId('kpi-value').waitFor();
    expect((await page.getByTestId('read-only').textContent())?.trim()).toBe('Read-only');
    const links = await page
      .getByRole('navigation', { name: 'Dashboards' })
      .getByRole('link')
      .allTextContents();
    expect(links.map((l) => l.trim())).toEqual([
      'Closed beta',
      'Open beta',
      'Compare',
      'Retention',
      'Funnel',
      'Live',
      'Errors',
      'Performance',
      'Status',
    ]);
    expect(await storedToken(page)).toBe(VIEWER_TOKEN);
    // typing the admin-only address leads back, and the session stays
    await page.goto(`${app.baseUrl}/failed`);
    await page.waitForURL(`${app.baseUrl}/open-beta`);
    expect(await reasons(page).count()).toBe(0);
    // the errors page reads with a viewer token without a refusal ending the session
    await page.getByRole('link', { name: 'Errors' }).click();
    await page.waitForURL(`${app.baseUrl}/errors`);
    await page.getByTestId('read-only').waitFor();
    expect(await storedToken(page)).toBe(VIEWER_TOKEN);
    // the live feed is a read too: its table (or its empty state) comes, never a refusal
    await page.getByRole('link', { name: 'Live' }).click();
    await page.waitForURL(`${app.baseUrl}/live`);
    await page
      .locator('[data-testid="live-table"], [data-testid="live-empty"], p.alert')
      .first()
      .waitFor();
    expect(await page.locator('p.alert').count()).toBe(0);
    expect(await storedToken(page)).toBe(VIEWER_TOKEN);
    await page.context().close();
  });

  it('an admin sees no read-only mark and every page link', async () => {
    const page = await openDashboard(browser, app.baseUrl, '/open-beta');
    await signIn(page, ADMIN_TOKEN);
    await page.getByTestId('kpi-card-cdr').getByTestId('kpi-value').waitFor();
    expect(await page.getByTestId('read-only').count()).toBe(0);
    const links = await page
      .getByRole('navigation', { name: 'Dashboards' })
      .getByRole('link')
      .allTextContents();
    expect(links.map((l) => l.trim())).toEqual([
      'Closed beta',
      'Open beta',
      'Compare',
      'Retention',
      'Funnel',
      'Live',
      'Errors',
      'Performance',
      'Alerts',
      'Rejected items',
      'Status',
    ]);
    await page.context().close();
  });

  it('an admin adds an annotation from the beta page; every daily chart marks it, a viewer sees no form', async () => {
    const page = await openDashboard(browser, app.baseUrl, '/open-beta');
    await signIn(page, ADMIN_TOKEN);
    await page.getByTestId('annotation-form').waitFor();
    // the form starts on the window's last day (today)
    const day = await page.getByTestId('annotation-day').inputValue();
    expect(day).toBe(new Date().toISOString().slice(0, 10));
    await page.getByTestId('annotation-text').fill('v0.9 released');
    await page.getByRole('button', { name: 'Add annotation' }).click();
    for (const chart of ['chart-dau-wau', 'chart-cdr']) {
      await page.getByTestId(chart).getByText('v0.9 released').first().waitFor();
    }
    const stored = await app.gql('{ annotations { day text } }');
    expect(stored.data?.annotations).toEqual([{ day, text: 'v0.9 released' }]);
    await page.context().close();

    const viewer = await openDashboard(browser, app.baseUrl, '/open-beta');
    await signIn(viewer, VIEWER_TOKEN);
    await viewer.getByTestId('chart-cdr').getByText('v0.9 released').first().waitFor();
    expect(await viewer.getByTestId('annotation-form').count()).toBe(0);
    await viewer.context().close();
  });
});
