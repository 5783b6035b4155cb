import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../../db/sql.js';
import type { KpiWindow } from '../shared/window.js';
import type { AlertSchedule, AlertState, DeliveryKind } from './alert-kinds.js';
import type { AlertSettings } from './alerts.service.js';
import { digestPayload, readWeeklyDigest, renderDigest } from './digest.js';
import { alertWindow, channelMoves, previousWindow } from './evaluate.js';
import { recordEvaluation } from './evaluations.sql.js';
import { getErrorGrowth } from './get-error-growth.sql.js';
import { getNewErrorGroups } from './get-new-error-groups.sql.js';
import { filterOf, type Measured, measure, targetOf } from './measure.js';
import { alertNotice, type Notice, queue } from './notices.js';
import { type AlertRuleRow, getRuleForUpdate } from './rules.sql.js';
import { nextRunAfter } from './schedule.js';

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
  /** Whether this check queued notifications (a state change, new error groups, a digest). */
  notified: boolean;
}

/** The notification a state change sends, if any: starting to fire, or resolving. */
function transition(measured: Measured['state'], notifiedState: string): DeliveryKind | null {
  if (measured === 'firing' && notifiedState !== 'firing') return 'firing';
  if (measured === 'ok' && notifiedState === 'firing') return 'resolved';
  return null;
}

const isSnoozed = (row: AlertRuleRow, now: Date) =>
  row.snoozed_until !== null && new Date(row.snoozed_until).getTime() > now.getTime();

/** What one check of any kind found, and what it sends — decided against the locked rule. */
interface Outcome {
  state: 'ok' | 'firing' | 'errored';
  value: number | null;
  previousValue: number | null;
  message: string;
  window: KpiWindow | null;
  errorsSeenUntil: Date | null;
  notify: (locked: AlertRuleRow) => { notices: Notice[]; notifiedState: string };
}

/**
 * Writes a check: the outbox rows, the evaluation and the rule's new state in one transaction,
 * with the rule locked, so two checks at once notify once and a crash after the commit still
 * delivers. While snoozed the check is recorded (state SNOOZED) and nothing is sent.
 */
async function commit(
  em: EntityManager,
  row: AlertRuleRow,
  outcome: Outcome,
  now: Date,
  nextCheckAt: Date,
): Promise<EvaluationResult> {
  const snoozed = isSnoozed(row, now);
  const state = snoozed ? 'snoozed' : outcome.state;
  const notified = await inTransaction(em, async (transaction) => {
    const locked = (await getRuleForUpdate(em, row.id, transaction)) ?? row;
    const { notices, notifiedState } = snoozed
      ? { notices: [], notifiedState: locked.notified_state }
      : outcome.notify(locked);
    await queue(em, row.id, notices, now, transaction);
    await recordEvaluation(
      em,
      {
        id: crypto.randomUUID(),
        ruleId: row.id,
        evaluatedAt: now,
        state,
        ruleState: outcome.state,
        notifiedState,
        value: outcome.value,
        previousValue: outcome.previousValue,
        message: outcome.message,
        nextCheckAt,
        errorsSeenUntil: outcome.errorsSeenUntil,
      },
      transaction,
    );
    return notices.length > 0;
  });
  return {
    evaluatedAt: now,
    state,
    value: outcome.value,
    previousValue: outcome.previousValue,
    message: outcome.message,
    window: outcome.window,
    notified,
  };
}

/**
 * Evaluates a rule at `now` and records the result. A metric rule notifies when it starts
 * firing and when it resolves; a new-error-group rule announces each new group; a weekly digest
 * is sent by its scheduled run only (`checkAlertRule` reads it without sending). The change is
 * announced by the first check after a snooze.
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
  const outcome =
    row.kind === 'new_error_group'
      ? await newErrorGroupsOutcome(em, row, settings, now)
      : row.kind === 'weekly_digest'
        ? await digestOutcome(em, row, settings, now, options.scheduled)
        : await metricOutcome(em, row, settings, now);
  return commit(em, row, outcome, now, nextCheckAt);
}

async function metricOutcome(
  em: EntityManager,
  row: AlertRuleRow,
  settings: AlertSettings,
  now: Date,
): Promise<Outcome> {
  const measured = await measure(em, row, now);
  const likely = isSnoozed(row, now) ? null : transition(measured.state, row.notified_state);
  // the explanation reads more: only when this check will probably notify
  const explain = likely !== null && measured.window !== null;
  const explanation = explain
    ? {
        channels: await channelMoves(
          em,
          {
            target: targetOf(row),
            ...filterOf(row),
            days: row.days ?? 1,
            includeToday: row.include_today,
          },
          measured.window as KpiWindow,
        ),
        errorGrowth: await getErrorGrowth(
          em,
          measured.window as KpiWindow,
          previousWindow(measured.window as KpiWindow),
          filterOf(row),
          GROWING_ERROR_GROUPS,
        ),
      }
    : { channels: null, errorGrowth: null };
  return {
    ...measured,
    errorsSeenUntil: null,
    notify: (locked) => {
      const kind = transition(measured.state, locked.notified_state);
      if (!kind) return { notices: [], notifiedState: locked.notified_state };
      const notice = alertNotice(locked, kind, {
        ...measured,
        evaluatedAt: now,
        dashboardBaseUrl: settings.dashboardUrl,
        ...explanation,
        errorGroup: null,
      });
      return { notices: [notice], notifiedState: kind === 'firing' ? 'firing' : 'ok' };
    },
  };
}

/**
 * A new-error-group rule announces each stack hash first stored since it last looked (one
 * delivery per group and destination) and stays OK: every group is news once, nothing resolves.
 */
async function newErrorGroupsOutcome(
  em: EntityManager,
  row: AlertRuleRow,
  settings: AlertSettings,
  now: Date,
): Promise<Outcome> {
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
  return {
    state: 'ok',
    value: announced.length,
    previousValue: null,
    message: `${announced.length} new error group(s)${isSnoozed(row, now) ? ' (snoozed: not sent)' : ''}`,
    window: null,
    errorsSeenUntil: seenUntil,
    notify: (locked) => ({
      notifiedState: 'ok',
      notices: announced.map((group) =>
        alertNotice(locked, 'new_error_group', {
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
        }),
      ),
    }),
  };
}

/**
 * The weekly digest (docs/alerts.md#weekly-digest): read at every check, sent by the scheduled
 * run (Monday 08:00 UTC). It stays OK, or ERRORED when it cannot be read (then nothing is sent).
 */
async function digestOutcome(
  em: EntityManager,
  row: AlertRuleRow,
  settings: AlertSettings,
  now: Date,
  send: boolean,
): Promise<Outcome> {
  const base = { value: null, previousValue: null, errorsSeenUntil: null };
  try {
    const digest = await readWeeklyDigest(em, now);
    const payload = digestPayload(digest, {
      kind: 'weekly_digest',
      rule: { id: row.id, name: row.name },
      evaluatedAt: now,
      dashboardBaseUrl: settings.dashboardUrl,
    });
    return {
      ...base,
      state: 'ok',
      window: digest.window,
      message: send ? 'weekly digest sent' : 'weekly digest read (sent by the Monday run only)',
      notify: (locked) => ({
        notifiedState: locked.notified_state,
        notices: send
          ? [{ kind: 'weekly_digest', body: (format) => renderDigest(format, payload) }]
          : [],
      }),
    };
  } catch (error) {
    return {
      ...base,
      state: 'errored',
      window: null,
      message: error instanceof Error ? error.message : String(error),
      notify: (locked) => ({ notices: [], notifiedState: locked.notified_state }),
    };
  }
}

/** `sendTestNotification`: the rule's last known facts, marked as a test, to every destination. */
export async function queueTestNotification(
  em: EntityManager,
  row: AlertRuleRow,
  settings: AlertSettings,
  now: Date,
): Promise<string[]> {
  if (row.kind === 'weekly_digest') {
    const payload = digestPayload(await readWeeklyDigest(em, now), {
      kind: 'test',
      rule: { id: row.id, name: row.name },
      evaluatedAt: now,
      dashboardBaseUrl: settings.dashboardUrl,
    });
    return queue(em, row.id, [{ kind: 'test', body: (f) => renderDigest(f, payload) }], now);
  }
  const window =
    row.kind === 'metric'
      ? alertWindow({ days: row.days ?? 1, includeToday: row.include_today }, now)
      : null;
  const notice = alertNotice(row, 'test', {
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
  });
  return queue(em, row.id, [notice], now);
}
