/**
 * The vocabulary of alert rules (docs/alerts.md), once, as `as const` tuples: the GraphQL enums
 * and the checks derive from them. Stored values are the lower-case names.
 */
export const ALERT_RULE_KINDS = ['metric', 'new_error_group', 'weekly_digest'] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/**
 * What a metric rule may watch: the KPI summary fields (`<kpi>.<field>` of the `kpis` query), one
 * error group's occurrences (`errorGroup.count`, with `stackHash`) and one operation's trace p95
 * in ms (`trace.p95Ms`, with `operation`), as the analyst queries `errorGroups` and `traceStats`
 * count them.
 */
export const ALERT_METRICS = [
  'cdr.rate',
  'cdr.sessions',
  'cdr.dependentSessions',
  'resurrection.rate',
  'resurrection.resurrectedUsers',
  'resurrection.activeUsers',
  'resurrection.viaContextUsers',
  'dauWau.dau',
  'dauWau.avgDau',
  'dauWau.wau',
  'dauWau.mau',
  'dauWau.stickiness',
  'paidConversion.rate',
  'paidConversion.conversions',
  'paidConversion.eligibleUsers',
  'paidConversion.cancellations',
  'paidConversion.paidUsersAtEnd',
  'errorGroup.count',
  'trace.p95Ms',
] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

/** The metrics that name their subject, and the rule field that names it. */
export const METRIC_SUBJECTS = {
  'errorGroup.count': 'stackHash',
  'trace.p95Ms': 'operation',
} as const satisfies Partial<Record<AlertMetric, string>>;

export const ALERT_CONDITIONS = ['above', 'below', 'increase', 'decrease'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];

/** How INCREASE/DECREASE measure the change against the previous window. */
export const ALERT_CHANGE_MODES = ['absolute', 'relative'] as const;
export type AlertChangeMode = (typeof ALERT_CHANGE_MODES)[number];

/** WEEKLY (Monday 08:00 UTC) is the weekly digest's, and only its. */
export const ALERT_SCHEDULES = ['hourly', 'daily', 'weekly'] as const;
export type AlertSchedule = (typeof ALERT_SCHEDULES)[number];

/** What a rule is now; `snoozed` is shown while `snoozedUntil` lies ahead. */
export const ALERT_STATES = ['ok', 'firing', 'errored', 'snoozed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const DESTINATION_FORMATS = ['json', 'slack'] as const;
export type DestinationFormat = (typeof DESTINATION_FORMATS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What a delivery announces. */
export const DELIVERY_KINDS = [
  'firing',
  'resolved',
  'new_error_group',
  'weekly_digest',
  'test',
] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];
