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
  METRIC_SUBJECTS,
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
  stackHash: string | null;
  operation: string | null;
  phase: string | null;
  channel: string | null;
  days: number;
  condition: AlertCondition | null;
  threshold: number | null;
  changeMode: AlertChangeMode;
  includeToday: boolean;
  onlyCritical: boolean;
  /** Null: HOURLY, or WEEKLY for a weekly digest. */
  schedule: AlertSchedule | null;
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

const MAX_SUBJECT = 500;

/** `stackHash` / `operation`: required by the metric that names it, refused by any other. */
function checkSubject(
  input: Pick<AlertRuleInput, 'stackHash' | 'operation'>,
  metric: AlertMetric,
): Pick<RuleSettings, 'stackHash' | 'operation'> {
  const wanted = (METRIC_SUBJECTS as Partial<Record<AlertMetric, 'stackHash' | 'operation'>>)[
    metric
  ];
  const subject = { stackHash: null, operation: null } as Record<
    'stackHash' | 'operation',
    string | null
  >;
  for (const field of ['stackHash', 'operation'] as const) {
    const value = input[field];
    if (field !== wanted) {
      if (value !== null)
        throw badInput(
          `${field}: only for metric ${field === 'stackHash' ? 'errorGroup.count' : 'trace.p95Ms'} (got metric ${metric})`,
          field,
        );
      continue;
    }
    const text = required(value, field, `is required for metric ${metric}`).trim();
    if (text.length < 1 || text.length > MAX_SUBJECT) {
      throw badInput(`${field}: must be 1–${MAX_SUBJECT} characters (got ${text.length})`, field);
    }
    subject[field] = text;
  }
  return subject;
}

/** Which kinds take which schedule: the weekly digest runs WEEKLY, every other kind does not. */
function checkSchedule(kind: AlertRuleKind, schedule: AlertSchedule | null): AlertSchedule {
  if (kind === 'weekly_digest') {
    if (schedule !== null && schedule !== 'weekly')
      throw badInput(
        `schedule: a WEEKLY_DIGEST runs WEEKLY (got ${schedule.toUpperCase()})`,
        'schedule',
      );
    return 'weekly';
  }
  if (schedule === 'weekly')
    throw badInput(
      'schedule: WEEKLY is for WEEKLY_DIGEST rules only (use HOURLY or DAILY)',
      'schedule',
    );
  return schedule ?? 'hourly';
}

/**
 * The rule's settings checked field by field (BAD_USER_INPUT naming the field and the rule),
 * without its destinations: what `previewAlertRule` reads, and what a rule stores.
 */
export function checkRuleSettings(
  input: Omit<AlertRuleInput, 'destinations'>,
  now: Date,
): RuleSettings {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200) {
    throw badInput(`name: must be 1–200 characters (got ${name.length})`, 'name');
  }
  let metricFields: Pick<
    RuleSettings,
    'metric' | 'stackHash' | 'operation' | 'condition' | 'threshold' | 'changeMode' | 'days'
  > = {
    metric: null,
    stackHash: null,
    operation: null,
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
    const subject = checkSubject(input, metric as AlertMetric);
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
      ...subject,
      condition,
      threshold,
      changeMode: change ? input.changeMode : null,
      days: checkDays(input.days),
    };
  }
  const schedule = checkSchedule(input.kind, input.schedule);
  // the digest covers both betas and every channel
  const digest = input.kind === 'weekly_digest';
  return {
    name,
    kind: input.kind,
    ...metricFields,
    phase: digest ? null : input.phase,
    channel: digest ? null : input.channel,
    includeToday: input.kind === 'metric' && input.includeToday,
    onlyCritical: input.kind === 'new_error_group' && input.onlyCritical,
    schedule,
    snoozedUntil: input.snoozedUntil,
    nextCheckAt: nextRunAfter(schedule, now),
  };
}

/**
 * The input checked field by field, as the settings to store and the destinations to keep. A
 * destination listed with the id of one of the rule's destinations keeps its id, and its secret
 * unless a new one is given.
 */
export async function checkRuleInput(
  input: AlertRuleInput,
  existing: DestinationRow[],
  options: { allowPrivateUrls: boolean; now: Date },
): Promise<{ settings: RuleSettings; destinations: NewDestination[] }> {
  const settings = checkRuleSettings(input, options.now);
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
  return { settings, destinations };
}
