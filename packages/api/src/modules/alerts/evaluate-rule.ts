import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, type SqlTransaction } from '../../db/sql.js';
import type { KpiWindow } from '../shared/window.js';
import type {
  AlertChangeMode,
  AlertCondition,
  AlertMetric,
  AlertSchedule,
  AlertState,
  DeliveryKind,
  DestinationFormat,
} from './alert-kinds.js';
import type { AlertSettings } from './alerts.service.js';
import { insertDeliveries } from './deliveries.sql.js';
import { getDestinations } from './destinations.sql.js';
import {
  alertWindow,
  channelMoves,
  conditionHolds,
  previousWindow,
  readMetric,
} from './evaluate.js';
import { recordEvaluation } from './evaluations.sql.js';
import { getErrorGrowth } from './get-error-growth.sql.js';
import { getNewErrorGroups } from './get-new-error-groups.sql.js';
import { buildPayload, type PayloadFacts, renderBody } from './payload.js';
import { type AlertRuleRow, getRuleForUpdate } from './rules.sql.js';
import { nextRunAfter } from './schedule.js';

/** Deliveries are retried for a day, then given up (docs/alerts.md#retries). */
export const DELIVERY_GIVE_UP_MS = 24 * 3_600_000;
/** At most this many new error groups are announced per check; the rest wait for the next. */
const NEW_GROUPS_PER_CHECK = 20;
const GROWING_ERROR_GROUPS = 3;

/** What a check found (`checkAlertRule`'s answer). */
export interface EvaluationResult {
  evaluatedAt: Date;
  state: AlertState;
  value: number | null;
  previousValue: number | null;
  message: string;
  window: KpiWindow | null;
  /** Whether this check queued notifications (a state change, or new error groups). */
  notified: boolean;
}

interface Measured {
  state: 'ok' | 'firing' | 'errored';
  value: number | null;
  previousValue: number | null;
  message: string;
  window: KpiWindow | null;
}

const filterOf = (row: AlertRuleRow) => ({ phase: row.phase, channel: row.channel });

async function measure(em: EntityManager, row: AlertRuleRow, now: Date): Promise<Measured> {
  let window: KpiWindow | null = null;
  try {
    window = alertWindow({ days: row.days ?? 1, includeToday: row.include_today }, now);
    const metric = row.metric as AlertMetric;
    const [value, previousValue] = await Promise.all([
      readMetric(em, metric, window, filterOf(row)),
      readMetric(em, metric, previousWindow(window), filterOf(row)),
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

/** The notification a state change sends, if any: starting to fire, or resolving. */
function transition(measured: Measured['state'], notifiedState: string): DeliveryKind | null {
  if (measured === 'firing' && notifiedState !== 'firing') return 'firing';
  if (measured === 'ok' && notifiedState === 'firing') return 'resolved';
  return null;
}

const ruleFacts = (row: AlertRuleRow) => ({
  id: row.id,
  name: row.name,
  metric: row.metric,
  condition: row.condition,
  threshold: row.threshold,
  changeMode: row.change_mode,
  phase: row.phase,
  channel: row.channel,
});

/** One outbox row per destination, in the transaction that made the change. */
async function queue(
  em: EntityManager,
  row: AlertRuleRow,
  kind: DeliveryKind,
  facts: Omit<PayloadFacts, 'kind' | 'rule'>,
  now: Date,
  transaction?: SqlTransaction,
): Promise<string[]> {
  const destinations = await getDestinations(em, [row.id], transaction);
  const payload = buildPayload({ ...facts, kind, rule: ruleFacts(row) });
  const deliveries = destinations.map((d) => ({
    id: crypto.randomUUID(),
    ruleId: row.id,
    destinationId: d.id,
    kind,
    body: renderBody(d.format as DestinationFormat, payload),
    createdAt: now.toISOString(),
    giveUpAt: new Date(now.getTime() + DELIVERY_GIVE_UP_MS).toISOString(),
  }));
  if (deliveries.length > 0) await insertDeliveries(em, deliveries, transaction);
  return deliveries.map((d) => d.id);
}

const isSnoozed = (row: AlertRuleRow, now: Date) =>
  row.snoozed_until !== null && new Date(row.snoozed_until).getTime() > now.getTime();

/**
 * Evaluates a rule at `now` and records the result. A metric rule notifies when it starts
 * firing and when it resolves — decided against the rule locked in the same transaction that
 * writes the new state and the outbox rows, so two checks at once notify once, and a crash
 * after the commit still delivers. While snoozed the check is recorded (state SNOOZED) and
 * nothing is sent; the change is announced by the first check after the snooze.
 */
export async function evaluateRule(
  em: EntityManager,
  row: AlertRuleRow,
  settings: AlertSettings,
  now: Date,
  options: { scheduled: boolean },
): Promise<EvaluationResult> {
  const nextCheckAt = options.scheduled
    ? nextRunAfter(row.schedule as AlertSchedule, now)
    : new Date(row.next_check_at);
  if (row.kind === 'new_error_group')
    return checkNewErrorGroups(em, row, settings, now, nextCheckAt);
  const measured = await measure(em, row, now);
  const snoozed = isSnoozed(row, now);
  const likely = snoozed ? null : transition(measured.state, row.notified_state);
  // the explanation reads more KPIs: only when this check will probably notify
  const explanation =
    likely && measured.window
      ? {
          channels: await channelMoves(
            em,
            {
              metric: row.metric as AlertMetric,
              ...filterOf(row),
              days: measured.window.days,
              includeToday: row.include_today,
            },
            measured.window,
          ),
          errorGrowth: await getErrorGrowth(
            em,
            measured.window,
            previousWindow(measured.window),
            filterOf(row),
            GROWING_ERROR_GROUPS,
          ),
        }
      : { channels: null, errorGrowth: null };
  const notified = await inTransaction(em, async (transaction) => {
    const locked = (await getRuleForUpdate(em, row.id, transaction)) ?? row;
    const kind = snoozed ? null : transition(measured.state, locked.notified_state);
    if (kind) {
      await queue(
        em,
        locked,
        kind,
        {
          state: measured.state,
          value: measured.value,
          previousValue: measured.previousValue,
          window: measured.window,
          message: measured.message,
          evaluatedAt: now,
          dashboardBaseUrl: settings.dashboardUrl,
          ...explanation,
          errorGroup: null,
        },
        now,
        transaction,
      );
    }
    await recordEvaluation(
      em,
      {
        id: crypto.randomUUID(),
        ruleId: row.id,
        evaluatedAt: now,
        state: snoozed ? 'snoozed' : measured.state,
        ruleState: measured.state,
        notifiedState:
          kind === 'firing' ? 'firing' : kind === 'resolved' ? 'ok' : locked.notified_state,
        value: measured.value,
        previousValue: measured.previousValue,
        message: measured.message,
        nextCheckAt,
        errorsSeenUntil: null,
      },
      transaction,
    );
    return kind !== null;
  });
  return {
    evaluatedAt: now,
    state: snoozed ? 'snoozed' : measured.state,
    value: measured.value,
    previousValue: measured.previousValue,
    message: measured.message,
    window: measured.window,
    notified,
  };
}

/**
 * A new-error-group rule announces each stack hash first stored since it last looked (one
 * delivery per group and destination) and stays OK: every group is news once, nothing resolves.
 */
async function checkNewErrorGroups(
  em: EntityManager,
  row: AlertRuleRow,
  settings: AlertSettings,
  now: Date,
  nextCheckAt: Date,
): Promise<EvaluationResult> {
  const since = new Date(row.errors_seen_until ?? row.created_at);
  const groups = await getNewErrorGroups(
    em,
    since,
    now,
    row.only_critical,
    NEW_GROUPS_PER_CHECK + 1,
  );
  const announced = groups.slice(0, NEW_GROUPS_PER_CHECK);
  // with more groups than one check announces, the rest are picked up from the last one's arrival
  const seenUntil =
    groups.length > NEW_GROUPS_PER_CHECK
      ? new Date(Math.max(...announced.map((g) => new Date(g.received_at).getTime())))
      : now;
  const snoozed = isSnoozed(row, now);
  const message = `${announced.length} new error group(s)${snoozed ? ' (snoozed: not sent)' : ''}`;
  await inTransaction(em, async (transaction) => {
    if (!snoozed) {
      for (const group of announced) {
        await queue(
          em,
          row,
          'new_error_group',
          {
            state: 'firing',
            value: null,
            previousValue: null,
            window: null,
            message: `new error group ${group.stack_hash}: ${group.error_type}`,
            evaluatedAt: now,
            dashboardBaseUrl: settings.dashboardUrl,
            channels: null,
            errorGrowth: null,
            errorGroup: group,
          },
          now,
          transaction,
        );
      }
    }
    await recordEvaluation(
      em,
      {
        id: crypto.randomUUID(),
        ruleId: row.id,
        evaluatedAt: now,
        state: snoozed ? 'snoozed' : 'ok',
        ruleState: 'ok',
        notifiedState: 'ok',
        value: announced.length,
        previousValue: null,
        message,
        nextCheckAt,
        errorsSeenUntil: seenUntil,
      },
      transaction,
    );
  });
  return {
    evaluatedAt: now,
    state: snoozed ? 'snoozed' : 'ok',
    value: announced.length,
    previousValue: null,
    message,
    window: null,
    notified: !snoozed && announced.length > 0,
  };
}

/** `sendTestNotification`: the rule's last known facts, marked as a test, to every destination. */
export async function queueTestNotification(
  em: EntityManager,
  row: AlertRuleRow,
  settings: AlertSettings,
  now: Date,
): Promise<string[]> {
  let window: KpiWindow | null = null;
  if (row.kind === 'metric')
    window = alertWindow({ days: row.days ?? 1, includeToday: row.include_today }, now);
  return queue(
    em,
    row,
    'test',
    {
      state: isSnoozed(row, now) ? 'snoozed' : row.state,
      value: row.last_value,
      previousValue: null,
      window,
      message: 'A test notification: the rule and its destination work.',
      evaluatedAt: now,
      dashboardBaseUrl: settings.dashboardUrl,
      channels: null,
      errorGrowth: null,
      errorGroup: null,
    },
    now,
  );
}
