import type { EntityManager } from '@mikro-orm/postgresql';
import type { AlertSettings } from '../../context.js';
import { inTransaction } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import { checkIntegerBetween } from '../shared/window.js';
import type { AlertState } from './alert-kinds.js';
import { type DeliveryRow, getAttempts, getDeliveries } from './deliveries.sql.js';
import { type DestinationRow, getDestinations, replaceDestinations } from './destinations.sql.js';
import { evaluateRule, queueTestNotification } from './evaluate-rule.js';
import { type EvaluationRow, getEvaluations } from './evaluations.sql.js';
import { previewRule } from './preview.js';
import { type AlertRuleInput, checkRuleInput, checkRuleSettings } from './rule-input.js';
import { type AlertRuleRow, getDueRules, getRules } from './rules.sql.js';
import { deleteRule, insertRule, updateRule } from './write-rule.sql.js';

export type { AlertSettings };

/** A rule as the API shows it. */
export interface AlertRuleView {
  row: AlertRuleRow;
  state: AlertState;
}

/** SNOOZED while the snooze lies ahead; otherwise what the last check found. */
export const viewOf = (row: AlertRuleRow, now: Date): AlertRuleView => ({
  row,
  state:
    row.snoozed_until && new Date(row.snoozed_until).getTime() > now.getTime()
      ? 'snoozed'
      : (row.state as AlertState),
});

async function oneRule(em: EntityManager, id: string): Promise<AlertRuleRow> {
  const [row] = await getRules(em, id);
  if (!row) throw badInput(`id: no alert rule ${id}`, 'id');
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const checkId = (id: string) => {
  if (!UUID.test(id))
    throw badInput(`id: must be an alert rule id (a UUID; got ${JSON.stringify(id)})`, 'id');
  return id;
};

export interface DeliveryView extends DeliveryRow {
  attemptLog: { attemptedAt: Date; statusCode: number | null; error: string | null }[];
}

/** How many checks or deliveries of a rule one read answers at most. */
export const MAX_LAST = 200;

/** The alert service: the module's one face for the schema and the scheduler. */
export const alertService = {
  list: async (em: EntityManager, now: Date) =>
    (await getRules(em, null)).map((row) => viewOf(row, now)),

  get: async (em: EntityManager, id: string, now: Date) => {
    const [row] = await getRules(em, checkId(id));
    return row ? viewOf(row, now) : null;
  },

  create: async (em: EntityManager, input: AlertRuleInput, settings: AlertSettings, now: Date) => {
    const checked = await checkRuleInput(input, [], {
      allowPrivateUrls: settings.allowPrivateUrls,
      now,
    });
    const id = crypto.randomUUID();
    await inTransaction(em, async (transaction) => {
      await insertRule(em, id, checked.settings, now, transaction);
      await replaceDestinations(em, id, checked.destinations, transaction);
    });
    return viewOf(await oneRule(em, id), now);
  },

  update: async (
    em: EntityManager,
    id: string,
    input: AlertRuleInput,
    settings: AlertSettings,
    now: Date,
  ) => {
    await oneRule(em, checkId(id));
    const existing = await getDestinations(em, [id]);
    const checked = await checkRuleInput(input, existing, {
      allowPrivateUrls: settings.allowPrivateUrls,
      now,
    });
    await inTransaction(em, async (transaction) => {
      await updateRule(em, id, checked.settings, now, transaction);
      await replaceDestinations(em, id, checked.destinations, transaction);
    });
    return viewOf(await oneRule(em, id), now);
  },

  delete: (em: EntityManager, id: string) =>
    inTransaction(em, (transaction) => deleteRule(em, checkId(id), transaction)),

  /** The rule as a check would find it now, with its last 14 days; stores and sends nothing. */
  preview: (em: EntityManager, input: AlertRuleInput, now: Date) =>
    previewRule(em, checkRuleSettings(input, now), now),

  /** Evaluates now; notifies only when the state changes (evaluate-rule.ts). */
  check: async (em: EntityManager, id: string, settings: AlertSettings, now: Date) => {
    const row = await oneRule(em, checkId(id));
    return evaluateRule(em, row, settings, now, { scheduled: false });
  },

  sendTest: async (em: EntityManager, id: string, settings: AlertSettings, now: Date) => {
    const row = await oneRule(em, checkId(id));
    const ids = await queueTestNotification(em, row, settings, now);
    return (await alertService.deliveries(em, id, 50)).filter((d) => ids.includes(d.id));
  },

  /** Every rule due at `now`, one after the other; a failing rule does not stop the others. */
  runDue: async (
    em: EntityManager,
    settings: AlertSettings,
    now: Date,
    onError: (error: unknown, ruleId: string) => void,
  ) => {
    for (const row of await getDueRules(em, now)) {
      try {
        await evaluateRule(em, row, settings, now, { scheduled: true });
      } catch (error) {
        onError(error, row.id);
      }
    }
  },

  destinations: (em: EntityManager, ruleId: string): Promise<DestinationRow[]> =>
    getDestinations(em, [ruleId]),

  evaluations: (em: EntityManager, ruleId: string, last: number): Promise<EvaluationRow[]> =>
    getEvaluations(em, [ruleId], checkIntegerBetween('last', last, 1, MAX_LAST)),

  deliveries: async (em: EntityManager, ruleId: string, last: number): Promise<DeliveryView[]> => {
    const deliveries = await getDeliveries(
      em,
      [ruleId],
      checkIntegerBetween('last', last, 1, MAX_LAST),
    );
    const attempts =
      deliveries.length > 0
        ? await getAttempts(
            em,
            deliveries.map((d) => d.id),
          )
        : [];
    return deliveries.map((d) => ({
      ...d,
      attemptLog: attempts
        .filter((a) => a.delivery_id === d.id)
        .map((a) => ({ attemptedAt: a.attempted_at, statusCode: a.status_code, error: a.error })),
    }));
  },
};
