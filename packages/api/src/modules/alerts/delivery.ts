import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/sql.js';
import { claimDueDeliveries, type DeliveryRow, recordAttempt } from './deliveries.sql.js';
import { getDestinations } from './destinations.sql.js';
import { signature } from './payload.js';
import { checkDestinationUrl } from './url-check.js';

/** Capped exponential backoff (docs/alerts.md#retries): 30 s, 1 min, 2 min, … at most 1 h. */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 3_600_000;
const CLAIM_BATCH = 20;
/** A claimed delivery is retried by another worker if this one has not answered by then. */
const LEASE_MS = 120_000;
const REQUEST_TIMEOUT_MS = 10_000;

export const backoffMs = (attempts: number) =>
  Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
  /** Worth another attempt: a network error, 5xx or 429. */
  retry: boolean;
  delivered: boolean;
  retryAfterMs: number | null;
}

async function post(
  delivery: DeliveryRow,
  destination: { url: string; secret: string },
  options: { allowPrivateUrls: boolean; now: Date },
): Promise<Outcome> {
  try {
    await checkDestinationUrl(destination.url, 'url', options.allowPrivateUrls);
  } catch (error) {
    return {
      statusCode: null,
      error: (error as Error).message,
      retry: false,
      delivered: false,
      retryAfterMs: null,
    };
  }
  try {
    const response = await fetch(destination.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'cortex-telemetry-alerts/1',
        'x-cortex-signature': signature(destination.secret, delivery.body),
        'x-cortex-delivery': delivery.id,
      },
      body: delivery.body,
      // a redirect could lead anywhere, past the address check: it counts as a refusal
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => undefined);
    const status = response.status;
    return {
      statusCode: status,
      error: null,
      delivered: status >= 200 && status < 300,
      retry: status === 429 || status >= 500,
      retryAfterMs: retryAfterMs(response.headers.get('retry-after'), options.now),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      statusCode: null,
      error: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
      retry: true,
      delivered: false,
      retryAfterMs: null,
    };
  }
}

/**
 * Delivers what is due at `now` from the outbox: one POST per delivery, each attempt logged.
 * Retried (network errors, 5xx, 429 honouring `Retry-After`) with capped exponential backoff
 * until 24 h after the delivery was queued; any other answer ends it. Answers how many
 * deliveries it attempted.
 */
export async function deliverDue(
  em: EntityManager,
  now: Date,
  options: { allowPrivateUrls: boolean },
): Promise<number> {
  const claimed = await claimDueDeliveries(em, now, CLAIM_BATCH, LEASE_MS);
  if (claimed.length === 0) return 0;
  const destinations = new Map(
    (await getDestinations(em, [...new Set(claimed.map((d) => d.rule_id))])).map((d) => [d.id, d]),
  );
  await Promise.all(
    claimed.map(async (delivery) => {
      const destination = destinations.get(delivery.destination_id);
      const outcome: Outcome = destination
        ? await post(delivery, destination, { allowPrivateUrls: options.allowPrivateUrls, now })
        : {
            statusCode: null,
            error: 'the destination was removed',
            retry: false,
            delivered: false,
            retryAfterMs: null,
          };
      const attempts = delivery.attempts + 1;
      const next = new Date(now.getTime() + (outcome.retryAfterMs ?? backoffMs(attempts)));
      const giveUp = new Date(delivery.give_up_at).getTime();
      const status = outcome.delivered
        ? 'delivered'
        : outcome.retry && next.getTime() <= giveUp
          ? 'pending'
          : 'failed';
      await inTransaction(em, (transaction) =>
        recordAttempt(
          em,
          {
            id: crypto.randomUUID(),
            deliveryId: delivery.id,
            attemptedAt: now,
            statusCode: outcome.statusCode,
            error: outcome.error,
            status,
            nextAttemptAt: status === 'pending' ? next : now,
          },
          transaction,
        ),
      );
    }),
  );
  return claimed.length;
}
