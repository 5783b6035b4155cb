import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  startTestApp,
  type TestApp,
} from '../../api/test/helpers/app.js';
import { LIVE_REFRESH_MS } from '../src/live';
import { launchChromium, RECORD_EVENTS } from './helpers/browser.js';

/**
 * The /live page in Chromium against the real server: an event sent through the real GraphQL
 * ingest shows at the top, the user filter and the pause live in the URL, a paused page asks the
 * server for nothing, and a row opens the stored record. The page's clock is Playwright's fake
 * one, so "two refresh intervals passed" is a step of the test, not a sleep.
 */
const ARTIFACTS = join(import.meta.dirname, '../../../artifacts');

let app: TestApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  [browser, app] = await Promise.all([launchChromium(), startTestApp()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** A minute ago: recent, and never "in the future" for the server. */
const TIMESTAMP = new Date(Date.now() - 60_000).toISOString();

const event = (n: number, userIdHash: string, eventName: string) => ({
  eventId: id(n),
  eventName,
  timestamp: TIMESTAMP,
  userIdHash,
  sessionId: 's_live',
  channel: 'SERVER',
});

/** Through the real ingest mutation with the ingest token, as a client would send it. */
async function send(events: object[]): Promise<void> {
  const res = await app.gql(RECORD_EVENTS, { events }, INGEST_TOKEN);
  expect(res.data?.recordEvents).toEqual({ accepted: events.length, rejected: 0, errors: [] });
}

/** A signed-in page with a fake clock and a count of the feed requests it sends. */
async function openLive(path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.clock.install();
  await page.addInitScript(() => {
    const w = window as unknown as { liveFeedRequests: number };
    w.liveFeedRequests = 0;
    const original = window.fetch.bind(window);
    window.fetch = (input, init) => {
      if (typeof init?.body === 'string' && init.body.includes('query LiveFeed')) {
        w.liveFeedRequests += 1;
      }
      return original(input, init);
    };
  });
  await page.goto(`${app.baseUrl}${path}`);
  await page.getByTestId('signin-token').fill(ADMIN_TOKEN);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL((url) => url.pathname === '/live');
  return page;
}

const users = (page: Page) => page.getByTestId('live-user').allTextContents();
const whats = (page: Page) => page.getByTestId('live-open').allTextContents();
const feedRequests = (page: Page) =>
  page.evaluate(() => (window as unknown as { liveFeedRequests: number }).liveFeedRequests);

describe('/live', () => {
  it('shows a sent event on top, filters by user, pauses, and opens the record', async () => {
    await send([event(1, 'u_first', 'CONTEXT_LOADED')]);
    const page = await openLive('/live');
    await poll(() => users(page)).toEqual(['u_first']);
    expect((await whats(page)).map((t) => t.trim())).toEqual(['context_loaded']);

    // a second event arrives: the next refresh puts it on top
    await send([event(2, 'u_second', 'SESSION_STARTED')]);
    await page.clock.runFor(LIVE_REFRESH_MS);
    await poll(() => users(page)).toEqual(['u_second', 'u_first']);

    // the user filter: kept in the URL, the other user's row gone
    await page.getByTestId('live-user-filter').fill('u_first');
    await page.getByTestId('live-user-filter').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('user') === 'u_first');
    await poll(() => users(page)).toEqual(['u_first']);

    // paused: five refresh intervals pass, a new event of that user is stored, and the page
    // neither asks the server nor shows it
    await page.getByTestId('live-pause').click();
    await page.waitForURL((url) => url.searchParams.get('paused') === '1');
    expect((await page.getByTestId('live-pause').textContent())?.trim()).toBe('Resume');
    const requestsWhenPaused = await feedRequests(page);
    await send([event(3, 'u_first', 'CONTEXT_RESUMED')]);
    await page.clock.runFor(5 * LIVE_REFRESH_MS);
    expect(await feedRequests(page)).toBe(requestsWhenPaused);
    expect(await users(page)).toEqual(['u_first']);
    await page.screenshot({ path: join(ARTIFACTS, 'live-paused.png'), fullPage: true });

    // resumed: the next refresh brings it
    await page.getByTestId('live-pause').click();
    await page.waitForURL((url) => !url.searchParams.has('paused'));
    await page.clock.runFor(LIVE_REFRESH_MS);
    await poll(() => whats(page)).toEqual(['context_resumed', 'context_loaded']);
    expect(await feedRequests(page)).toBeGreaterThan(requestsWhenPaused);

    // a row opens the stored record, every field as the API names it
    await page.getByTestId('live-open').nth(1).click();
    const record = JSON.parse((await page.getByTestId('live-record').textContent()) ?? '');
    expect(record).toEqual({
      id: id(1),
      timestamp: TIMESTAMP,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      userIdHash: 'u_first',
      userTier: null,
      isPaidUser: false,
      sessionId: 's_live',
      channel: 'SERVER',
      phase: 'OPEN_BETA',
      projectId: null,
      branchId: null,
      contextId: null,
      clientVersion: null,
      metadata: null,
      scrubRules: null,
      eventName: 'CONTEXT_LOADED',
      result: 'success',
      durationMs: null,
    });
    await page.screenshot({ path: join(ARTIFACTS, 'live.png'), fullPage: true });

    // the event-name filter: only that event's rows
    await page.getByTestId('live-user-filter').fill('');
    await page.getByTestId('live-user-filter').press('Enter');
    await page.waitForURL((url) => !url.searchParams.has('user'));
    await page.getByTestId('live-event-filter').selectOption('SESSION_STARTED');
    await page.waitForURL((url) => url.searchParams.get('event') === 'SESSION_STARTED');
    await poll(() => users(page)).toEqual(['u_second']);
    await page.context().close();
  });

  it('opens from a link with its filters and pause, and fits a 390 px phone', async () => {
    const page = await openLive('/live?user=u_second&pipeline=EVENT&paused=1', {
      width: 390,
      height: 844,
    });
    await poll(() => users(page)).toEqual(['u_second']);
    expect(await page.getByTestId('live-user-filter').inputValue()).toBe('u_second');
    expect(await page.getByTestId('live-pipeline-filter').inputValue()).toBe('EVENT');
    expect((await page.getByTestId('live-pause').textContent())?.trim()).toBe('Resume');
    await page.getByTestId('live-open').first().click();
    await page.getByTestId('live-record').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await page.screenshot({ path: join(ARTIFACTS, 'live-phone.png'), fullPage: true });

    // nothing matches: the page says so and where refused items are
    await page.getByTestId('live-user-filter').fill('nobody');
    await page.getByTestId('live-user-filter').press('Enter');
    await poll(async () => (await page.getByTestId('live-empty').textContent()) ?? '').toContain(
      'Nothing received that matches these filters',
    );
    await page.context().close();
  });
});
