import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP stub in front of the real server: it can answer a request itself (429, 503 …)
 * or delay it, records when each request arrived, and adds up the `accepted` / `duplicates`
 * of the server's answers — so a test can tell "stored once" from "sent twice".
 */
export interface Proxy {
  url: string;
  arrivals: number[];
  totals: { accepted: number; duplicates: number };
  close: () => Promise<void>;
}

export interface ProxyOptions {
  /** Answer request number `n` (from 0) here instead of forwarding it; null forwards. */
  intercept?: (n: number) => { status: number; headers?: Record<string, string> } | null;
  delayMs?: number;
  /** GET paths answered with fixed content (a test page and its script); GETs are not forwarded. */
  pages?: Record<string, { type: string; body: string }>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function startProxy(target: string, options: ProxyOptions = {}): Promise<Proxy> {
  const arrivals: number[] = [];
  const totals = { accepted: 0, duplicates: 0 };
  const server = createServer(async (req, res) => {
    if (req.method === 'GET') {
      // only the given pages (a browser also asks for /favicon.ico): not counted as arrivals
      const page = options.pages?.[req.url ?? ''];
      if (page) res.writeHead(200, { 'content-type': page.type }).end(page.body);
      else res.writeHead(404).end();
      return;
    }
    const n = arrivals.push(performance.now()) - 1;
    const payload = await body(req);
    const answer = options.intercept?.(n);
    if (answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify({ errors: [{ message: `stub ${answer.status}` }] }));
      return;
    }
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    try {
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': 'application/json',
          authorization: req.headers.authorization ?? '',
        },
        body: new Uint8Array(payload),
      });
      const text = await upstream.text();
      try {
        const data = (JSON.parse(text) as { data?: Record<string, Record<string, number>> }).data;
        for (const result of Object.values(data ?? {})) {
          totals.accepted += result?.accepted ?? 0;
          totals.duplicates += result?.duplicates ?? 0;
        }
      } catch {
        // not JSON: passed on as it is
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(text);
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    totals,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
