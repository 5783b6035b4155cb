import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Delivery } from './delivery.js';
import { FileStore } from './file-store.js';
import { TelemetryClient } from './index.js';
import { parseRetryAfter } from './transport.js';
import type { TelemetryError, TelemetryItem } from './types.js';

/** The delivery rules that need no server: a stub `fetch` decides each answer. */
const ok = (kinds: string[]) =>
  new Response(
    JSON.stringify({
      data: Object.fromEntries(
        kinds.map((k) => [k, { accepted: 1, duplicates: 0, rejected: 0, errors: [] }]),
      ),
    }),
  );

function stubClient(answer: (body: string) => Response, extra = {}) {
  const bodies: string[] = [];
  const errors: TelemetryError[] = [];
  const client = new TelemetryClient({
    endpoint: 'http://stub/graphql',
    token: 't',
    defaults: { userIdHash: 'u', channel: 'server' },
    flushAt: 1000,
    flushIntervalMs: 60_000,
    retry: { baseMs: 1, maxMs: 5 },
    fetch: async (_url, init) => {
      const body = String(init?.body);
      bodies.push(body);
      return answer(body);
    },
    onError: (e) => {
      if (e.code !== 'RETRYING') errors.push(e);
    },
    ...extra,
  });
  return { client, bodies, errors };
}

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});

describe('backoff', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const delivery = new Delivery({
    endpoint: '',
    token: '',
    flushAt: 1,
    flushIntervalMs: 1,
    maxBatchSize: 1,
    baseMs: 100,
    maxMs: 1000,
    maxRetryAfterMs: 5000,
    requestTimeoutMs: 1,
    fetch,
    store: null,
    report: () => {},
    makeError: () => {
      throw new Error('unused');
    },
  });

  it('doubles from baseMs up to maxMs, jittered within [ceiling/2, ceiling]', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    // ceilings 100, 200, 400, 800, min(1000, 1600) = 1000 → the lower halves
    expect([1, 2, 3, 4, 5].map((n) => delivery.backoff(n, null))).toEqual([50, 100, 200, 400, 500]);
    vi.spyOn(Math, 'random').mockReturnValue(1);
    expect([1, 2, 3, 4, 5].map((n) => delivery.backoff(n, null))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('waits at least Retry-After (capped), plus up to 20 % / 1 s', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(delivery.backoff(7, 3000)).toBe(3000);
    vi.spyOn(Math, 'random').mockReturnValue(1);
    expect(delivery.backoff(7, 3000)).toBe(3600); // 3000 + 20 %
    expect(delivery.backoff(1, 9000)).toBe(6000); // capped at 5000, + at most 1 s
  });
});

describe('delivery loop', () => {
  it('splits a refused request until the bad item stands alone; the others are stored', async () => {
    // the stub refuses (400) any request carrying the poisoned item, like a GraphQL type error
    const { client, bodies, errors } = stubClient((body) =>
      body.includes('poison')
        ? new Response('{"errors":[{"message":"bad"}]}', { status: 400 })
        : ok(['event']),
    );
    for (let i = 0; i < 5; i++) {
      client.emitEvent('session_started', { metadata: { tag: i === 2 ? 'poison' : `ok${i}` } });
    }
    expect(await client.flush()).toBe(true);
    // [0-4] ✗ → [0,1,2] ✗ → [0,1] ✓ → [2,3] ✗ → [2] ✗ rejected → [3] ✓ → [4] ✓ : 7 requests
    const items = bodies.map((b) => (b.match(/"tag":"(\w+)"/g) ?? []).map((t) => t.slice(7, -1)));
    expect(items).toEqual([
      ['ok0', 'ok1', 'poison', 'ok3', 'ok4'],
      ['ok0', 'ok1', 'poison'],
      ['ok0', 'ok1'],
      ['poison', 'ok3'],
      ['poison'],
      ['ok3'],
      ['ok4'],
    ]);
    expect(errors.map((e) => [e.code, e.message])).toEqual([['REJECTED', 'bad']]);
    expect(client.stats()).toMatchObject({ delivered: 4, rejected: 1, queued: 0 });
  });

  it('re-sends a failed batch with the same ids and a new sentAt', async () => {
    let n = 0;
    const { client, bodies } = stubClient(() =>
      n++ < 2 ? new Response('', { status: 502 }) : ok(['event']),
    );
    client.emitEvent('context_loaded');
    expect(await client.flush()).toBe(true);
    expect(bodies).toHaveLength(3);
    const ids = bodies.map((b) => JSON.parse(b).variables.e[0].eventId);
    expect(new Set(ids).size).toBe(1);
    expect(bodies.every((b) => typeof JSON.parse(b).variables.at === 'string')).toBe(true);
    expect(client.stats().retries).toBe(2);
  });

  it('drops a batch the server refuses the token for, reported once, never retried', async () => {
    const { client, bodies, errors } = stubClient(() => new Response('no', { status: 401 }));
    client.emitEvent('context_loaded');
    client.emitEvent('context_loaded');
    expect(await client.flush()).toBe(true);
    expect(bodies).toHaveLength(1);
    expect(errors.map((e) => e.code)).toEqual(['UNAUTHORIZED']);
    expect(errors[0]!.message).toMatch(/^2 item\(s\) dropped: HTTP 401/);
    expect(errors[0]!.status).toBe(401);
    expect(errors[0]!.items).toHaveLength(2);
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [403, 'UNAUTHORIZED'],
    [404, 'WRONG_ENDPOINT'],
    [405, 'WRONG_ENDPOINT'],
  ])(
    'HTTP %i is reported as %s with the status and the dropped items, never retried',
    async (status, code) => {
      const { client, bodies, errors } = stubClient(() => new Response('', { status }));
      client.emitEvent('context_loaded', { eventId: '6f1c1b1e-8d5a-4a57-9a53-0d2f3b8f1a01' });
      expect(await client.flush()).toBe(true);
      expect(bodies).toHaveLength(1);
      expect(errors.map((e) => [e.code, e.status, e.items?.map((i) => i.data)])).toEqual([
        [
          code,
          status,
          [expect.objectContaining({ eventId: '6f1c1b1e-8d5a-4a57-9a53-0d2f3b8f1a01' })],
        ],
      ]);
      expect(client.stats()).toMatchObject({ queued: 0, delivered: 0, rejected: 1 });
    },
  );

  it('never throws into the host, even when onError and beforeSend throw', () => {
    const client = new TelemetryClient({
      endpoint: 'http://stub/graphql',
      token: 't',
      defaults: { userIdHash: 'u', channel: 'server' },
      beforeSend: () => {
        throw new Error('hook bug');
      },
      onError: () => {
        throw new Error('handler bug');
      },
      fetch: async () => ok(['event']),
    });
    expect(() => client.emitEvent('context_loaded')).not.toThrow();
    expect(() => client.trackError('a string, not an Error')).not.toThrow();
    expect(client.stats()).toMatchObject({ filtered: 2, queued: 0 });
  });
});

describe('file-backed queue', () => {
  const item = (id: string): TelemetryItem => ({
    kind: 'event',
    data: {
      eventId: id,
      eventName: 'context_loaded',
      timestamp: '2026-11-25T10:00:00.000Z',
      userIdHash: 'u',
      channel: 'server',
    },
  });

  it('replays queued minus settled, skips a torn last line, and rewrites the log compactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ct-store-'));
    try {
      const first = new FileStore(dir);
      expect(first.restored).toEqual([]);
      for (const id of ['a', 'b', 'c', 'd']) first.append(item(id));
      first.settle([item('b'), item('d')]);
      await first.close();
      // a crash in the middle of a write leaves half a line
      await writeFile(
        join(dir, 'queue.log'),
        `${await readFile(join(dir, 'queue.log'), 'utf8')}{"q":{"kind":"ev`,
      );

      const second = new FileStore(dir);
      // a, b, c, d queued; b, d settled; the torn record ignored → a, c
      expect(second.restored.map((i) => (i.data as { eventId: string }).eventId)).toEqual([
        'a',
        'c',
      ]);
      await second.close();
      const log = (await readFile(join(dir, 'queue.log'), 'utf8')).trim().split('\n');
      expect(log).toHaveLength(2); // rewritten on open: only the live items remain
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
