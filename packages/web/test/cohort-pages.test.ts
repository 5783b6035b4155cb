import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../api/test/helpers/app.js';
import { formatDuration } from '../src/charts/cohort-charts';
import { formatCount, formatPercent } from '../src/format';
import { launchChromium, openDashboard } from './helpers/browser.js';
import { recordDashboardFixture } from './helpers/dashboard-fixture.js';

/**
 * /retention, /funnel and the lifecycle chart in Chromium against the real server, on the
 * dataset of helpers/dashboard-fixture.ts: what the page shows is the API's answer for the same
 * arguments, at 1280 px and at 390 px without horizontal scrolling.
 */
const ARTIFACTS = join(import.meta.dirname, '../../../artifacts');
const AS_OF = '2026-11-25';
const AS_OF_INSTANT = `${AS_OF}T12:00:00.000Z`;
const DESKTOP = { width: 1280, height: 800 };
const VIEWPORTS = [DESKTOP, { width: 390, height: 844 }];

let app: TestApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  [browser, app] = await Promise.all([launchChromium(), startTestApp()]);
  await recordDashboardFixture(app);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signedIn(path: string, viewport: { width: number; height: number }) {
  const page = await openDashboard(browser, app.baseUrl, path, viewport);
  await page.getByTestId('signin-token').fill(ADMIN_TOKEN);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return page;
}

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

interface Cohort {
  start: string;
  size: number;
  values: number[];
  incomplete: boolean;
}

/** The heat map as text: per cohort its size, and per cell `count share` with `*` if filling up. */
const shownCohorts = (page: Page) =>
  page.locator('[data-testid="retention-table"] tbody tr').evaluateAll((rows) =>
    rows.map((row) => ({
      start: (row.getAttribute('data-testid') ?? '').replace('cohort-', ''),
      size: row.querySelector('[data-testid="size"]')?.textContent?.trim(),
      cells: [...row.querySelectorAll('td.cell')].map(
        (cell) =>
          `${cell.querySelector('.count')?.textContent?.trim()} ${cell.querySelector('.share')?.textContent?.trim()}${cell.classList.contains('incomplete') ? '*' : ''}`,
      ),
    })),
  );

const expectedCohorts = (cohorts: Cohort[]) =>
  cohorts.map((c) => ({
    start: c.start,
    size: formatCount(c.size),
    cells: c.values.map(
      (v, k) =>
        `${formatCount(v)} ${formatPercent(c.size > 0 ? v / c.size : null)}${c.incomplete && k === c.values.length - 1 ? '*' : ''}`,
    ),
  }));

describe('/retention', () => {
  it.each(VIEWPORTS)(
    'shows the API cohorts and all three average curves at $width px',
    async (viewport) => {
      const page = await signedIn(`/retention?days=30&asOf=${AS_OF}&intervals=3`, viewport);
      const res = await app.gql(`{ retention(days: 30, asOf: "${AS_OF_INSTANT}", intervals: 3) {
      cohorts { start size values incomplete } } }`);
      const cohorts: Cohort[] = res.data?.retention.cohorts;
      // weeks starting 2 Nov (ana), 9 Nov (ben; cy only loaded a context, which is no activity),
      // 16 Nov (nobody) and 23 Nov (dan, eve)
      expect(cohorts.map((c) => [c.start, c.size])).toEqual([
        ['2026-11-02', 1],
        ['2026-11-09', 1],
        ['2026-11-16', 0],
        ['2026-11-23', 2],
      ]);
      await expect
        .poll(() => shownCohorts(page), { timeout: 20_000 })
        .toEqual(expectedCohorts(cohorts));
      await page.locator('[data-testid="chart-retention-curves"][data-drawn="true"]').waitFor();
      const legend = await page
        .getByTestId('chart-retention-curves')
        .locator('.apexcharts-legend-text')
        .allTextContents();
      expect(legend).toEqual(['Both betas', 'Closed beta', 'Open beta']);
      expect(await pageWidth(page)).toBe(viewport.width);
      await page.screenshot({
        path: join(ARTIFACTS, `retention-${viewport.width}.png`),
        fullPage: true,
      });
      await page.context().close();
    },
  );

  it('keeps its controls in the URL and asks the API with them', async () => {
    const page = await signedIn(`/retention?days=30&asOf=${AS_OF}&intervals=3`, DESKTOP);
    await page.getByTestId('period').selectOption('DAY');
    await page.waitForURL((url) => url.searchParams.get('period') === 'day');
    await page.getByTestId('start-event').selectOption('SESSION_STARTED');
    await page.waitForURL((url) => url.searchParams.get('start') === 'session_started');
    const res = await app.gql(`{ retention(days: 30, asOf: "${AS_OF_INSTANT}", intervals: 3,
      period: DAY, startEvent: SESSION_STARTED) { cohorts { start size values incomplete } } }`);
    await expect
      .poll(() => shownCohorts(page), { timeout: 20_000 })
      .toEqual(expectedCohorts(res.data?.retention.cohorts));
    await page.context().close();
  });
});

interface Step {
  users: number;
  conversionFromStart: number | null;
  conversionFromPrevious: number | null;
  medianSecondsFromPrevious: number | null;
}

const shownSteps = (page: Page, beta: 'closed' | 'open') =>
  page
    .locator('[data-testid="funnel-table"] tbody tr')
    .evaluateAll(
      (rows, key) =>
        rows.map((row) =>
          ['users', 'from-start', 'from-previous', 'median'].map(
            (c) => row.querySelector(`[data-testid="${key}-${c}"]`)?.textContent?.trim() ?? '',
          ),
        ),
      beta,
    );

const expectedSteps = (steps: Step[]) =>
  steps.map((s) => [
    formatCount(s.users),
    formatPercent(s.conversionFromStart),
    formatPercent(s.conversionFromPrevious),
    formatDuration(s.medianSecondsFromPrevious),
  ]);

describe('empty windows', () => {
  it('says so on both pages instead of drawing zeros', async () => {
    const page = await signedIn('/retention?days=7&asOf=2026-01-10', DESKTOP);
    await page.getByTestId('retention-empty').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('retention-empty').textContent()).toContain(
      'No cohorts in this window.',
    );
    await page.goto(`${app.baseUrl}/funnel?days=7&asOf=2026-01-10`);
    const funnel = page.getByTestId('chart-funnel');
    await funnel.getByText('No data in this window.').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('funnel-table').count()).toBe(0);
    await page.context().close();
  });
});

describe('/funnel', () => {
  const STEPS = 'session_started,context_loaded,paid_subscription_started';

  it.each(VIEWPORTS)('shows both betas as the API counts them at $width px', async (viewport) => {
    const page = await signedIn(
      `/funnel?days=30&asOf=${AS_OF}&steps=${STEPS}&windowDays=7`,
      viewport,
    );
    const res = await app.gql(`{
      closed: funnel(days: 30, asOf: "${AS_OF_INSTANT}", phase: CLOSED_BETA, windowDays: 7,
        steps: [SESSION_STARTED, CONTEXT_LOADED, PAID_SUBSCRIPTION_STARTED]) {
        steps { users conversionFromStart conversionFromPrevious medianSecondsFromPrevious } }
      open: funnel(days: 30, asOf: "${AS_OF_INSTANT}", phase: OPEN_BETA, windowDays: 7,
        steps: [SESSION_STARTED, CONTEXT_LOADED, PAID_SUBSCRIPTION_STARTED]) {
        steps { users conversionFromStart conversionFromPrevious medianSecondsFromPrevious } } }`);
    // open: dan and eve start, dan loads 10 min after his start, and dan never pays
    expect(res.data?.open.steps.map((s: Step) => s.users)).toEqual([2, 1, 0]);
    await expect
      .poll(() => shownSteps(page, 'closed'), { timeout: 20_000 })
      .toEqual(expectedSteps(res.data?.closed.steps));
    expect(await shownSteps(page, 'open')).toEqual(expectedSteps(res.data?.open.steps));
    expect((await shownSteps(page, 'open'))[1]).toEqual(['1', '50.0%', '50.0%', '10 min']);
    await page.locator('[data-testid="chart-funnel"][data-drawn="true"]').waitFor();
    expect(await pageWidth(page)).toBe(viewport.width);
    await page.screenshot({
      path: join(ARTIFACTS, `funnel-${viewport.width}.png`),
      fullPage: true,
    });
    await page.context().close();
  });

  it('starts with the default steps and keeps an added step in the URL', async () => {
    const page = await signedIn(`/funnel?days=30&asOf=${AS_OF}`, DESKTOP);
    const selected = () =>
      page
        .locator('[data-testid^="step-"]')
        .evaluateAll((s) => s.map((e) => (e as HTMLSelectElement).value));
    await expect
      .poll(selected)
      .toEqual([
        'EXTENSION_ACTIVATED',
        'CONTEXT_CREATED',
        'CONTEXT_LOADED',
        'PAID_SUBSCRIPTION_STARTED',
      ]);
    await page.getByTestId('add-step').click();
    await page.getByTestId('step-4').selectOption('SESSION_STARTED');
    await page.waitForURL(
      (url) =>
        url.searchParams.get('steps') ===
        'extension_activated,context_created,context_loaded,paid_subscription_started,session_started',
    );
    await page.context().close();
  });
});

describe('lifecycle on the beta dashboards', () => {
  it.each(VIEWPORTS)(
    'draws the API periods, dormant below the axis, at $width px',
    async (viewport) => {
      const page = await signedIn(`/open-beta?days=7&asOf=${AS_OF}`, viewport);
      const panel = page.locator('[data-testid="chart-lifecycle"][data-drawn="true"]');
      await panel.waitFor({ timeout: 20_000 });
      const res = await app.gql(`{ lifecycle(days: 7, asOf: "${AS_OF_INSTANT}", phase: OPEN_BETA,
      period: DAY) { periods { start new returning resurrecting dormant } } }`);
      const periods = res.data?.lifecycle.periods;
      // dan is new on the 24th; on the 25th dan returns and eve is new
      expect(periods.slice(-2)).toEqual([
        { start: '2026-11-24', new: 1, returning: 0, resurrecting: 0, dormant: 0 },
        { start: '2026-11-25', new: 1, returning: 1, resurrecting: 0, dormant: 0 },
      ]);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download Lifecycle as CSV' }).click();
      const file = await (await download).path();
      const { readFile } = await import('node:fs/promises');
      const csv = await readFile(file, 'utf8');
      expect(csv).toBe(
        [
          'start,new,returning,resurrecting,dormant',
          ...periods.map(
            (p: Record<string, number | string>) =>
              `${p.start},${p.new},${p.returning},${p.resurrecting},${p.dormant}`,
          ),
          '',
        ].join('\r\n'),
      );
      expect(await pageWidth(page)).toBe(viewport.width);
      await page.context().close();
    },
  );
});
