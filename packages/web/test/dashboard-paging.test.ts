import { afterAll, beforeAll, expect, it } from 'vitest';
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
  signIn,
} from './helpers/browser.js';

let app: TestApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  browser = await launchChromium();
  app = await startTestApp();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

it('pages through the rejected items with "Load more", newest first, none twice', async () => {
  // two batches, 1 + 24 rejections: a page of 20, then the last 5
  const batches = [['alice@example.com'], Array.from({ length: 24 }, (_, i) => `user ${i}`)];
  for (const users of batches) {
    const ingest = await app.gql(RECORD_EVENTS, { events: users.map(invalidEvent) }, INGEST_TOKEN);
    expect(ingest.data?.recordEvents).toMatchObject({ rejected: users.length });
  }
  const page = await openDashboard(browser, app.baseUrl);
  await signIn(page, ADMIN_TOKEN);
  const positions = page.getByText(/^recordEvents #\d+$/);
  const shown = async () =>
    (await positions.allTextContents()).map((text) => Number(text.split('#')[1]));

  await positions.first().waitFor();
  // the second batch, last item first
  expect(await shown()).toEqual(Array.from({ length: 20 }, (_, i) => 23 - i));

  await page.getByRole('button', { name: 'Load more' }).click();
  await positions.nth(20).waitFor();
  expect(await shown()).toEqual([...Array.from({ length: 24 }, (_, i) => 23 - i), 0]);
  expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  await page.context().close();
});
