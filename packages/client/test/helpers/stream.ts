import { setTimeout as sleep } from 'node:timers/promises';
import type { TelemetryClient } from '../../src/index.js';
import { testClient } from './clients.js';

/**
 * Several clients emitting a paced stream (so a fault can land in the middle of it). Each event
 * carries `{ client, seq }` in its metadata; `ids` collects the eventIds the clients generated,
 * via `beforeSend`, to compare with what PostgreSQL holds.
 */
export interface Stream {
  clients: TelemetryClient[];
  ids: Set<string>;
  /** Resolves when every event has been emitted (not yet delivered). */
  emitted: Promise<void>;
  retries: () => number;
  /** Why sends were retried (`RETRYING` reports): `HTTP 503`, `fetch failed` … */
  reasons: string[];
}

export function startStream(
  endpointBase: string,
  options: {
    clients: number;
    perClient: number;
    chunk: number;
    pauseMs: number;
    maxRetryAfterMs?: number;
  },
): Stream {
  const ids = new Set<string>();
  const reasons: string[] = [];
  const clients = Array.from({ length: options.clients }, (_, c) => {
    const { client } = testClient(endpointBase, {
      defaults: { userIdHash: `u_stream_${c}`, sessionId: `s_${c}`, channel: 'server' },
      flushAt: 100,
      maxBatchSize: 200,
      retry: { baseMs: 20, maxMs: 250, maxRetryAfterMs: options.maxRetryAfterMs ?? 300_000 },
      requestTimeoutMs: 3000,
      onError: (e) => {
        if (e.code === 'RETRYING') reasons.push(e.message);
        else throw new Error(`unexpected ${e.code}: ${e.message}`);
      },
      beforeSend: (item) => {
        if (item.kind === 'event') ids.add(item.data.eventId);
        return item;
      },
    });
    return client;
  });
  const emitOne = async (client: TelemetryClient, c: number) => {
    for (let seq = 0; seq < options.perClient; ) {
      for (let k = 0; k < options.chunk && seq < options.perClient; k++, seq++) {
        client.emitEvent('server_operation_called', { metadata: { client: c, seq } });
      }
      await sleep(options.pauseMs);
    }
  };
  const emitted = Promise.all(clients.map(emitOne)).then(() => undefined);
  return {
    clients,
    ids,
    emitted,
    retries: () => clients.reduce((sum, c) => sum + c.stats().retries, 0),
    reasons,
  };
}
