import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlTransaction } from '../../db/sql.js';
import type { DeliveryKind, DestinationFormat } from './alert-kinds.js';
import { insertDeliveries } from './deliveries.sql.js';
import { getDestinations } from './destinations.sql.js';
import { buildPayload, type PayloadFacts, renderBody } from './payload.js';
import type { AlertRuleRow } from './rules.sql.js';

/** Deliveries are retried for a day, then given up (docs/alerts.md#retries). */
export const DELIVERY_GIVE_UP_MS = 24 * 3_600_000;

const ruleFacts = (row: AlertRuleRow) => ({
  id: row.id,
  name: row.name,
  metric: row.metric,
  stackHash: row.stack_hash,
  operation: row.operation,
  condition: row.condition,
  threshold: row.threshold,
  changeMode: row.change_mode,
  phase: row.phase,
  channel: row.channel,
});

/** One notification: its kind and the body each destination format receives. */
export interface Notice {
  kind: DeliveryKind;
  body: (format: DestinationFormat) => string;
}

export const alertNotice = (
  row: AlertRuleRow,
  kind: DeliveryKind,
  facts: Omit<PayloadFacts, 'kind' | 'rule'>,
): Notice => {
  const payload = buildPayload({ ...facts, kind, rule: ruleFacts(row) });
  return { kind, body: (format) => renderBody(format, payload) };
};

/** One outbox row per destination and notice, in the transaction that made the change. */
export async function queue(
  em: EntityManager,
  ruleId: string,
  notices: Notice[],
  now: Date,
  transaction?: SqlTransaction,
): Promise<string[]> {
  if (notices.length === 0) return [];
  const destinations = await getDestinations(em, [ruleId], transaction);
  const deliveries = notices.flatMap((notice) =>
    destinations.map((d) => ({
      id: crypto.randomUUID(),
      ruleId,
      destinationId: d.id,
      kind: notice.kind,
      body: notice.body(d.format as DestinationFormat),
      createdAt: now.toISOString(),
      giveUpAt: new Date(now.getTime() + DELIVERY_GIVE_UP_MS).toISOString(),
    })),
  );
  if (deliveries.length > 0) await insertDeliveries(em, deliveries, transaction);
  return deliveries.map((d) => d.id);
}
