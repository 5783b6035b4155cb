import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql, type SqlTransaction } from '../../db/sql.js';
import { withDates } from './dates.js';

export interface EvaluationRow {
  id: string;
  rule_id: string;
  evaluated_at: Date;
  state: string;
  value: number | null;
  previous_value: number | null;
  message: string;
}

/* The last `:perRule` evaluations of each given rule, newest first. */
const getEvaluationsSql = `
select id, rule_id, evaluated_at, state, value, previous_value, message from (
  select e.*, row_number() over (partition by rule_id order by evaluated_at desc, id) as n
  from alert_evaluations e where rule_id = any(:ruleIds::uuid[])
) last where n <= :perRule
order by rule_id, evaluated_at desc, id`;

export const getEvaluations = (em: EntityManager, ruleIds: string[], perRule: number) =>
  runSql<EvaluationRow>(
    em,
    getEvaluationsSql,
    { ruleIds: `{${ruleIds.join(',')}}`, perRule },
    { name: 'getAlertEvaluations' },
  ).then(withDates<EvaluationRow>('evaluated_at'));

export interface EvaluationWrite {
  id: string;
  ruleId: string;
  evaluatedAt: Date;
  /** The state the evaluation found (`snoozed` while snoozed). */
  state: string;
  /** The rule's stored state afterwards (a snoozed check leaves it as it was). */
  ruleState: string;
  notifiedState: string;
  value: number | null;
  previousValue: number | null;
  message: string;
  nextCheckAt: Date;
  errorsSeenUntil: Date | null;
}

const insertEvaluationSql = `
insert into alert_evaluations (id, rule_id, evaluated_at, state, value, previous_value, message)
values (:id::uuid, :ruleId::uuid, :evaluatedAt::timestamptz, :state, :value, :previousValue,
  :message)`;

/* What the rule shows until its next check; `errors_seen_until` only moves forward. */
const updateRuleAfterSql = `
update alert_rules set state = :ruleState, notified_state = :notifiedState, last_value = :value,
  last_checked_at = :evaluatedAt::timestamptz, next_check_at = :nextCheckAt::timestamptz,
  errors_seen_until = coalesce(:errorsSeenUntil::timestamptz, errors_seen_until)
where id = :ruleId::uuid`;

/** The evaluation and the rule's new state, in the caller's transaction (with its outbox rows). */
export async function recordEvaluation(
  em: EntityManager,
  e: EvaluationWrite,
  transaction: SqlTransaction,
): Promise<void> {
  const values = {
    id: e.id,
    ruleId: e.ruleId,
    evaluatedAt: e.evaluatedAt.toISOString(),
    state: e.state,
    ruleState: e.ruleState,
    notifiedState: e.notifiedState,
    value: e.value,
    previousValue: e.previousValue,
    message: e.message,
    nextCheckAt: e.nextCheckAt.toISOString(),
    errorsSeenUntil: e.errorsSeenUntil?.toISOString() ?? null,
  };
  await runSql(em, insertEvaluationSql, values, {
    name: 'insertAlertEvaluation',
    result: 'rowCount',
    transaction,
  });
  await runSql(em, updateRuleAfterSql, values, {
    name: 'updateAlertRuleState',
    result: 'rowCount',
    transaction,
  });
}
