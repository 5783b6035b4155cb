import { builder } from '../../builder.js';
import { BetaPhaseEnum, ChannelEnum } from '../common.schema.js';
import { KpiWindowRef } from '../kpi/kpi.schema.js';
import {
  ALERT_CHANGE_MODES,
  ALERT_CONDITIONS,
  ALERT_METRICS,
  ALERT_RULE_KINDS,
  ALERT_SCHEDULES,
  ALERT_STATES,
  DELIVERY_KINDS,
  DELIVERY_STATUSES,
  DESTINATION_FORMATS,
} from './alert-kinds.js';
import { type AlertRuleView, alertService, type DeliveryView } from './alerts.service.js';
import type { DestinationRow } from './destinations.sql.js';
import type { EvaluationResult } from './evaluate-rule.js';
import type { EvaluationRow } from './evaluations.sql.js';

/** Alert rules and their webhook notifications (docs/alerts.md); admin only (no `callableBy`). */
const enumOf = <T extends string>(
  name: string,
  description: string,
  values: readonly T[],
  say: (v: T) => string,
) =>
  builder.enumType(name, {
    description,
    values: Object.fromEntries(
      values.map((v) => [v.toUpperCase(), { value: v, description: say(v) }]),
    ) as Record<string, { value: T }>,
  });

const KindEnum = enumOf(
  'AlertRuleKind',
  'What a rule watches.',
  ALERT_RULE_KINDS,
  (v) =>
    ({
      metric:
        'A metric (a KPI summary field, an error group’s count, an operation’s trace p95) against a threshold or its previous window.',
      new_error_group: 'Fires once for every stack hash seen for the first time.',
      weekly_digest:
        'Sends, every Monday 08:00 UTC, both betas’ four KPIs for the last 7 days with their change, the top 5 error groups and the slowest operations.',
    })[v],
);
const ConditionEnum = enumOf(
  'AlertCondition',
  'When a metric rule fires.',
  ALERT_CONDITIONS,
  (v) =>
    v === 'above' || v === 'below'
      ? `The value is strictly ${v} the threshold.`
      : `The value ${v === 'increase' ? 'rose' : 'fell'} by at least the threshold against the previous window of the same length.`,
);
const ChangeModeEnum = enumOf(
  'AlertChangeMode',
  'How INCREASE/DECREASE measure a change.',
  ALERT_CHANGE_MODES,
  (v) =>
    v === 'absolute'
      ? 'In the metric’s own unit (0.05 = five points of a rate).'
      : 'As a fraction of the previous value (0.2 = 20%).',
);
const ScheduleEnum = enumOf(
  'AlertSchedule',
  'When a rule is evaluated (UTC).',
  ALERT_SCHEDULES,
  (v) =>
    ({
      hourly: 'At every full hour.',
      daily: 'Every day at 01:00 UTC.',
      weekly: 'Every Monday at 08:00 UTC (WEEKLY_DIGEST rules only).',
    })[v],
);
export const StateEnum = enumOf(
  'AlertState',
  'What a rule is now.',
  ALERT_STATES,
  (v) =>
    ({
      ok: 'The condition does not hold.',
      firing: 'The condition holds.',
      errored: 'The last check could not read the metric.',
      snoozed: 'Checked, but nothing is sent until `snoozedUntil`.',
    })[v],
);
const FormatEnum = enumOf(
  'AlertDestinationFormat',
  'What a destination receives.',
  DESTINATION_FORMATS,
  (v) =>
    v === 'json'
      ? 'The documented JSON payload (docs/alerts.md#payload).'
      : 'A Slack-compatible `{"text": …}` message.',
);
const DeliveryStatusEnum = enumOf(
  'AlertDeliveryStatus',
  'Where a delivery stands.',
  DELIVERY_STATUSES,
  (v) =>
    ({
      pending: 'Queued or waiting for a retry.',
      delivered: 'A 2xx answer.',
      failed: 'Given up: a non-retryable answer, or 24 h of retries.',
    })[v],
);
const DeliveryKindEnum = enumOf(
  'AlertDeliveryKind',
  'What a delivery announces.',
  DELIVERY_KINDS,
  (v) =>
    ({
      firing: 'The rule started firing.',
      resolved: 'The rule resolved.',
      new_error_group: 'A new error group.',
      weekly_digest: 'The weekly digest.',
      test: 'A test (`sendTestNotification`).',
    })[v],
);

const DestinationRef = builder.objectRef<DestinationRow>('AlertDestination').implement({
  description: 'A webhook a rule notifies.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Keep it in `updateAlertRule` to keep the destination.' }),
    url: t.exposeString('url', { description: 'Where the POST goes.' }),
    format: t.field({
      type: FormatEnum,
      resolve: (row) => row.format as never,
      description: 'What is sent.',
    }),
    secret: t.exposeString('secret', {
      description: 'HMAC-SHA256 key of `X-Cortex-Signature` (docs/alerts.md#signature).',
    }),
  }),
});

const EvaluationRef = builder.objectRef<EvaluationRow>('AlertEvaluation').implement({
  description: 'One check of a rule.',
  fields: (t) => ({
    evaluatedAt: t.expose('evaluated_at', { type: 'DateTime', description: 'When.' }),
    state: t.field({
      type: StateEnum,
      resolve: (row) => row.state as never,
      description: 'What it found.',
    }),
    value: t.exposeFloat('value', {
      nullable: true,
      description: 'The metric in the window (new error groups: how many).',
    }),
    previousValue: t.exposeFloat('previous_value', {
      nullable: true,
      description: 'The metric in the previous window.',
    }),
    message: t.exposeString('message', { description: 'Why, in one sentence (or the error).' }),
  }),
});

const AttemptRef = builder
  .objectRef<DeliveryView['attemptLog'][number]>('AlertDeliveryAttempt')
  .implement({
    description: 'One POST of a delivery.',
    fields: (t) => ({
      attemptedAt: t.expose('attemptedAt', { type: 'DateTime', description: 'When.' }),
      statusCode: t.exposeInt('statusCode', {
        nullable: true,
        description: 'HTTP status; null on a network error.',
      }),
      error: t.exposeString('error', {
        nullable: true,
        description: 'The network error or refusal.',
      }),
    }),
  });

const DeliveryRef = builder.objectRef<DeliveryView>('AlertDelivery').implement({
  description: 'A notification to one destination, from the outbox.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Sent as `X-Cortex-Delivery`: the same on every retry.' }),
    destinationId: t.exposeID('destination_id', { description: 'The destination.' }),
    kind: t.field({
      type: DeliveryKindEnum,
      resolve: (row) => row.kind as never,
      description: 'What it announces.',
    }),
    status: t.field({
      type: DeliveryStatusEnum,
      resolve: (row) => row.status as never,
      description: 'Where it stands.',
    }),
    body: t.exposeString('body', { description: 'The exact body POSTed.' }),
    createdAt: t.expose('created_at', { type: 'DateTime', description: 'When it was queued.' }),
    nextAttemptAt: t.expose('next_attempt_at', {
      type: 'DateTime',
      description: 'When a pending delivery is tried next.',
    }),
    attempts: t.expose('attemptLog', {
      type: [AttemptRef],
      description: 'Every attempt, oldest first.',
    }),
  }),
});

const nullable = { nullable: true } as const;

const AlertRuleRef = builder.objectRef<AlertRuleView>('AlertRule').implement({
  description: 'An alert rule (docs/alerts.md#rules).',
  fields: (t) => ({
    id: t.id({ resolve: (r) => r.row.id, description: 'Its id.' }),
    name: t.string({ resolve: (r) => r.row.name, description: 'Its name, in every notification.' }),
    kind: t.field({
      type: KindEnum,
      resolve: (r) => r.row.kind as never,
      description: 'What it watches.',
    }),
    metric: t.string({
      ...nullable,
      resolve: (r) => r.row.metric,
      description: 'The metric (`cdr.rate`, `errorGroup.count`, `trace.p95Ms`, …).',
    }),
    stackHash: t.string({
      ...nullable,
      resolve: (r) => r.row.stack_hash,
      description: '`errorGroup.count`: the error group’s stack hash.',
    }),
    operation: t.string({
      ...nullable,
      resolve: (r) => r.row.operation,
      description: '`trace.p95Ms`: the operation’s name.',
    }),
    phase: t.field({
      type: BetaPhaseEnum,
      ...nullable,
      resolve: (r) => r.row.phase as never,
      description: 'Only this phase; null: both.',
    }),
    channel: t.field({
      type: ChannelEnum,
      ...nullable,
      resolve: (r) => r.row.channel as never,
      description: 'Only this channel; null: all.',
    }),
    days: t.int({
      ...nullable,
      resolve: (r) => r.row.days,
      description: 'Window length in UTC days.',
    }),
    condition: t.field({
      type: ConditionEnum,
      ...nullable,
      resolve: (r) => r.row.condition as never,
      description: 'When it fires.',
    }),
    threshold: t.float({
      ...nullable,
      resolve: (r) => r.row.threshold,
      description: 'The value or change it compares with.',
    }),
    changeMode: t.field({
      type: ChangeModeEnum,
      ...nullable,
      resolve: (r) => r.row.change_mode as never,
      description: 'For INCREASE/DECREASE.',
    }),
    includeToday: t.boolean({
      resolve: (r) => r.row.include_today,
      description: 'Whether the window ends today (incomplete) instead of yesterday.',
    }),
    onlyCritical: t.boolean({
      resolve: (r) => r.row.only_critical,
      description: 'NEW_ERROR_GROUP: only groups first seen at CRITICAL.',
    }),
    schedule: t.field({
      type: ScheduleEnum,
      resolve: (r) => r.row.schedule as never,
      description: 'When it is checked.',
    }),
    state: t.field({ type: StateEnum, resolve: (r) => r.state, description: 'What it is now.' }),
    snoozedUntil: t.field({
      type: 'DateTime',
      ...nullable,
      resolve: (r) => r.row.snoozed_until,
      description: 'Nothing is sent before this instant.',
    }),
    lastValue: t.float({
      ...nullable,
      resolve: (r) => r.row.last_value,
      description: 'The value of the last check.',
    }),
    lastCheckedAt: t.field({
      type: 'DateTime',
      ...nullable,
      resolve: (r) => r.row.last_checked_at,
      description: 'When it was last checked.',
    }),
    nextCheckAt: t.field({
      type: 'DateTime',
      resolve: (r) => r.row.next_check_at,
      description: 'Its next scheduled check.',
    }),
    destinations: t.field({
      type: [DestinationRef],
      description: 'Where it notifies, in order.',
      resolve: (r, _a, ctx) => alertService.destinations(ctx.em, r.row.id),
    }),
    evaluations: t.field({
      type: [EvaluationRef],
      description: 'Its last checks, newest first.',
      args: { last: t.arg.int({ defaultValue: 20, description: 'How many, 1–200.' }) },
      resolve: (r, a, ctx) => alertService.evaluations(ctx.em, r.row.id, a.last ?? 20),
    }),
    deliveries: t.field({
      type: [DeliveryRef],
      description: 'Its last notifications with every attempt, newest first.',
      args: { last: t.arg.int({ defaultValue: 20, description: 'How many, 1–200.' }) },
      resolve: (r, a, ctx) => alertService.deliveries(ctx.em, r.row.id, a.last ?? 20),
    }),
  }),
});

const CheckResultRef = builder.objectRef<EvaluationResult>('AlertCheckResult').implement({
  description: 'What `checkAlertRule` found.',
  fields: (t) => ({
    evaluatedAt: t.expose('evaluatedAt', { type: 'DateTime', description: 'When.' }),
    state: t.field({
      type: StateEnum,
      resolve: (row) => row.state as never,
      description: 'What it found.',
    }),
    value: t.exposeFloat('value', { nullable: true, description: 'The metric in the window.' }),
    previousValue: t.exposeFloat('previousValue', {
      nullable: true,
      description: 'The metric in the previous window.',
    }),
    message: t.exposeString('message', { description: 'Why, in one sentence.' }),
    window: t.expose('window', {
      type: KpiWindowRef,
      nullable: true,
      description: 'The window read.',
    }),
    notified: t.exposeBoolean('notified', {
      description: 'Whether it queued notifications (a state change).',
    }),
  }),
});

const DestinationInput = builder.inputType('AlertDestinationInput', {
  description: 'A webhook: http(s), public addresses only unless ALERT_ALLOW_PRIVATE_URLS=1.',
  fields: (t) => ({
    id: t.id({ description: 'An existing destination of the rule, to keep it (and its secret).' }),
    url: t.string({ required: true, description: 'Where to POST.' }),
    format: t.field({ type: FormatEnum, defaultValue: 'json', description: 'Default JSON.' }),
    secret: t.string({ description: 'Signing key, 16+ characters; generated when absent.' }),
  }),
});

export const RuleInput = builder.inputType('AlertRuleInput', {
  description: 'A rule as a whole (create, and update replaces every field).',
  fields: (t) => ({
    name: t.string({ required: true, description: '1–200 characters.' }),
    kind: t.field({ type: KindEnum, defaultValue: 'metric', description: 'Default METRIC.' }),
    metric: t.string({ description: `METRIC: one of ${ALERT_METRICS.join(', ')}.` }),
    stackHash: t.string({
      description: 'Required for metric `errorGroup.count` (and only for it): the stack hash.',
    }),
    operation: t.string({
      description: 'Required for metric `trace.p95Ms` (and only for it): the operation name.',
    }),
    phase: t.field({ type: BetaPhaseEnum, description: 'Only this phase.' }),
    channel: t.field({ type: ChannelEnum, description: 'Only this channel.' }),
    days: t.int({ defaultValue: 7, description: 'Window length in UTC days, 1–366 (default 7).' }),
    condition: t.field({ type: ConditionEnum, description: 'METRIC: when it fires.' }),
    threshold: t.float({ description: 'METRIC: the value or change.' }),
    changeMode: t.field({
      type: ChangeModeEnum,
      defaultValue: 'absolute',
      description: 'INCREASE/DECREASE; default ABSOLUTE.',
    }),
    includeToday: t.boolean({
      defaultValue: false,
      description: 'End the window today (incomplete) instead of yesterday.',
    }),
    onlyCritical: t.boolean({
      defaultValue: false,
      description: 'NEW_ERROR_GROUP: only CRITICAL first occurrences.',
    }),
    schedule: t.field({
      type: ScheduleEnum,
      description: 'Default HOURLY; WEEKLY_DIGEST rules run (only) WEEKLY.',
    }),
    snoozedUntil: t.field({ type: 'DateTime', description: 'Send nothing before this instant.' }),
    destinations: t.field({
      type: [DestinationInput],
      required: true,
      description: `1–10 webhooks.`,
    }),
  }),
});

type RuleInputShape = typeof RuleInput.$inferInput;
export const toInput = (i: RuleInputShape) => ({
  name: i.name,
  kind: i.kind ?? 'metric',
  metric: i.metric ?? null,
  stackHash: i.stackHash ?? null,
  operation: i.operation ?? null,
  phase: i.phase ?? null,
  channel: i.channel ?? null,
  days: i.days ?? 7,
  condition: i.condition ?? null,
  threshold: i.threshold ?? null,
  changeMode: i.changeMode ?? 'absolute',
  includeToday: i.includeToday ?? false,
  onlyCritical: i.onlyCritical ?? false,
  schedule: i.schedule ?? null,
  snoozedUntil: i.snoozedUntil ?? null,
  destinations: i.destinations.map((d) => ({
    id: d.id ?? null,
    url: d.url,
    format: d.format ?? 'json',
    secret: d.secret ?? null,
  })),
});

builder.queryFields((t) => ({
  alertRules: t.field({
    type: [AlertRuleRef],
    description: 'Every alert rule, oldest first (admin only).',
    resolve: (_r, _a, ctx) => alertService.list(ctx.em, ctx.receivedAt),
  }),
  alertRule: t.field({
    type: AlertRuleRef,
    nullable: true,
    description:
      'One alert rule with its last evaluations and deliveries; null when absent (admin only).',
    args: { id: t.arg.id({ required: true, description: 'The rule.' }) },
    resolve: (_r, a, ctx) => alertService.get(ctx.em, a.id, ctx.receivedAt),
  }),
}));

builder.mutationFields((t) => ({
  createAlertRule: t.field({
    type: AlertRuleRef,
    description: 'Creates a rule (admin only); first checked at its next scheduled run.',
    args: { rule: t.arg({ type: RuleInput, required: true, description: 'The rule.' }) },
    resolve: (_r, a, ctx) =>
      alertService.create(ctx.em, toInput(a.rule), ctx.alerts, ctx.receivedAt),
  }),
  updateAlertRule: t.field({
    type: AlertRuleRef,
    description: 'Replaces a rule’s settings and destinations, keeping its state (admin only).',
    args: {
      id: t.arg.id({ required: true, description: 'The rule.' }),
      rule: t.arg({ type: RuleInput, required: true, description: 'The new settings.' }),
    },
    resolve: (_r, a, ctx) =>
      alertService.update(ctx.em, a.id, toInput(a.rule), ctx.alerts, ctx.receivedAt),
  }),
  deleteAlertRule: t.boolean({
    description:
      'Deletes a rule with its destinations, evaluations and deliveries; false when absent (admin only).',
    args: { id: t.arg.id({ required: true, description: 'The rule.' }) },
    resolve: (_r, a, ctx) => alertService.delete(ctx.em, a.id),
  }),
  checkAlertRule: t.field({
    type: CheckResultRef,
    description: 'Evaluates a rule now; notifies only if its state changes (admin only).',
    args: { id: t.arg.id({ required: true, description: 'The rule.' }) },
    resolve: (_r, a, ctx) => alertService.check(ctx.em, a.id, ctx.alerts, ctx.receivedAt),
  }),
  sendTestNotification: t.field({
    type: [DeliveryRef],
    description: 'Queues a test notification to every destination of the rule (admin only).',
    args: { id: t.arg.id({ required: true, description: 'The rule.' }) },
    resolve: (_r, a, ctx) => alertService.sendTest(ctx.em, a.id, ctx.alerts, ctx.receivedAt),
  }),
}));
