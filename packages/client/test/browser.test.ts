import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from '../../api/test/helpers/app.js';
import { waitFor } from '../../api/test/helpers/wait.js';
import { startProxy } from './helpers/proxy.js';

/**
 * The browser entry in headless Chromium against the real server. Bundling it for the browser
 * platform fails on any Node built-in, so a passing bundle is the proof that the entry has no
 * Node imports; the page then queues events that only the page-hide path can send.
 */
const ENTRY = fileURLToPath(new URL('../src/browser.ts', import.meta.url));
let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  app = await startTestApp();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('browser entry', () => {
  it('has no Node imports and sends queued items with keepalive when the page goes away', async () => {
    const bundle = await build({
      entryPoints: [ENTRY],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      conditions: ['source'],
      logLevel: 'silent',
    });
    const page = `<!doctype html><script type="module">
      import { TelemetryClient } from '/client.js';
      window.telemetry = new TelemetryClient({
        endpoint: location.origin + '/graphql',
        token: ${JSON.stringify(INGEST_TOKEN)},
        defaults: { userIdHash: 'u_browser', sessionId: 's_tab', channel: 'web' },
        flushAt: 1000,
        flushIntervalMs: 600000,
      });
      for (const name of ['web_view_opened', 'context_loaded', 'context_resumed']) {
        window.telemetry.emitEvent(name);
      }
      window.queued = window.telemetry.stats().queued;
    </script>`;
    // same origin for the page and /graphql (the API sends no CORS headers)
    const proxy = await startProxy(app.baseUrl, {
      pages: {
        '/': { type: 'text/html', body: page },
        '/client.js': { type: 'text/javascript', body: bundle.outputFiles[0]!.text },
      },
    });
    try {
      const tab = await (await browser.newContext()).newPage();
      await tab.goto(`${proxy.url}/`);
      expect(
        await tab.waitForFunction(() => (window as any).queued).then((h) => h.jsonValue()),
      ).toBe(3);
      // the interval is 10 min and flushAt 1000: nothing has been sent yet
      expect(proxy.arrivals).toHaveLength(0);
      await tab.goto('about:blank'); // pagehide: the only way these 3 events can leave now
      const rows = await waitFor('the 3 events of the closed page', async () => {
        const r = await app.sql(
          `select event_name from telemetry_events where user_id_hash = 'u_browser' order by event_name`,
        );
        return r.length === 3 && r;
      });
      expect(rows.map((r: any) => r.event_name)).toEqual([
        'context_loaded',
        'context_resumed',
        'web_view_opened',
      ]);
      expect(proxy.arrivals).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
