import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql, type SqlTransaction } from '../../db/sql.js';

/** What an admin sets on a rule (create and update write all of it). */
export interface RuleSettings {
  name: string;
  kind: string;
  metric: string | null;
  stackHash: string | null;
  operation: string | null;
  phase: string | null;
  channel: string | null;
  days: number | null;
  condition: string | null;
  threshold: number | null;
  changeMode: string | null;
  includeToday: boolean;
  onlyCritical: boolean;
  schedule: string;
  snoozedUntil: Date | null;
  nextCheckAt: Date;
}

const values = (id: string, s: RuleSettings, now: Date) => ({
  id,
  name: s.name,
  kind: s.kind,
  metric: s.metric,
  stackHash: s.stackHash,
  operation: s.operation,
  phase: s.phase,
  channel: s.channel,
  days: s.days,
  condition: s.condition,
  threshold: s.threshold,
  changeMode: s.changeMode,
  includeToday: s.includeToday,
  onlyCritical: s.onlyCritical,
  schedule: s.schedule,
  snoozedUntil: s.snoozedUntil?.toISOString() ?? null,
  nextCheckAt: s.nextCheckAt.toISOString(),
  now: now.toISOString(),
});

/*
 * A new rule starts OK and notified OK; a new-error-group rule only reports groups first seen
 * after it was created (`errors_seen_until` = now).
 */
const insertRuleSql = `
insert into alert_rules (id, name, kind, metric, stack_hash, operation, phase, channel, days, condition, threshold,
  change_mode, include_today, only_critical, schedule, snoozed_until, next_check_at,
  errors_seen_until, created_at, updated_at)
values (:id::uuid, :name, :kind, :metric, :stackHash, :operation, :phase, :channel, :days, :condition, :threshold,
  :changeMode, :includeToday, :onlyCritical, :schedule, :snoozedUntil::timestamptz,
  :nextCheckAt::timestamptz, :now::timestamptz, :now::timestamptz, :now::timestamptz)`;

export const insertRule = (
  em: EntityManager,
  id: string,
  s: RuleSettings,
  now: Date,
  transaction: SqlTransaction,
) =>
  runSql(em, insertRuleSql, values(id, s, now), {
    name: 'insertAlertRule',
    result: 'rowCount',
    transaction,
  });

/* An update keeps the state and what was last seen; the next run follows the (new) schedule. */
const updateRuleSql = `
update alert_rules set name = :name, kind = :kind, metric = :metric, stack_hash = :stackHash,
  operation = :operation, phase = :phase,
  channel = :channel, days = :days, condition = :condition, threshold = :threshold,
  change_mode = :changeMode, include_today = :includeToday, only_critical = :onlyCritical,
  schedule = :schedule, snoozed_until = :snoozedUntil::timestamptz,
  next_check_at = :nextCheckAt::timestamptz, updated_at = :now::timestamptz
where id = :id::uuid`;

export const updateRule = (
  em: EntityManager,
  id: string,
  s: RuleSettings,
  now: Date,
  transaction: SqlTransaction,
) =>
  runSql(em, updateRuleSql, values(id, s, now), {
    name: 'updateAlertRule',
    result: 'rowCount',
    transaction,
  });

/*
 * A rule and everything of it: its delivery attempts, deliveries, evaluations and destinations
 * (the tables have no foreign keys: see Migration20261206210000), in the caller's transaction.
 */
const deleteRuleSql = [
  'delete from alert_delivery_attempts where delivery_id in (select id from alert_deliveries where rule_id = :id::uuid)',
  'delete from alert_deliveries where rule_id = :id::uuid',
  'delete from alert_evaluations where rule_id = :id::uuid',
  'delete from alert_destinations where rule_id = :id::uuid',
  'delete from alert_rules where id = :id::uuid',
];

/** Answers whether the rule existed. */
export async function deleteRule(
  em: EntityManager,
  id: string,
  transaction: SqlTransaction,
): Promise<boolean> {
  let rules = 0;
  for (const sql of deleteRuleSql) {
    rules = await runSql(
      em,
      sql,
      { id },
      { name: 'deleteAlertRule', result: 'rowCount', transaction },
    );
  }
  return rules > 0;
}
