import { randomBytes } from 'node:crypto';
import { badInput } from '../../errors.js';
import { checkDays, checkIntegerBetween } from '../shared/window.js';
import {
  ALERT_METRICS,
  type AlertChangeMode,
  type AlertCondition,
  type AlertMetric,
  type AlertRuleKind,
  type AlertSchedule,
  type DestinationFormat,
} from './alert-kinds.js';
import type { DestinationRow, NewDestination } from './destinations.sql.js';
import { nextRunAfter } from './schedule.js';
import { checkDestinationUrl } from './url-check.js';
import type { RuleSettings } from './write-rule.sql.js';

/** What `createAlertRule` / `updateAlertRule` take (GraphQL `AlertRuleInput`). */
export interface AlertRuleInput {
  name: string;
  kind: AlertRuleKind;
  metric: string | null;
  phase: string | null;
  channel: string | null;
  days: number;
  condition: AlertCondition | null;
  threshold: number | null;
  changeMode: AlertChangeMode;
  includeToday: boolean;
  onlyCritical: boolean;
  schedule: AlertSchedule;
  snoozedUntil: Date | null;
  destinations: {
    id: string | null;
    url: string;
    format: DestinationFormat;
    secret: string | null;
  }[];
}

export const MAX_DESTINATIONS = 10;
const MIN_SECRET = 16;

const required = <T>(value: T | null, field: string, why: string): T => {
  if (value === null || value === undefined) throw badInput(`${field}: ${why}`, field);
  return value;
};

/**
 * The input checked field by field (BAD_USER_INPUT naming the field and the rule), as the
 * settings to store and the destinations to keep. A destination listed with the id of one of the
 * rule's destinations keeps its id, and its secret unless a new one is given.
 */
export async function checkRuleInput(
  input: AlertRuleInput,
  existing: DestinationRow[],
  options: { allowPrivateUrls: boolean; now: Date },
): Promise<{ settings: RuleSettings; destinations: NewDestination[] }> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200) {
    throw badInput(`name: must be 1–200 characters (got ${name.length})`, 'name');
  }
  let metricFields: Pick<
    RuleSettings,
    'metric' | 'condition' | 'threshold' | 'changeMode' | 'days'
  > = {
    metric: null,
    condition: null,
    threshold: null,
    changeMode: null,
    days: null,
  };
  if (input.kind === 'metric') {
    const metric = required(input.metric, 'metric', 'is required for a METRIC rule');
    if (!(ALERT_METRICS as readonly string[]).includes(metric)) {
      throw badInput(
        `metric: must be one of ${ALERT_METRICS.join(', ')} (got ${JSON.stringify(metric)})`,
        'metric',
      );
    }
    const condition = required(input.condition, 'condition', 'is required for a METRIC rule');
    const threshold = required(input.threshold, 'threshold', 'is required for a METRIC rule');
    if (!Number.isFinite(threshold))
      throw badInput('threshold: must be a finite number', 'threshold');
    const change = condition === 'increase' || condition === 'decrease';
    if (change && threshold < 0) {
      throw badInput(`threshold: a change must be 0 or more (got ${threshold})`, 'threshold');
    }
    metricFields = {
      metric: metric as AlertMetric,
      condition,
      threshold,
      changeMode: change ? input.changeMode : null,
      days: checkDays(input.days),
    };
  }
  checkIntegerBetween('destinations', input.destinations.length, 1, MAX_DESTINATIONS);
  const byId = new Map(existing.map((d) => [d.id, d]));
  const destinations: NewDestination[] = [];
  for (const [i, d] of input.destinations.entries()) {
    const field = `destinations.${i}`;
    const kept = d.id ? byId.get(d.id) : undefined;
    if (d.id && !kept)
      throw badInput(`${field}.id: not a destination of this rule (got ${d.id})`, `${field}.id`);
    const url = await checkDestinationUrl(d.url, `${field}.url`, options.allowPrivateUrls);
    if (d.secret !== null && d.secret.length < MIN_SECRET) {
      throw badInput(
        `${field}.secret: must be at least ${MIN_SECRET} characters`,
        `${field}.secret`,
      );
    }
    destinations.push({
      id: kept?.id ?? crypto.randomUUID(),
      url: url.toString(),
      format: d.format,
      secret: d.secret ?? kept?.secret ?? randomBytes(32).toString('hex'),
    });
  }
  return {
    settings: {
      name,
      kind: input.kind,
      ...metricFields,
      phase: input.phase,
      channel: input.channel,
      includeToday: input.includeToday,
      onlyCritical: input.kind === 'new_error_group' && input.onlyCritical,
      schedule: input.schedule,
      snoozedUntil: input.snoozedUntil,
      nextCheckAt: nextRunAfter(input.schedule, options.now),
    },
    destinations,
  };
}
