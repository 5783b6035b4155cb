import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../api/test/helpers/app.js';
import { formatCount, formatPercent } from '../src/format';
import { utcToday } from '../src/window';
import { seriousAxeViolations } from './helpers/axe.js';
import { launchChromium, openDashboard, STORAGE_KEY, signIn } from './helpers/browser.js';
import { recordDashboardFixture } from './helpers/dashboard-fixture.js';

/**
 * Every page of the dashboard in Chromium against the real server, on the hand-worked dataset of
 * helpers/dashboard-fixture.ts. Screenshots of each page land in artifacts/ (ignored by git).
 */
const ARTIFACTS = join(import.meta.dirname, '../../../artifacts');

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

/** Waits for a value the page fills in asynchronously; generous, for a loaded CI machine. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

const CARDS = ['cdr', 'resurrection', 'dau', 'paid-conversion'] as const;

const cardValues = (page: Page) =>
  Promise.all(
    CARDS.map((id) => page.getByTestId(`kpi-card-${id}`).getByTestId('kpi-value').textContent()),
  );

/** What the cards must show: the API's own answer for the same window and filters. */
async function apiCards(args: string): Promise<string[]> {
  const res = await app.gql(`{ kpis(${args}) {
    cdr { rate } resurrection { rate } dauWau { avgDau } paidConversion { rate } } }`);
  const k = res.data?.kpis;
  return [
    formatPercent(k.cdr.rate),
    formatPercent(k.resurrection.rate),
    formatCount(Math.round(k.dauWau.avgDau * 10) / 10),
    formatPercent(k.paidConversion.rate),
  ];
}

async function signedIn(path: string, viewport?: { width: number; height: number }) {
  const page = await openDashboard(browser, app.baseUrl, path, viewport);
  await page.getByTestId('signin-token').fill(ADMIN_TOKEN);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return page;
}

const chartsDrawn = (page: Page) =>
  Promise.all(
    ['chart-dau-wau', 'chart-cdr', 'chart-resurrection', 'chart-conversion'].map((id) =>
      page.locator(`[data-testid="${id}"][data-drawn="true"]`).waitFor(),
    ),
  );

/**
 * The page's answers wait until the test releases them (`get(operationName)()`); `asked` lists
 * the held operations in the order the page sent them.
 */
async function holdAnswers(page: Page): Promise<Map<string, () => void> & { asked: string[] }> {
  const holds = Object.assign(new Map<string, () => void>(), { asked: [] as string[] });
  const held = new Map(
    ['BetaDashboard', 'PreviousWindow', 'PhaseRange'].map((name) => [
      name,
      new Promise<void>((go) => holds.set(name, go)),
    ]),
  );
  await page.route('**/graphql', async (route) => {
    const name = route.request().postDataJSON()?.operationName;
    if (held.has(name)) holds.asked.push(name);
    await held.get(name);
    await route.continue();
  });
  return holds;
}

const deltas = (page: Page) =>
  page
    .getByTestId('kpi-delta')
    .evaluateAll((all) => all.map((d) => d.textContent?.trim().replace(/\s+/g, ' ')));

const CARD_IDS = CARDS.map((id) => `kpi-card-${id}`);
const CHART_IDS = ['chart-dau-wau', 'chart-cdr', 'chart-resurrection', 'chart-conversion'];

/** Top and height of each card and chart panel. */
const layout = (page: Page) =>
  page.evaluate(
    (ids) =>
      ids.map((id) => {
        const box = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
        return box ? `${id} ${Math.round(box.top)}+${Math.round(box.height)}` : `${id} missing`;
      }),
    [...CARD_IDS, ...CHART_IDS],
  );

const cardsBusy = (page: Page) =>
  page
    .locator('[data-testid^="kpi-card-"]')
    .evaluateAll((cards) => cards.map((card) => card.getAttribute('aria-busy')));

describe('beta dashboards', () => {
  it('shows the API numbers; window, date and channel live in the URL and change them', async () => {
    const page = await signedIn('/open-beta?days=7&asOf=2026-11-25');
    await chartsDrawn(page);
    // sessions d1, d2, e1; d1 loaded, e1 resumed → 2/3; nobody came back; DAU 1 + 2 over 7
    // days → 0.43 → 0.4; eligible dan and eve, eve converts → 1/2
    const all = ['66.7%', '0.0%', '0.4', '50.0%'];
    await poll(() => cardValues(page)).toEqual(all);
    expect(await apiCards('days: 7, asOf: "2026-11-25T12:00:00Z", phase: OPEN_BETA')).toEqual(all);
    // nothing in the week before: every change says so in words
    await poll(() =>
      page.getByTestId('kpi-card-cdr').getByTestId('kpi-delta').textContent(),
    ).toContain('no earlier data');
    await page.screenshot({ path: join(ARTIFACTS, 'open-beta.png'), fullPage: true });

    // server only: sessions d1, d2 (d1 loaded) → 1/2; eve has no server event → dan alone is
    // eligible and does not convert → 0/1
    await page.getByTestId('channel').selectOption('server');
    await page.waitForURL(/channel=server/);
    const server = ['50.0%', '0.0%', '0.3', '0.0%'];
    await poll(() => cardValues(page)).toEqual(server);
    expect(
      await apiCards('days: 7, asOf: "2026-11-25T12:00:00Z", phase: OPEN_BETA, channel: SERVER'),
    ).toEqual(server);

    // 14 days: the same users over twice the days → average DAU 3/14 = 0.21 → 0.2
    await page.getByTestId('channel').selectOption('');
    await page.getByTestId('window-14').click();
    await page.waitForURL(
      (url) => url.searchParams.get('days') === '14' && !url.searchParams.has('channel'),
    );
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.2', '50.0%']);

    // as of the 24th: dan's d1 alone, loaded → 100%
    await page.getByTestId('as-of').fill('2026-11-24');
    await page.getByTestId('as-of').dispatchEvent('change');
    await page.waitForURL(/asOf=2026-11-24/);
    await expect
      .poll(() => cardValues(page))
      .toEqual(await apiCards('days: 14, asOf: "2026-11-24T12:00:00Z", phase: OPEN_BETA'));
    expect((await cardValues(page))[0]).toBe('100.0%');

    // by channel over 11-11…11-24: dan's d1 on the server only (eve came on the 25th); average
    // DAU 1/14 = 0.07 → 0.1
    const channelRows = async () => {
      const rows = page.getByTestId('channel-table').locator('tbody tr');
      const cells = await Promise.all(
        (await rows.all()).map((row) => row.locator('td').allTextContents()),
      );
      return cells.map((row) => row.map((cell) => cell.trim()).join(' '));
    };
    await poll(channelRows).toEqual(['server 1 0.1 1']);
    await page.context().close();
  });

  it('exports a chart as CSV with exactly the API series, and the annotations in a column', async () => {
    const note = await app.gql(
      'mutation { createAnnotation(day: "2026-11-24", text: "v0.9 released") { id } }',
    );
    const page = await signedIn('/open-beta?days=7&asOf=2026-11-25');
    await chartsDrawn(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('chart-cdr').getByRole('button', { name: /CSV/ }).click(),
    ]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const res = await app.gql(`{ kpis(days: 7, asOf: "2026-11-25T12:00:00Z", phase: OPEN_BETA) {
      cdr { series { day rate sessions dependentSessions } } } }`);
    const rows = res.data?.kpis.cdr.series.map(
      (p: any) =>
        `${p.day},${p.rate ?? ''},${p.sessions},${p.dependentSessions},${p.day === '2026-11-24' ? 'v0.9 released' : ''}`,
    );
    expect(csv).toBe(['day,rate,sessions,dependentSessions,annotation', ...rows, ''].join('\r\n'));
    // the 24th: d1 loaded (1/1), annotated; the 25th: d2 and e1, e1 resumed (1/2)
    expect(rows.slice(-2)).toEqual(['2026-11-24,1,1,1,v0.9 released', '2026-11-25,0.5,2,1,']);
    await app.gql('mutation ($id: ID!) { deleteAnnotation(id: $id) { id } }', {
      id: note.data?.createAnnotation.id,
    });
    await page.context().close();
  });

  it('opens the ended closed beta on its last window; one click shows the days up to today', async () => {
    const page = await signedIn('/closed-beta?days=7');
    // the URL says which window: the closed beta's last day, written in place of the bare URL
    await page.waitForURL(/\/closed-beta\?days=7&asOf=2026-11-12$/);
    expect(await page.evaluate(() => history.state.replaced)).toBe(true);
    await poll(() => cardValues(page)).toEqual(['66.7%', '50.0%', '0.4', '50.0%']);
    const notice = page.getByTestId('last-window');
    expect(await notice.textContent()).toContain('data ends on 12 Nov 2026');
    await page.getByTestId('show-up-to-today').click();
    const today = utcToday();
    await page.waitForURL(`${app.baseUrl}/closed-beta?days=7&asOf=${today}`);
    // nothing in the 7 days to today nor the 7 before: no −100%, the cards say so
    await poll(() => cardValues(page)).toEqual(['—', '—', '0', '—']);
    await poll(() => deltas(page)).toEqual(
      Array(4).fill('no data in this window vs previous 7 days'),
    );
    await page.getByTestId('ended-phase').waitFor();
    expect(await page.getByTestId('last-window').count()).toBe(0);
    // the window up to today stays put when the window length changes
    await page.getByTestId('window-14').click();
    await page.waitForURL(`${app.baseUrl}/closed-beta?days=14&asOf=${today}`);
    await page.goBack();
    await page.goBack();
    await page.waitForURL(/\/closed-beta\?days=7&asOf=2026-11-12$/);
    await poll(() => cardValues(page)).toEqual(['66.7%', '50.0%', '0.4', '50.0%']);
    await page.context().close();
  });

  it('lays out the cards with their titles before the numbers arrive; filling them in moves nothing', async () => {
    const page = await signedIn('/status');
    const holds = await holdAnswers(page);
    const boxes = () => layout(page);
    const titles = () => page.locator('[data-testid^="kpi-card-"] h2').allTextContents();
    const busy = () => cardsBusy(page);

    await page.goto(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    await poll(titles).toEqual([
      'Context Dependency Rate',
      'Resurrection',
      'Average DAU',
      'Paid Conversion',
    ]);
    expect(await busy()).toEqual(['true', 'true', 'true', 'true']);
    expect(await page.getByTestId('kpi-value').count()).toBe(0);
    expect(await page.getByTestId('kpi-pending').count()).toBe(4);
    const waiting = await boxes();
    expect(waiting.filter((box) => box.endsWith('missing'))).toEqual([]);
    // the previous window is asked after the window's answer, not beside it
    expect(holds.asked).toEqual(['BetaDashboard']);
    holds.get('BetaDashboard')?.();
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await chartsDrawn(page);
    expect(await busy()).toEqual(['false', 'false', 'false', 'false']);
    expect(await boxes()).toEqual(waiting);
    // the numbers are there; their changes wait for the previous window, then fill in place
    expect(await deltas(page)).toEqual(Array(4).fill('comparing… vs previous 7 days'));
    expect(holds.asked).toEqual(['BetaDashboard', 'PreviousWindow']);
    holds.get('PreviousWindow')?.();
    await poll(() => deltas(page)).toEqual(Array(4).fill('no earlier data vs previous 7 days'));
    expect(await boxes()).toEqual(waiting);

    // the ended closed beta: while its range is asked, the last-window notice's room is kept
    await page.goto(`${app.baseUrl}/closed-beta?days=7`);
    await page.getByTestId('finding-last-window').waitFor();
    const notice = async (id: string) => {
      const box = await page.getByTestId(id).boundingBox();
      return box && `${Math.round(box.y)}+${Math.round(box.height)}`;
    };
    const finding = await notice('finding-last-window');
    const before = await boxes();
    expect(await busy()).toEqual(['true', 'true', 'true', 'true']);
    holds.get('PhaseRange')?.();
    await page.waitForURL(/\/closed-beta\?days=7&asOf=2026-11-12$/);
    await poll(() => cardValues(page)).toEqual(['66.7%', '50.0%', '0.4', '50.0%']);
    await chartsDrawn(page);
    expect(await page.getByTestId('finding-last-window').count()).toBe(0);
    expect(await notice('last-window')).toBe(finding);
    expect(await boxes()).toEqual(before);
    await page.context().close();
  });

  it('keeps the numbers and says so when the previous window fails to load', async () => {
    const page = await signedIn('/status');
    await page.route('**/graphql', async (route) => {
      if (route.request().postDataJSON()?.operationName !== 'PreviousWindow') {
        return route.continue();
      }
      await route.fulfill({ json: { errors: [{ message: 'statement timeout' }] } });
    });
    await page.goto(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await poll(() => deltas(page)).toEqual(Array(4).fill('change not loaded vs previous 7 days'));
    expect(await page.getByTestId('previous-window-error').textContent()).toContain(
      'statement timeout',
    );
    // the window's own answer stands: its charts draw, no error over them
    await chartsDrawn(page);
    expect(await page.getByRole('alert').count()).toBe(1);
    await page.context().close();
  });

  it('sends the KPI query of a first load before the view chunk is asked for, and only once', async () => {
    const page = await signedIn('/status');
    /** In the order the page sent them: each GraphQL operation's name, and each chunk's. */
    const sent: string[] = [];
    page.on('request', (request) => {
      const chunk = /\/assets\/(BetaDashboardView)-[^/]+\.js$/.exec(request.url());
      if (chunk) sent.push(`chunk ${chunk[1]}`);
      const operation = request.url().endsWith('/graphql')
        ? request.postDataJSON()?.operationName
        : undefined;
      if (operation) sent.push(operation);
    });
    // a reload with the address typed in: the page's first load, its token already stored
    await page.goto(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await chartsDrawn(page);
    // the as-of day is named: no PhaseRange; the view took the answer instead of asking again
    expect(sent.slice(0, 2)).toEqual(['BetaDashboard', 'chunk BetaDashboardView']);
    expect(sent.filter((name) => name === 'BetaDashboard')).toHaveLength(1);
    expect(sent).not.toContain('PhaseRange');

    // no as-of day: the phase's range leaves with today's window; the fixture's open beta ends
    // on 25 Nov, so the page settles on that last window, which the view asks (once)
    sent.length = 0;
    await page.goto(`${app.baseUrl}/open-beta?days=7`);
    await page.waitForURL(/\/open-beta\?days=7&asOf=2026-11-25$/);
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await chartsDrawn(page);
    expect(sent.slice(0, 2)).toEqual(['BetaDashboard', 'PhaseRange']);
    expect(sent.filter((name) => name === 'BetaDashboard')).toHaveLength(2);
    expect(sent.filter((name) => name === 'PhaseRange')).toHaveLength(1);
    await page.context().close();
  });

  it("sends a first load's queries and fetches its view from index.html, before the bundle runs", async () => {
    const page = await signedIn('/status');
    /** GraphQL operations by name, and the beta view's chunk, as the page asks for them. */
    const sent: string[] = [];
    page.on('request', (request) => {
      if (/\/assets\/BetaDashboardView-[^/]+\.js$/.test(request.url())) sent.push('view chunk');
      if (request.url().endsWith('/graphql')) sent.push(request.postDataJSON()?.operationName);
    });
    // the app's entry bundle is held until the test lets it go: what leaves meanwhile, the page
    // sent without it
    let releaseBundle = () => {};
    const holdBundle = async () => {
      await page.unrouteAll();
      const held = new Promise<void>((go) => {
        releaseBundle = go;
      });
      await page.route(/\/assets\/index-[^/]+\.js$/, async (route) => {
        await held;
        await route.continue();
      });
    };

    // a page that is no beta dashboard: no dashboard query and no view chunk, before or after
    await holdBundle();
    // (not 'domcontentloaded': that waits for the held bundle)
    await page.goto(`${app.baseUrl}/status`, { waitUntil: 'commit' });
    releaseBundle();
    await page.getByTestId('server-status').waitFor();
    await page.waitForLoadState('networkidle');
    const firstLoad = ['BetaDashboard', 'PhaseRange', 'view chunk'];
    expect(sent.filter((name) => firstLoad.includes(name))).toEqual([]);

    // a beta dashboard: its query, the phase's range and its view leave while the bundle is held
    await holdBundle();
    sent.length = 0;
    await page.goto(`${app.baseUrl}/open-beta?days=7`, { waitUntil: 'commit' });
    await poll(() => [...sent].sort()).toEqual(firstLoad);
    releaseBundle();
    // the page settles on the open beta's last window (25 Nov) as it does without the script;
    // the answers it took were not asked again (the second BetaDashboard is that window's), and
    // the router's import found the chunk already there
    await page.waitForURL(/\/open-beta\?days=7&asOf=2026-11-25$/);
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await chartsDrawn(page);
    expect(sent.filter((name) => name === 'BetaDashboard')).toHaveLength(2);
    expect(sent.filter((name) => name === 'PhaseRange')).toHaveLength(1);
    expect(sent.filter((name) => name === 'view chunk')).toHaveLength(1);
    await page.context().close();
  });

  it('asks for the chart library only once the KPI answer is in, so it does not slow the answer', async () => {
    // a fresh context: the library is not in its cache yet
    const page = await signedIn('/status');
    const holds = await holdAnswers(page);
    const charts: string[] = [];
    page.on('request', (request) => {
      if (/\/assets\/apex-[^/]+\.js$/.test(request.url())) charts.push(request.url());
    });
    await page.goto(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    await page.getByTestId('kpi-pending').first().waitFor();
    // the view is up and idle, the answer held: nothing of the chart library yet
    await page.evaluate(() => new Promise((done) => requestIdleCallback(() => done(null))));
    expect(charts).toEqual([]);
    holds.get('BetaDashboard')?.();
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await chartsDrawn(page);
    expect(charts).toHaveLength(1);
    await page.context().close();
  });

  it('stacks the cards at 390 px as tall as their own lines, reserved while they wait', async () => {
    const page = await signedIn('/status', { width: 390, height: 844 });
    const holds = await holdAnswers(page);
    /**
     * Per card: where it stands, its top and height (unrounded), the room under its
     * last line of details (padding and border only: 14 + 1 px on a phone) and one line's height.
     */
    const cards = () =>
      page.evaluate(
        (ids) =>
          ids.map((id) => {
            const card = document.querySelector(`[data-testid="${id}"]`) as HTMLElement;
            const items = [...card.querySelectorAll('li')];
            const box = card.getBoundingClientRect();
            const last = items.at(-1)?.getBoundingClientRect().bottom ?? 0;
            return {
              left: Math.round(box.left),
              below: Math.round(box.bottom - last),
              top: box.top,
              height: box.height,
              line: items[0] ? Number.parseFloat(getComputedStyle(items[0]).lineHeight) : 0,
            };
          }),
        CARD_IDS,
      );
    const chartTops = () =>
      page.evaluate(
        (ids) =>
          ids.map(
            (id) => document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect().top,
          ),
        CHART_IDS,
      );
    /** Whole pixels: the boxes snap to device pixels, a line is 0.85 rem × 1.45 = 19.72 px. */
    const px = (values: number[]) => values.map((v) => Math.round(v));
    await page.goto(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    await poll(() => page.getByTestId('kpi-pending').count()).toBe(4);
    const waiting = await cards();
    const waitingCharts = await chartTops();
    holds.get('BetaDashboard')?.();
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await chartsDrawn(page);
    const filled = await cards();
    // one column, and no blank space under a card, waiting or filled
    expect(waiting.map((c) => [c.left, c.below])).toEqual(CARDS.map(() => [14, 15]));
    expect(filled.map((c) => [c.left, c.below])).toEqual(CARDS.map(() => [14, 15]));
    // the waiting cards' lines wrap as the typical figures' do; so do the fixture's, but for
    // "2 of 3 sessions loaded or resumed a context" (one line, the typical "1,141 of 2,480
    // sessions…" takes two): that card comes out one line shorter, and all below it moves up
    // by that line; nothing else changes
    expect(px(waiting.map((c) => c.line))).toEqual([20, 20, 20, 20]);
    expect(px(waiting.map((c, i) => c.height - filled[i]!.height))).toEqual([20, 0, 0, 0]);
    expect(px(waiting.map((c, i) => c.top - filled[i]!.top))).toEqual([0, 20, 20, 20]);
    const charts = await chartTops();
    expect(px(waitingCharts.map((top, i) => (top ?? 0) - (charts[i] ?? 0)))).toEqual(
      CHART_IDS.map(() => 20),
    );
    await page.context().close();
  });

  it('offers the last window of an ended closed beta, and lists its testers', async () => {
    const page = await signedIn('/closed-beta?days=7&asOf=2026-11-25');
    const offer = page.getByTestId('ended-phase');
    await offer.waitFor();
    expect(await offer.textContent()).toContain('data ends on 12 Nov 2026');
    await page.screenshot({ path: join(ARTIFACTS, 'closed-beta-ended.png'), fullPage: true });
    await page.getByTestId('show-last-window').click();
    await page.waitForURL(/asOf=2026-11-12/);
    // the worked example over 11-06…11-12: CDR 2/3; ana resurrected of ana + ben → 1/2;
    // DAU 2 + 1 over 7 days → 0.4; ben converts of ana + ben → 1/2
    const example = ['66.7%', '50.0%', '0.4', '50.0%'];
    await poll(() => cardValues(page)).toEqual(example);
    expect(await apiCards('days: 7, asOf: "2026-11-12T12:00:00Z", phase: CLOSED_BETA')).toEqual(
      example,
    );
    // the week before held ana's s1 only (0 of 1 dependent): +66.7 pp, written out
    await poll(() =>
      page.getByTestId('kpi-card-cdr').getByTestId('kpi-delta').textContent(),
    ).toContain('▲ +66.7 pp');
    await poll(() => page.getByTestId('ended-phase').count()).toBe(0);
    await chartsDrawn(page);
    // testers, most active days first: ana (2), ben (1), cy (0)
    const testers = page.getByTestId('tester-row');
    await poll(() => testers.count()).toBe(3);
    expect(
      (await testers.locator('td:first-child').allTextContents()).map((t) => t.trim()),
    ).toEqual(['ana', 'ben', 'cy']);
    expect(await testers.first().textContent()).toContain('50.0%');
    // the sortable header: the sorted column says so in aria-sort and an arrow; the user column
    // starts A→Z, a second click turns it round
    const header = (name: string) => page.getByRole('columnheader', { name });
    const names = async () =>
      (await testers.locator('td:first-child').allTextContents()).map((t) => t.trim());
    expect(await header('Active days').getAttribute('aria-sort')).toBe('descending');
    expect((await header('Active days').textContent())?.trim()).toBe('Active days ▼');
    expect(await header('User hash').getAttribute('aria-sort')).toBe('none');
    await header('User hash').getByRole('button').click();
    await poll(names).toEqual(['ana', 'ben', 'cy']);
    expect(await header('User hash').getAttribute('aria-sort')).toBe('ascending');
    expect((await header('User hash').textContent())?.trim()).toBe('User hash ▲');
    expect(await header('Active days').getAttribute('aria-sort')).toBe('none');
    await header('User hash').getByRole('button').click();
    await poll(names).toEqual(['cy', 'ben', 'ana']);
    expect(await header('User hash').getAttribute('aria-sort')).toBe('descending');
    await page.screenshot({ path: join(ARTIFACTS, 'closed-beta.png'), fullPage: true });
    await page.context().close();
  });
});

describe('accessibility (axe-core)', () => {
  it('finds no serious or critical violation on the beta pages and a narrow /compare', async () => {
    // the closed beta's last window has rising changes (the green text) and its tester table
    const page = await signedIn('/closed-beta?days=7');
    await page.waitForURL(/asOf=2026-11-12/);
    await chartsDrawn(page);
    await page.getByTestId('tester-row').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    await chartsDrawn(page);
    await page.waitForLoadState('networkidle');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // at 390 px the comparison table scrolls sideways: a keyboard must reach it
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.baseUrl}/compare?days=7&asOf=2026-11-25`);
    await page.getByTestId('compare-table').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});

describe('the other pages', () => {
  it('shows compare, errors, performance, rejected items, status and not-found', async () => {
    const page = await signedIn('/compare?days=7&asOf=2026-11-25');
    const table = page.getByTestId('compare-table');
    await table.waitFor();
    // closed beta's last 7 days end on its last day (11-12): 66.7%; open beta's: 66.7% → ± 0
    expect(await table.locator('tr', { hasText: 'Context Dependency Rate' }).textContent()).toMatch(
      /66\.7%\s*66\.7%\s*● no change/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });

    await page.goto(`${app.baseUrl}/errors?days=7&asOf=2026-11-25`);
    const group = page.getByTestId('error-group');
    await group.waitFor();
    expect(await group.textContent()).toContain('TypeError');
    await group.getByRole('button', { name: 'Occurrences' }).click();
    expect(await page.getByTestId('error-occurrences').locator('pre').textContent()).toContain(
      'at load (/srv/cortex/dist/index.js:10:5)',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'errors.png'), fullPage: true });

    await page.goto(`${app.baseUrl}/traces?days=7&asOf=2026-11-25`);
    const op = page.getByTestId('operation-row');
    await op.waitFor();
    // 100 and 200 ms, one failed: 50.0%, p50 150 ms, p95 195 ms
    const cells = (await op.locator('td').allTextContents()).map((cell) => cell.trim());
    // the busiest operation opens selected (▸)
    expect(cells).toEqual([
      '▸ search_context',
      '2',
      '50.0%',
      '150 ms',
      '195 ms',
      '199 ms',
      '200 ms',
    ]);
    await page.locator('[data-testid="chart-trace-days"][data-drawn="true"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'traces.png'), fullPage: true });

    for (const [path, text] of [
      ['/failed', 'Rejected ingest items'],
      ['/status', 'Server status'],
      ['/no-such-page', 'Nothing lives at /no-such-page'],
    ] as const) {
      await page.goto(`${app.baseUrl}${path}`);
      await page.getByText(text).first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `${path.slice(1)}.png`), fullPage: true });
    }
    await page.context().close();
  });

  it('fits a 390 px phone without horizontal scrolling', async () => {
    const page = await signedIn('/open-beta?days=7&asOf=2026-11-25', { width: 390, height: 844 });
    for (const path of [
      '/open-beta',
      '/closed-beta',
      '/compare',
      '/errors',
      '/traces',
      '/failed',
    ]) {
      await page.goto(`${app.baseUrl}${path}?days=7&asOf=2026-11-25`);
      await page.locator('.page').waitFor();
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ path, width }).toEqual({ path, width: 390 });
    }
    await page.goto(`${app.baseUrl}/open-beta?days=7&asOf=2026-11-25`);
    await chartsDrawn(page);
    await page.screenshot({ path: join(ARTIFACTS, 'open-beta-phone.png'), fullPage: true });
    await page.context().close();
  });

  it('puts the token into the explorer headers, never into a URL', async () => {
    const page = await signedIn('/status');
    const [explorer] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByTestId('explore').click(),
    ]);
    expect(new URL(explorer.url()).pathname).toBe('/graphql');
    expect(explorer.url()).not.toContain(ADMIN_TOKEN);
    const headers = await page.evaluate(() => localStorage.getItem('graphiql:headers'));
    expect(JSON.parse(headers ?? '{}')).toEqual({ Authorization: `Bearer ${ADMIN_TOKEN}` });
    // GraphiQL renders from the server's own assets (no CDN) with the token in its header
    // editor, and what it runs is authorised; the default query is only comments, so the
    // server answers a syntax error, not UNAUTHENTICATED
    const run = explorer.locator('button.graphiql-execute-button');
    await run.waitFor({ timeout: 30_000 });
    // the editor renders spaces as no-break spaces
    const editor = (await explorer.locator('.graphiql-editor-tool').textContent()) ?? '';
    expect(editor.replace(/\u00a0/g, ' ')).toContain(`"Authorization": "Bearer ${ADMIN_TOKEN}"`);
    await run.click();
    const result = async () =>
      ((await explorer.locator('.result-window').textContent()) ?? '').replace(/\u00a0/g, ' ');
    await expect.poll(result, { timeout: 30_000 }).toContain('Syntax Error');
    expect(await result()).not.toContain('UNAUTHENTICATED');
    await explorer.close();
    // signing out takes it away again
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('signin-token').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('graphiql:headers'))).toBeNull();
    await page.context().close();
  });

  it('sends a revoked token back to sign-in with a message, then returns to the page', async () => {
    const page = await signedIn('/open-beta?days=7&asOf=2026-11-25');
    await page.evaluate((key) => localStorage.setItem(key, 'revoked-token'), STORAGE_KEY);
    await page.reload();
    const notice = page.getByRole('status');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('401 Unauthorized');
    await signIn(page, ADMIN_TOKEN);
    await page.waitForURL(/\/open-beta\?days=7&asOf=2026-11-25/);
    await poll(() => cardValues(page)).toEqual(['66.7%', '0.0%', '0.4', '50.0%']);
    await page.context().close();
  });
});
