import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertScheduler,
  startAlertScheduler,
} from '../../api/src/modules/alerts/scheduler.js';
import {
  ADMIN_TOKEN,
  startTestApp,
  type TestApp,
  VIEWER_TOKEN,
} from '../../api/test/helpers/app.js';
import { startReceiver } from '../../api/test/helpers/receiver.js';
import { seriousAxeViolations } from './helpers/axe.js';
import { launchChromium, openDashboard, signIn, storedToken } from './helpers/browser.js';

/**
 * /alerts in Chromium against the real server, with a webhook receiver in this process
 * (ALERT_ALLOW_PRIVATE_URLS=1 lets a rule point at 127.0.0.1). The scheduler that delivers the
 * outbox runs on the system clock but without its timer: the test calls `tick()` itself, so a
 * delivery happens exactly when the test says, and the page is seen picking it up.
 */
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let scheduler: AlertScheduler;

const SECRET = 'a-secret-of-sixteen-or-more';
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  [browser, app, receiver] = await Promise.all([
    launchChromium(),
    startTestApp({ ALERT_ALLOW_PRIVATE_URLS: '1' }),
    startReceiver(),
  ]);
  scheduler = startAlertScheduler({
    newEm: () => app.orm.em.fork(),
    settings: { allowPrivateUrls: true, dashboardUrl: app.baseUrl },
    intervalMs: null,
  });
  // two open-beta users active yesterday (the last complete UTC day): DAU of that day = 2
  await app.record(
    'recordEvents',
    ['dan', 'eve'].map((user) => ({
      eventName: 'SESSION_STARTED',
      timestamp: `${yesterday}T09:00:00Z`,
      userIdHash: user,
      sessionId: `s_${user}`,
      channel: 'SERVER',
      phase: 'OPEN_BETA',
    })),
  );
}, 60_000);

afterAll(async () => {
  await scheduler?.stop();
  await browser?.close();
  await receiver?.close();
  await app?.close();
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

/** `YYYY-MM-DD` of the UTC day `n` days before yesterday. */
const daysBeforeYesterday = (n: number) =>
  new Date(Date.parse(yesterday) - n * 86_400_000).toISOString().slice(0, 10);

/** The 14 window ends of the preview chart, oldest first: 13 days before yesterday … yesterday. */
const previewDays = Array.from({ length: 14 }, (_, i) => daysBeforeYesterday(13 - i));

/** The preview chart's CSV (windowEnd, value, triggerLevel), as the page downloads it. */
async function previewCsv(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('chart-alert-preview').getByRole('button', { name: /CSV/ }).click(),
  ]);
  return readFile((await download.path()) ?? '', 'utf8');
}

/** The `rule` of every previewAlertRule request the page sends (watched, not answered). */
function previewRequests(page: Page): Record<string, unknown>[] {
  const asked: Record<string, unknown>[] = [];
  page.on('request', (request) => {
    const body = request.postDataJSON() as { query?: string; variables?: { rule?: object } } | null;
    if (body?.query?.includes('previewAlertRule')) {
      asked.push(body.variables?.rule as Record<string, unknown>);
    }
  });
  return asked;
}

describe('/alerts', () => {
  it('creates a rule from the page, sends a test notification the receiver gets, and logs it', async () => {
    const page = await openDashboard(browser, app.baseUrl, '/alerts');
    await signIn(page, ADMIN_TOKEN);
    await page.getByTestId('rules-empty').waitFor();
    const asked = previewRequests(page);

    await page.getByTestId('new-rule').click();
    const form = page.getByTestId('alert-rule-form');
    await form.getByLabel('Name', { exact: true }).fill('Open beta DAU above 1');
    await form.getByLabel('Metric').selectOption('dauWau.dau');
    await form.getByLabel('Fires when it').selectOption('ABOVE');
    await form.getByLabel('Threshold', { exact: true }).fill('1');
    await form.getByLabel('Window (UTC days)').fill('1');
    await form.getByLabel('Phase').selectOption('OPEN_BETA');

    // the live preview, from the server's previewAlertRule: the window is yesterday alone (DAU 2:
    // dan and eve), the previous window the day before (no one: 0); 2 > 1, so it would fire
    const preview = page.getByTestId('alert-preview');
    await poll(() => preview.getByTestId('preview-state').textContent()).toContain('2 is above 1');
    expect(
      (await preview.getByTestId('preview-state').textContent())?.replace(/\s+/g, ' ').trim(),
    ).toBe('Now: Firing 2 (previous window 0) — 2 is above 1');
    expect(await preview.getByTestId('alert-state').textContent()).toBe('Firing');
    await preview.locator('[data-testid="chart-alert-preview"][data-drawn="true"]').waitFor();
    await preview.getByText('fires above 1').first().waitFor();
    // 14 one-day windows ending 13 days before yesterday … yesterday: only yesterday has anyone
    expect(await previewCsv(page)).toBe(
      [
        'windowEnd,value,triggerLevel',
        ...previewDays.map((day) => `${day},${day === yesterday ? 2 : 0},1`),
        '',
      ].join('\r\n'),
    );
    await page.screenshot({ path: '/tmp/alerts-form.png', fullPage: true });
    expect(asked.at(-1)).toMatchObject({
      metric: 'dauWau.dau',
      condition: 'ABOVE',
      threshold: 1,
      days: 1,
      phase: 'OPEN_BETA',
    });

    // a refused field: the server's message under the URL, the input marked invalid
    await form.getByLabel('URL', { exact: true }).fill('ftp://example.com/hook');
    await form.getByTestId('save-rule').click();
    const urlError = form.locator('#dest-0-url-error');
    await urlError.waitFor();
    expect(await urlError.textContent()).toContain(
      'destinations.0.url: must use http or https (got ftp)',
    );
    expect(await form.getByLabel('URL', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await form.getByLabel('URL', { exact: true }).fill(`${receiver.base}/hook`);
    await form.getByLabel('Signing secret').fill(SECRET);
    await form.getByTestId('save-rule').click();
    await page.waitForURL(/\/alerts\?rule=/);
    const id = new URL(page.url()).searchParams.get('rule');
    const detail = page.getByTestId('alert-rule-detail');
    await detail.getByRole('heading', { name: /Open beta DAU above 1/ }).waitFor();
    const row = page.getByTestId('alert-rule-row');
    expect(await row.getByTestId('alert-state').textContent()).toBe('OK');
    expect((await row.getByTestId('rule-last-value').textContent())?.trim()).toBe('—');

    // the test notification: queued, delivered by the scheduler's next tick, shown in the log
    await detail.getByRole('button', { name: 'Send test notification' }).click();
    expect((await detail.getByTestId('test-result').textContent())?.trim()).toBe(
      'Queued 1 test notification: see the delivery log below.',
    );
    await poll(() => detail.getByTestId('delivery-status').allTextContents()).toEqual(['PENDING']);
    expect(receiver.at('/hook')).toHaveLength(0);
    await scheduler.tick();
    const posts = receiver.at('/hook');
    expect(posts).toHaveLength(1);
    const body = posts[0]?.body ?? '';
    expect(JSON.parse(body)).toMatchObject({
      kind: 'TEST',
      rule: { id, name: 'Open beta DAU above 1' },
      metric: 'dauWau.dau',
      threshold: 1,
    });
    expect(posts[0]?.headers['x-cortex-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    );
    const stored = await app.gql(
      'query ($id: ID!) { alertRule(id: $id) { deliveries { id attempts { attemptedAt } } } }',
      { id },
    );
    const [delivery] = stored.data?.alertRule.deliveries ?? [];
    expect(posts[0]?.headers['x-cortex-delivery']).toBe(delivery.id);
    // the page asks again while a delivery is pending: it now shows the 200
    await poll(() => detail.getByTestId('delivery-status').allTextContents()).toEqual([
      'DELIVERED',
    ]);
    const attemptedAt = delivery.attempts[0].attemptedAt as string;
    expect(
      (await detail.getByTestId('delivery-attempt').allTextContents()).map((t) => t.trim()),
    ).toEqual([`HTTP 200 at ${attemptedAt.slice(0, 19).replace('T', ' ')} UTC`]);
    expect(await detail.getByTestId('delivery').first().textContent()).toContain(
      `${receiver.base}/hook`,
    );

    // "Check now": yesterday's DAU is 2, above 1; the rule fires and the list follows
    await detail.getByRole('button', { name: 'Check now' }).click();
    await poll(() => detail.getByTestId('check-result').textContent()).toContain(
      '(state changed: notifications queued)',
    );
    expect(await detail.getByTestId('check-result').getByTestId('alert-state').textContent()).toBe(
      'Firing',
    );
    await poll(() => row.getByTestId('alert-state').textContent()).toBe('Firing');
    expect((await row.getByTestId('rule-last-value').textContent())?.trim()).toBe('2');
    expect(await detail.getByTestId('evaluations').locator('tbody tr').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/alerts.png', fullPage: true });

    // at 390 px the list, the rule and the form fit without sideways scrolling
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    // the check queued a FIRING notification: two deliveries now
    await poll(() => detail.getByTestId('delivery').count()).toBe(2);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await detail.getByRole('button', { name: 'Edit' }).click();
    await form.waitFor();
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe(
      'Open beta DAU above 1',
    );
    // the edit form previews the stored rule at once
    await preview.locator('[data-testid="chart-alert-preview"][data-drawn="true"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await page.screenshot({ path: '/tmp/alerts-phone.png', fullPage: true });
    await page.context().close();
  });

  it('previews a change rule against the previous window, from the server’s previewAlertRule', async () => {
    const page = await openDashboard(browser, app.baseUrl, '/alerts?new=1');
    await signIn(page, ADMIN_TOKEN);
    const form = page.getByTestId('alert-rule-form');
    await form.getByLabel('Metric').selectOption('dauWau.avgDau');
    await form.getByLabel('Fires when it').selectOption('INCREASE');
    await form.getByLabel('Threshold', { exact: true }).fill('0.5');
    // no name and no destination yet: the preview reads neither
    const preview = page.getByTestId('alert-preview');
    // the 7 days ending yesterday: DAU 0,0,0,0,0,0,2, average 2/7; the 7 days before: 0. It rose
    // by 2/7 = 0.2857142857142857, less than 0.5: OK, and it would fire at 0 + 0.5
    await poll(async () =>
      (await preview.getByTestId('preview-state').textContent())?.replace(/\s+/g, ' ').trim(),
    ).toBe('Now: OK 0.3 (previous window 0) — rose by 0.2857 (from 0 to 0.2857; threshold 0.5)');
    await preview.locator('[data-testid="chart-alert-preview"][data-drawn="true"]').waitFor();
    await preview.getByText('fires at or above 0.5').first().waitFor();
    // of the 14 seven-day windows only the one ending yesterday holds yesterday's two users
    expect(await previewCsv(page)).toBe(
      [
        'windowEnd,value,triggerLevel',
        ...previewDays.map((day) => `${day},${day === yesterday ? 2 / 7 : 0},0.5`),
        '',
      ].join('\r\n'),
    );
    expect(await storedToken(page)).toBe(ADMIN_TOKEN);
    await page.context().close();
  });

  it('creates a weekly digest and an error-group rule from the form, with only the fields they take', async () => {
    const page = await openDashboard(browser, app.baseUrl, '/alerts?new=1');
    await signIn(page, ADMIN_TOKEN);
    const form = page.getByTestId('alert-rule-form');
    await form.getByLabel('Name', { exact: true }).fill('Monday digest');
    await form.getByLabel(/The weekly digest/).check();
    // no metric, threshold, phase or channel; the schedule is fixed
    expect(await form.getByLabel('Metric').count()).toBe(0);
    expect(await form.getByLabel('Threshold', { exact: true }).count()).toBe(0);
    expect(await form.getByLabel('Phase').count()).toBe(0);
    expect(await form.getByTestId('rule-schedule-weekly').inputValue()).toBe(
      'Mondays 08:00 UTC (WEEKLY)',
    );
    await form.getByLabel('URL', { exact: true }).fill(`${receiver.base}/digest`);
    await form.getByTestId('save-rule').click();
    await page.waitForURL(/\/alerts\?rule=/);
    const detail = page.getByTestId('alert-rule-detail');
    await detail.getByRole('heading', { name: /Monday digest/ }).waitFor();
    expect(await detail.textContent()).toContain(
      'Sends the weekly digest (both betas, all channels) · Mondays 08:00 UTC',
    );
    const digestId = new URL(page.url()).searchParams.get('rule');
    const digest = await app.gql(
      'query ($id: ID!) { alertRule(id: $id) { kind schedule metric threshold phase } }',
      { id: digestId },
    );
    expect(digest.data?.alertRule).toEqual({
      kind: 'WEEKLY_DIGEST',
      schedule: 'WEEKLY',
      metric: null,
      threshold: null,
      phase: null,
    });

    // errorGroup.count asks for the stack hash; without it the server names the field
    await page.getByTestId('new-rule').click();
    await form.getByLabel('Name', { exact: true }).fill('Crash 9f2c1e grows');
    await form.getByLabel('Metric').selectOption('errorGroup.count');
    expect(await form.getByLabel('Operation', { exact: true }).count()).toBe(0);
    await form.getByLabel('Fires when it').selectOption('ABOVE');
    await form.getByLabel('Threshold', { exact: true }).fill('5');
    await form.getByLabel('URL', { exact: true }).fill(`${receiver.base}/crash`);
    await form.getByTestId('save-rule').click();
    await form.locator('#rule-stack-hash-error').waitFor();
    expect(await form.locator('#rule-stack-hash-error').textContent()).toContain(
      'stackHash: is required for metric errorGroup.count',
    );
    await form.getByLabel('Stack hash', { exact: true }).fill('9f2c1e');
    await form.getByTestId('save-rule').click();
    await page.waitForURL((url) => url.searchParams.get('rule') !== digestId);
    await detail.getByRole('heading', { name: /Crash 9f2c1e grows/ }).waitFor();
    expect(await detail.textContent()).toContain(
      'Fires when errorGroup.count of 9f2c1e rises above 5 over 7 days',
    );
    // trace.p95Ms swaps the stack hash for the operation
    await detail.getByRole('button', { name: 'Edit' }).click();
    expect(await form.getByLabel('Stack hash', { exact: true }).inputValue()).toBe('9f2c1e');
    await form.getByLabel('Metric').selectOption('trace.p95Ms');
    expect(await form.getByLabel('Stack hash', { exact: true }).count()).toBe(0);
    await form.getByLabel('Operation', { exact: true }).fill('recordEvents');
    await form.getByTestId('save-rule').click();
    await poll(async () =>
      (await detail.textContent())?.includes('trace.p95Ms of recordEvents rises above 5'),
    ).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('tells a viewer that alerts need an admin token, without a link to them or a sign-out', async () => {
    const page = await openDashboard(browser, app.baseUrl, '/alerts');
    await signIn(page, VIEWER_TOKEN);
    const notice = page.getByTestId('alerts-admin-only');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Alert rules are managed with an admin token');
    expect(
      await page
        .getByRole('navigation', { name: 'Dashboards' })
        .getByRole('link', { name: 'Alerts' })
        .count(),
    ).toBe(0);
    expect(await page.getByTestId('new-rule').count()).toBe(0);
    expect(await storedToken(page)).toBe(VIEWER_TOKEN);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
