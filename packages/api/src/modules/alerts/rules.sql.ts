import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql, type SqlTransaction } from '../../db/sql.js';
import { withDates } from './dates.js';

/** One alert rule as stored (docs/alerts.md#rules). */
export interface AlertRuleRow {
  id: string;
  name: string;
  kind: string;
  metric: string | null;
  /** `errorGroup.count`: the group's stack hash. */
  stack_hash: string | null;
  /** `trace.p95Ms`: the operation's name. */
  operation: string | null;
  phase: string | null;
  channel: string | null;
  days: number | null;
  condition: string | null;
  threshold: number | null;
  change_mode: string | null;
  include_today: boolean;
  only_critical: boolean;
  schedule: string;
  state: string;
  notified_state: string;
  snoozed_until: Date | null;
  last_value: number | null;
  last_checked_at: Date | null;
  next_check_at: Date;
  errors_seen_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

const ruleDates = withDates<AlertRuleRow>(
  'snoozed_until',
  'last_checked_at',
  'next_check_at',
  'errors_seen_until',
  'created_at',
  'updated_at',
);

/*
 * The rules, oldest first; one rule with `:id`, every rule without. `for update` is only added
 * by getRuleForUpdate below, inside the transaction that changes the rule's state.
 */
const listRulesSql = `
select * from alert_rules where (:id::uuid is null or id = :id::uuid)
order by created_at, id`;

export const getRules = (em: EntityManager, id: string | null) =>
  runSql<AlertRuleRow>(em, listRulesSql, { id }, { name: 'getAlertRules' }).then(ruleDates);

/** The rule, locked until `transaction` ends: two checks of one rule change its state in turn. */
export const getRuleForUpdate = async (
  em: EntityManager,
  id: string,
  transaction: SqlTransaction,
) =>
  (
    await runSql<AlertRuleRow>(
      em,
      'select * from alert_rules where id = :id::uuid for update',
      { id },
      { name: 'getAlertRuleForUpdate', transaction },
    ).then(ruleDates)
  )[0];

/* The rules whose scheduled run is due at `:now`, earliest first. */
export const getDueRules = (em: EntityManager, now: Date) =>
  runSql<AlertRuleRow>(
    em,
    'select * from alert_rules where next_check_at <= :now::timestamptz order by next_check_at, id',
    { now: now.toISOString() },
    { name: 'getDueAlertRules' },
  ).then(ruleDates);
