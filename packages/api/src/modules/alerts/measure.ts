import type { EntityManager } from '@mikro-orm/postgresql';
import type { KpiWindow } from '../shared/window.js';
import type { AlertChangeMode, AlertCondition, AlertMetric } from './alert-kinds.js';
import {
  alertWindow,
  conditionHolds,
  type MetricTarget,
  previousWindow,
  readMetric,
} from './evaluate.js';
import type { AlertRuleRow } from './rules.sql.js';

/** What one check of a metric rule found (a scheduled check, `checkAlertRule`, the preview). */
export interface Measured {
  state: 'ok' | 'firing' | 'errored';
  value: number | null;
  previousValue: number | null;
  message: string;
  window: KpiWindow | null;
}

export const filterOf = (row: Pick<AlertRuleRow, 'phase' | 'channel'>) => ({
  phase: row.phase,
  channel: row.channel,
});
export const targetOf = (row: Pick<AlertRuleRow, 'metric' | 'stack_hash' | 'operation'>) =>
  ({
    metric: row.metric as AlertMetric,
    stackHash: row.stack_hash,
    operation: row.operation,
  }) satisfies MetricTarget;

/** What measuring a metric rule reads of it (a stored rule, or a previewed input). */
export type MetricRule = Pick<
  AlertRuleRow,
  | 'metric'
  | 'stack_hash'
  | 'operation'
  | 'phase'
  | 'channel'
  | 'days'
  | 'include_today'
  | 'condition'
  | 'threshold'
  | 'change_mode'
>;

/**
 * A metric rule's metric in its window and the previous one, and whether the condition holds. A
 * metric that cannot be read (a statement timeout, a table gone) is ERRORED with the error's
 * message, never a notification.
 */
export async function measure(em: EntityManager, row: MetricRule, now: Date): Promise<Measured> {
  let window: KpiWindow | null = null;
  try {
    window = alertWindow({ days: row.days ?? 1, includeToday: row.include_today }, now);
    const [value, previousValue] = await Promise.all([
      readMetric(em, targetOf(row), window, filterOf(row)),
      readMetric(em, targetOf(row), previousWindow(window), filterOf(row)),
    ]);
    const { firing, message } = conditionHolds(
      {
        condition: row.condition as AlertCondition,
        threshold: row.threshold ?? 0,
        changeMode: row.change_mode as AlertChangeMode | null,
      },
      value,
      previousValue,
    );
    return { state: firing ? 'firing' : 'ok', value, previousValue, message, window };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { state: 'errored', value: null, previousValue: null, message, window };
  }
}
