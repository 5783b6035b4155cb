import { type Agent, request } from 'node:http';
import { BENCH_INGEST_TOKEN } from './ingest-rows.js';

/** One POST /graphql to the bench server; resolves with the status and the parsed body. */
export function postGraphQL(
  agent: Agent,
  port: number,
  body: string,
  token: string,
): Promise<{ status: number; json: any; text: string; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        port,
        host: '127.0.0.1',
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            const retryAfter = res.headers['retry-after'] ?? null;
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text), text, retryAfter });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** 503s the server answered with `Retry-After` (admission control) since the last `takePauses`. */
let pauses = 0;
export function takePauses(): number {
  const taken = pauses;
  pauses = 0;
  return taken;
}

/**
 * A `recordEvents` batch; resolves with `accepted`, rejects on anything but a clean answer. A
 * 503 with `Retry-After` (ingest paused while the fold catches up) is waited out and the batch
 * resent, as the SDK does: the time paused counts in the rate.
 */
export async function postBatch(agent: Agent, port: number, body: string): Promise<number> {
  for (;;) {
    const { status, json, text, retryAfter } = await postGraphQL(
      agent,
      port,
      body,
      BENCH_INGEST_TOKEN,
    );
    if (status === 503 && retryAfter !== null) {
      pauses++;
      await new Promise((resume) => setTimeout(resume, Number(retryAfter) * 1000));
      continue;
    }
    const accepted = json?.data?.recordEvents?.accepted as number | undefined;
    if (status !== 200 || accepted === undefined) {
      throw new Error(`recordEvents failed (${status}): ${text.slice(0, 300)}`);
    }
    return accepted;
  }
}
