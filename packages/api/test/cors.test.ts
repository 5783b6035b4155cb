import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

/**
 * CORS (docs/api.md#cors): no request uses cookies, so no credentials flag; by default any
 * origin may call (a web view's origin is not known in advance); `CORS_ORIGINS` narrows it.
 */
let open: TestApp;
let narrowed: TestApp;
beforeAll(async () => {
  [open, narrowed] = await Promise.all([
    startTestApp(),
    startTestApp({ CORS_ORIGINS: 'https://app.cortex.dev, vscode-webview://cortex' }),
  ]);
});
afterAll(async () => Promise.all([open?.close(), narrowed?.close()]));

const preflight = (app: TestApp, origin: string) =>
  fetch(`${app.baseUrl}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

const corsHeaders = (res: Response) => ({
  origin: res.headers.get('access-control-allow-origin'),
  credentials: res.headers.get('access-control-allow-credentials'),
  methods: res.headers.get('access-control-allow-methods'),
  headers: res.headers.get('access-control-allow-headers'),
});

describe('CORS', () => {
  it('by default answers any origin, without Access-Control-Allow-Credentials', async () => {
    const res = await preflight(open, 'https://anywhere.example');
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({
      origin: 'https://anywhere.example',
      credentials: null,
      methods: 'GET, POST',
      headers: 'authorization, content-type',
    });
  });

  it('an actual request carries the origin header back, still without credentials', async () => {
    const res = await fetch(`${open.baseUrl}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://anywhere.example', 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(res.status).toBe(401); // no token: CORS headers still let the page read why
    expect(corsHeaders(res).origin).toBe('https://anywhere.example');
    expect(corsHeaders(res).credentials).toBeNull();
  });

  it('with CORS_ORIGINS set, a listed origin (web view scheme included) is allowed', async () => {
    for (const origin of ['https://app.cortex.dev', 'vscode-webview://cortex']) {
      const res = await preflight(narrowed, origin);
      expect(corsHeaders(res)).toEqual({
        origin,
        credentials: null,
        methods: 'GET, POST',
        headers: 'authorization, content-type',
      });
    }
  });

  it("the HTTP front's own refusals carry CORS too, so a page can read them (413 here)", async () => {
    const res = await fetch(`${narrowed.baseUrl}/graphql`, {
      method: 'POST',
      headers: { origin: 'vscode-webview://cortex', 'content-type': 'application/json' },
      body: 'x'.repeat(2 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('access-control-allow-origin')).toBe('vscode-webview://cortex');
    // a 429's Retry-After must be readable from JavaScript
    expect(res.headers.get('access-control-expose-headers')).toBe('retry-after');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('with CORS_ORIGINS set, any other origin gets no CORS header at all', async () => {
    const res = await preflight(narrowed, 'https://evil.example');
    expect(corsHeaders(res)).toEqual({
      origin: null,
      credentials: null,
      methods: null,
      headers: null,
    });
  });
});
