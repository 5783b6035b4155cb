import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql, type SqlTransaction } from '../../db/sql.js';
import { withDates } from './dates.js';

export interface DeliveryRow {
  id: string;
  rule_id: string;
  destination_id: string;
  kind: string;
  body: string;
  status: string;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  give_up_at: Date;
  finished_at: Date | null;
}

const deliveryDates = withDates<DeliveryRow>(
  'created_at',
  'next_attempt_at',
  'give_up_at',
  'finished_at',
);

export interface NewDelivery {
  id: string;
  ruleId: string;
  destinationId: string;
  kind: string;
  /** The exact bytes POSTed on every attempt, so the signature is the same each time. */
  body: string;
  createdAt: string;
  giveUpAt: string;
}

/* The outbox: one row per destination, due at once. */
const insertDeliveriesSql = `
insert into alert_deliveries (id, rule_id, destination_id, kind, body, created_at,
  next_attempt_at, give_up_at)
select d.id, d."ruleId", d."destinationId", d.kind, d.body, d."createdAt", d."createdAt",
  d."giveUpAt"
from jsonb_to_recordset(:deliveries::jsonb) as d(id uuid, "ruleId" uuid, "destinationId" uuid,
  kind text, body text, "createdAt" timestamptz, "giveUpAt" timestamptz)`;

export const insertDeliveries = (
  em: EntityManager,
  deliveries: NewDelivery[],
  transaction?: SqlTransaction,
) =>
  runSql(
    em,
    insertDeliveriesSql,
    { deliveries: JSON.stringify(deliveries) },
    { name: 'insertAlertDeliveries', result: 'rowCount', transaction, bindParameters: true },
  );

/*
 * Claims up to `:limit` due deliveries for `:leaseMs`: their next attempt moves past the lease,
 * so another replica's worker skips them, and a worker that dies mid-POST leaves them due again
 * when the lease runs out (at least once).
 */
const claimDueSql = `
update alert_deliveries set next_attempt_at = :now::timestamptz + make_interval(secs => :leaseMs / 1000.0)
where id in (
  select id from alert_deliveries
  where status = 'pending' and next_attempt_at <= :now::timestamptz
  order by next_attempt_at, id limit :limit
  for update skip locked
)
returning *`;

export const claimDueDeliveries = (em: EntityManager, now: Date, limit: number, leaseMs: number) =>
  runSql<DeliveryRow>(
    em,
    claimDueSql,
    { now: now.toISOString(), limit, leaseMs },
    { name: 'claimDueAlertDeliveries' },
  ).then(deliveryDates);

export interface AttemptWrite {
  id: string;
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  /** The delivery afterwards: still `pending` (retried at `nextAttemptAt`), `delivered`, `failed`. */
  status: string;
  nextAttemptAt: Date;
}

const insertAttemptSql = `
insert into alert_delivery_attempts (id, delivery_id, attempted_at, status_code, error)
values (:id::uuid, :deliveryId::uuid, :attemptedAt::timestamptz, :statusCode, :error)`;

const updateDeliverySql = `
update alert_deliveries set attempts = attempts + 1, status = :status,
  next_attempt_at = :nextAttemptAt::timestamptz,
  finished_at = case when :status = 'pending' then null else :attemptedAt::timestamptz end
where id = :deliveryId::uuid`;

/** One attempt and its outcome on the delivery, in one transaction. */
export async function recordAttempt(
  em: EntityManager,
  a: AttemptWrite,
  transaction: SqlTransaction,
): Promise<void> {
  const values = {
    id: a.id,
    deliveryId: a.deliveryId,
    attemptedAt: a.attemptedAt.toISOString(),
    statusCode: a.statusCode,
    error: a.error,
    status: a.status,
    nextAttemptAt: a.nextAttemptAt.toISOString(),
  };
  await runSql(em, insertAttemptSql, values, {
    name: 'insertAlertDeliveryAttempt',
    result: 'rowCount',
    transaction,
  });
  await runSql(em, updateDeliverySql, values, {
    name: 'updateAlertDelivery',
    result: 'rowCount',
    transaction,
  });
}

/* The last `:perRule` deliveries of each given rule, newest first. */
const getDeliveriesSql = `
select id, rule_id, destination_id, kind, body, status, attempts, created_at, next_attempt_at,
  give_up_at, finished_at from (
  select d.*, row_number() over (partition by rule_id order by created_at desc, id) as n
  from alert_deliveries d where rule_id = any(:ruleIds::uuid[])
) last where n <= :perRule
order by rule_id, created_at desc, id`;

export const getDeliveries = (em: EntityManager, ruleIds: string[], perRule: number) =>
  runSql<DeliveryRow>(
    em,
    getDeliveriesSql,
    { ruleIds: `{${ruleIds.join(',')}}`, perRule },
    { name: 'getAlertDeliveries' },
  ).then(deliveryDates);

export interface AttemptRow {
  id: string;
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  error: string | null;
}

/* Every attempt of the given deliveries, in the order they were made. */
export const getAttempts = (em: EntityManager, deliveryIds: string[]) =>
  runSql<AttemptRow>(
    em,
    'select * from alert_delivery_attempts where delivery_id = any(:ids::uuid[]) order by delivery_id, attempted_at, id',
    { ids: `{${deliveryIds.join(',')}}` },
    { name: 'getAlertDeliveryAttempts' },
  ).then(withDates<AttemptRow>('attempted_at'));
