import type { Browser } from 'playwright-core';

/**
 * The browser side of `bench:dashboard`: cold navigations to `/open-beta` in headless Chromium,
 * each recording in the page when its chunks loaded, its query left and was answered, its cards
 * filled and its charts were drawn, and its long tasks.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CHARTS = ['chart-dau-wau', 'chart-cdr', 'chart-resurrection', 'chart-conversion'];

export const percentile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

/**
 * Recorded in the page from its navigation start, by a script installed before any script runs:
 * when the four KPI cards first show a number and when each chart is drawn (a MutationObserver),
 * when the dashboard's query left (fetch wrapped; its answer from resource timing), every long task
 * (over 50 ms). A string, not a function: tsx would wrap a function's inner functions in a
 * helper the page does not have.
 */
const WATCH_MILESTONES = `(() => {
  const marks = (window.__marks = { drawn: [], longTasks: [] });
  const check = () => {
    if (marks.cards === undefined) {
      const values = [...document.querySelectorAll('[data-testid="kpi-value"]')];
      if (values.length >= 4 && values.every((v) => /\\d/.test(v.textContent || ''))) {
        marks.cards = performance.now();
      }
    }
    const drawn = document.querySelectorAll('.chart-panel[data-drawn="true"]').length;
    while (marks.drawn.length < Math.min(drawn, 4)) marks.drawn.push(performance.now());
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ['data-drawn'],
  });
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const sent = performance.now();
    const answer = fetch.apply(this, arguments);
    let operation = '';
    try { operation = JSON.parse(String((init && init.body) || '{}')).operationName || ''; } catch {}
    if (operation === 'BetaDashboard' && marks.request === undefined) marks.request = sent;
    return answer;
  };
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) marks.longTasks.push([task.startTime, task.duration]);
  }).observe({ type: 'longtask', buffered: true });
})();`;

/** Read once the fourth chart is drawn (a string for the same reason as WATCH_MILESTONES). */
const COLLECT_MILESTONES = `(() => {
  const marks = window.__marks;
  const resources = performance.getEntriesByType('resource');
  const loaded = (chunk) =>
    resources.find((r) => r.name.includes('/assets/' + chunk + '-'))?.responseEnd ?? NaN;
  const fourth = marks.drawn[3] ?? performance.now();
  const before = marks.longTasks.filter(([start]) => start < fourth).map(([, d]) => d);
  return {
    page: performance.getEntriesByType('navigation')[0]?.responseEnd ?? NaN,
    viewChunk: loaded('BetaDashboardView'),
    request: marks.request ?? NaN,
    // the query's own entry: the first request to /graphql that left when it was sent
    answer: resources.find((r) => r.name.endsWith('/graphql') && r.startTime >= marks.request - 1)
      ?.responseEnd ?? NaN,
    cards: marks.cards ?? NaN,
    chartChunk: loaded('apex'),
    drawn: marks.drawn,
    longTasks: {
      count: before.length,
      total: before.reduce((a, b) => a + b, 0),
      max: Math.max(0, ...before),
    },
  };
})()`;

/** What one navigation recorded, in ms from its start. */
export interface Milestones {
  /** index.html received. */
  page: number;
  viewChunk: number;
  request: number;
  answer: number;
  cards: number;
  chartChunk: number;
  drawn: number[];
  /** Long tasks before the fourth chart was drawn: how many, their sum and the longest. */
  longTasks: { count: number; total: number; max: number };
}

/** One cold navigation (a fresh browser profile): what it recorded once the 4th chart was drawn. */
async function navigate(
  browser: Browser,
  url: string,
  admin: string,
  trace?: string,
): Promise<Milestones> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(
    (token) => localStorage.setItem('cortex-telemetry.admin-token', token),
    admin,
  );
  await context.addInitScript({ content: WATCH_MILESTONES });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  if (trace) await browser.startTracing(page, { path: trace, screenshots: true });
  await page.goto(url, { waitUntil: 'commit' });
  try {
    await Promise.all(
      CHARTS.map((id) =>
        page.locator(`[data-testid="${id}"][data-drawn="true"]`).waitFor({ timeout: 180_000 }),
      ),
    );
  } catch (error) {
    const alert = await page.getByRole('alert').allTextContents();
    throw new Error(`charts not drawn: ${[...alert, ...problems].join(' | ') || String(error)}`);
  }
  if (trace) await browser.stopTracing();
  const at = (await page.evaluate(COLLECT_MILESTONES)) as Milestones;
  // the panels below the fold query on after the charts: let them finish, or the server would
  // still be computing them during the next run's navigation
  await page.waitForLoadState('networkidle', { timeout: 180_000 });
  await context.close();
  return at;
}

/**
 * RUNS cold navigations to each URL after one warm-up each, alternating between the URLs (one
 * per build), so that every build meets the same machine load. `trace(i)`: where to write a
 * Chromium trace of build i's first measured navigation, if anywhere.
 */
export async function pageTimes(
  browser: Browser,
  urls: string[],
  admin: string,
  trace: (build: number) => string | undefined,
): Promise<Milestones[][]> {
  const runs: Milestones[][] = urls.map(() => []);
  for (let i = 0; i < RUNS + 1; i++) {
    for (const [build, url] of urls.entries()) {
      const at = await navigate(browser, url, admin, i === 1 ? trace(build) : undefined);
      if (i > 0) runs[build]!.push(at);
    }
  }
  return runs;
}

/** p50 and p95 of one milestone over the runs. */
export function spread(runs: Milestones[], pick: (m: Milestones) => number) {
  const sorted = runs.map(pick).sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted.at(-1)! };
}
