import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Browser tests drive the built dashboard (`dist/`) served by the real API in Debian's
 * Chromium. They never build: the root `test` script builds first, and a missing build fails
 * the test with the command to run rather than testing something stale or nothing at all.
 */
const DIST_INDEX = join(import.meta.dirname, '../../dist/index.html');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const STORAGE_KEY = 'cortex-telemetry.admin-token';

export const RECORD_EVENTS = /* GraphQL */ `
  mutation ($events: [EventInput!]!) {
    recordEvents(events: $events) { accepted rejected errors { index message } }
  }`;

/** A valid event but for its user id (an e-mail is refused), so the server rejects it alone. */
export const invalidEvent = (userIdHash: string) => ({
  eventName: 'CONTEXT_LOADED',
  timestamp: '2026-11-20T10:00:00.000Z',
  userIdHash,
  sessionId: 's_1',
  channel: 'SERVER',
});

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(DIST_INDEX)) {
    throw new Error(
      `${DIST_INDEX} is missing: build the dashboard first ` +
        '(`npx -y pnpm@12.4.2 --filter @cortex-telemetry/web build`; the root `test` script builds).',
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\`.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
    ],
  });
}

/** A fresh browser profile (empty localStorage) on a dashboard page (sign-in comes first). */
export async function openDashboard(
  browser: Browser,
  baseUrl: string,
  path = '/failed',
  viewport = { width: 1280, height: 800 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${baseUrl}${path}`);
  return page;
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Admin or viewer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export const storedToken = (page: Page) =>
  page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY);

/** The reason cell of every failed item on the page, in display order. */
export const reasons = (page: Page) => page.getByTestId('failed-item-reason');
