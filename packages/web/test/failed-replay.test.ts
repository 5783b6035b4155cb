import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../api/test/helpers/app.js';
import { launchChromium, openDashboard, reasons, signIn } from './helpers/browser.js';

/**
 * The failed page's replay, in Chromium against the real server. Three event items were refused
 * 3 h ago; two for a timestamp then 2 h in the future (now an hour ago, so they pass today), one
 * for its user id (still refused). Newest first, they show as: fresh (id 3), bad user (2), late (1).
 */
let app: TestApp;
let browser: Awaited<ReturnType<typeof launchChromium>>;

const AN_HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString();
const RECEIVED = new Date(Date.now() - 3 * 3_600_000).toISOString();
const event = (eventId: string, userIdHash: string) => ({
  eventId,
  eventName: 'session_started',
  timestamp: AN_HOUR_AGO,
  userIdHash,
  sessionId: 's_1',
  channel: 'web',
});
const USER_ID_RULE =
  'userIdHash: must be 1–128 characters of [A-Za-z0-9_.:-] (a hash, never an e-mail)';

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startTestApp()]);
  const items = [
    ['timestamp: too far in the future', event('00000000-0000-4000-9000-000000000001', 'u_late')],
    ['userIdHash: (an older rule)', event('00000000-0000-4000-9000-000000000002', 'bad user')],
    ['timestamp: too far in the future', event('00000000-0000-4000-9000-000000000003', 'u_fresh')],
  ] as const;
  for (const [reason, payload] of items) {
    await app.sql(
      `insert into telemetry_failed_items (received_at, pipeline, mutation, item_index, reason, payload)
       values (?::timestamptz, 'event', 'recordEvents', 0, ?, ?)`,
      [RECEIVED, reason, JSON.stringify(payload)],
    );
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });
const replayed = (page: Page) =>
  page
    .locator('tr.failed-item')
    .evaluateAll((rows) =>
      rows.map(
        (row) => row.querySelector('[data-testid="failed-item-replay"]')?.textContent?.trim() ?? '',
      ),
    );

describe('replaying failed items from /failed', () => {
  it('replays the selected rows, then everything the filter matches, and shows what came of it', async () => {
    const page = await openDashboard(browser, app.baseUrl, '/failed');
    await signIn(page, ADMIN_TOKEN);
    await poll(() => reasons(page).count()).toBe(3);
    const selects = page.getByTestId('failed-item-select');
    const replaySelected = page.getByTestId('replay-selected');
    expect(await replaySelected.isDisabled()).toBe(true);

    // the late one and the bad user: one passes, one still fails with today's reason
    await selects.nth(1).check();
    await selects.nth(2).check();
    expect((await replaySelected.textContent())?.trim()).toBe('Replay selected (2)');
    await replaySelected.click();
    await poll(() => page.getByTestId('replay-answer').textContent()).toContain(
      'Replayed 2: 1 accepted, 0 already stored, 1 still failing.',
    );
    await poll(() => replayed(page)).toEqual([
      '',
      'Replayed just now: still failing',
      'Replayed just now: accepted',
    ]);
    expect(await reasons(page).allTextContents()).toEqual([
      'timestamp: too far in the future',
      USER_ID_RULE,
      'timestamp: too far in the future',
    ]);
    // the selection was sent and cleared
    expect((await replaySelected.textContent())?.trim()).toBe('Replay selected (0)');

    // select all, then none
    const all = page.getByTestId('failed-select-all');
    await all.check();
    expect((await replaySelected.textContent())?.trim()).toBe('Replay selected (3)');
    expect(await selects.evaluateAll((s) => s.map((x) => (x as HTMLInputElement).checked))).toEqual(
      [true, true, true],
    );
    await all.uncheck();
    expect((await replaySelected.textContent())?.trim()).toBe('Replay selected (0)');

    // all of the event pipeline: the fresh one passes, the late one was stored already
    await page.getByLabel('Pipeline').selectOption('EVENT');
    await poll(() => reasons(page).count()).toBe(3);
    await page.getByTestId('replay-matching').click();
    await poll(() => page.getByTestId('replay-answer').textContent()).toContain(
      'Replayed 3: 1 accepted, 1 already stored, 1 still failing.',
    );
    await poll(() => replayed(page)).toEqual([
      'Replayed just now: accepted',
      'Replayed just now: still failing',
      'Replayed just now: already stored',
    ]);
    // what the page said is what the server stored: two users' events
    const stored = await app.sql('select user_id_hash from telemetry_events order by 1');
    expect(stored).toEqual([{ user_id_hash: 'u_fresh' }, { user_id_hash: 'u_late' }]);
    await page.context().close();
  });
});
