import { type Agent, request } from 'node:http';
import { BENCH_INGEST_TOKEN } from './ingest-rows.js';

/** One POST /graphql to the bench server; resolves with the status and the parsed body. */
export function postGraphQL(
  agent: Agent,
  port: number,
  body: string,
  token: string,
): Promise<{ status: number; json: any; text: string }> {
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
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text), text });
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

/** A `recordEvents` batch; resolves with `accepted`, rejects on anything but a clean answer. */
export async function postBatch(agent: Agent, port: number, body: string): Promise<number> {
  const { status, json, text } = await postGraphQL(agent, port, body, BENCH_INGEST_TOKEN);
  const accepted = json?.data?.recordEvents?.accepted as number | undefined;
  if (status !== 200 || accepted === undefined) {
    throw new Error(`recordEvents failed (${status}): ${text.slice(0, 300)}`);
  }
  return accepted;
}
