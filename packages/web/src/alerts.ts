import type { CombinedError } from '@urql/vue';
import { formatCount, formatPercent } from './format';
import type {
  AlertChangeMode,
  AlertCondition,
  AlertDestinationFormat,
  AlertRuleInput,
  AlertRuleKind,
  AlertSchedule,
  AlertState,
  BetaPhase,
  Channel,
} from './gql/graphql';

/**
 * The alert rule form of /alerts as plain data: the rule as the form edits it, to and from the
 * API's `AlertRuleInput`, and the server's BAD_USER_INPUT turned into one message per field.
 * Pure, so it is unit-tested without a browser (docs/alerts.md#rules).
 */

/**
 * What a metric rule may watch (docs/alerts.md#rules), with their labels: the KPI summary fields,
 * one error group's count and one operation's trace p95.
 */
export const ALERT_METRICS = [
  { value: 'cdr.rate', label: 'CDR: rate' },
  { value: 'cdr.sessions', label: 'CDR: sessions' },
  { value: 'cdr.dependentSessions', label: 'CDR: dependent sessions' },
  { value: 'resurrection.rate', label: 'Resurrection: rate' },
  { value: 'resurrection.resurrectedUsers', label: 'Resurrection: resurrected users' },
  { value: 'resurrection.activeUsers', label: 'Resurrection: active users' },
  { value: 'resurrection.viaContextUsers', label: 'Resurrection: via context users' },
  { value: 'dauWau.dau', label: 'DAU/WAU: DAU (last day)' },
  { value: 'dauWau.avgDau', label: 'DAU/WAU: average DAU' },
  { value: 'dauWau.wau', label: 'DAU/WAU: WAU' },
  { value: 'dauWau.mau', label: 'DAU/WAU: MAU' },
  { value: 'dauWau.stickiness', label: 'DAU/WAU: stickiness' },
  { value: 'paidConversion.rate', label: 'Paid conversion: rate' },
  { value: 'paidConversion.conversions', label: 'Paid conversion: conversions' },
  { value: 'paidConversion.eligibleUsers', label: 'Paid conversion: eligible users' },
  { value: 'paidConversion.cancellations', label: 'Paid conversion: cancellations' },
  { value: 'paidConversion.paidUsersAtEnd', label: 'Paid conversion: paid users at end' },
  { value: 'errorGroup.count', label: 'Errors: one error group’s count' },
  { value: 'trace.p95Ms', label: 'Traces: one operation’s p95 in ms' },
] as const;

/** The metrics that name what they measure: an error group by stack hash, an operation by name. */
export function metricSubject(metric: string | null | undefined): 'stackHash' | 'operation' | null {
  if (metric === 'errorGroup.count') return 'stackHash';
  if (metric === 'trace.p95Ms') return 'operation';
  return null;
}

/** When each schedule checks a rule (UTC); WEEKLY is the weekly digest's, and only its. */
export const SCHEDULE_LABELS: Record<AlertSchedule, string> = {
  HOURLY: 'every hour',
  DAILY: 'daily at 01:00 UTC',
  WEEKLY: 'Mondays 08:00 UTC',
};

export const CONDITIONS: { value: AlertCondition; label: string }[] = [
  { value: 'BELOW', label: 'falls below' },
  { value: 'ABOVE', label: 'rises above' },
  { value: 'DECREASE', label: 'decreases by' },
  { value: 'INCREASE', label: 'increases by' },
];

/** A rate (0–1) is shown as a percentage; every other metric is a count. */
export const isRateMetric = (metric: string | null | undefined) =>
  metric != null && (metric.endsWith('.rate') || metric === 'dauWau.stickiness');

/** A metric's value as the dashboard shows it: `42.0%` for rates, `1,234` for counts. */
export function formatMetricValue(metric: string | null | undefined, value: number | null) {
  return isRateMetric(metric) ? formatPercent(value) : formatCount(value);
}

export const isChange = (condition: AlertCondition | null | undefined) =>
  condition === 'INCREASE' || condition === 'DECREASE';

/** `cdr.rate falls below 50.0%`, `dauWau.avgDau decreases by 20% in 7 days`. */
export function describeRule(rule: {
  kind: AlertRuleKind;
  metric?: string | null;
  condition?: AlertCondition | null;
  threshold?: number | null;
  changeMode?: AlertChangeMode | null;
  days?: number | null;
  onlyCritical?: boolean;
  stackHash?: string | null;
  operation?: string | null;
}): string {
  if (rule.kind === 'NEW_ERROR_GROUP') {
    return rule.onlyCritical ? 'a new CRITICAL error group' : 'a new error group';
  }
  if (rule.kind === 'WEEKLY_DIGEST') return `the weekly digest, ${SCHEDULE_LABELS.WEEKLY}`;
  const verb = CONDITIONS.find((c) => c.value === rule.condition)?.label ?? '?';
  const t = rule.threshold ?? null;
  const amount =
    isChange(rule.condition) && rule.changeMode === 'RELATIVE'
      ? formatPercent(t)
      : formatMetricValue(rule.metric, t);
  const window = rule.days === 1 ? '1 day' : `${rule.days ?? 7} days`;
  const subject = rule.stackHash ?? rule.operation;
  const metric = subject ? `${rule.metric} of ${subject}` : (rule.metric ?? '?');
  return `${metric} ${verb} ${amount} over ${window}`;
}

export interface DestinationForm {
  /** Set for a destination the rule has: kept, with its secret unless a new one is typed. */
  id: string | null;
  url: string;
  format: AlertDestinationFormat;
  /** Empty: generated (a new destination) or kept (an existing one). */
  secret: string;
}

export interface RuleForm {
  name: string;
  kind: AlertRuleKind;
  metric: string;
  /** `errorGroup.count`: the error group's stack hash ('' for none yet). */
  stackHash: string;
  /** `trace.p95Ms`: the operation's name ('' for none yet). */
  operation: string;
  /** '' is "all" in the pickers. */
  phase: BetaPhase | '';
  channel: Channel | '';
  days: number;
  condition: AlertCondition;
  /**
   * As typed: a number in the metric's unit (a rate as 0.5), or a fraction for RELATIVE; '' for
   * none. A number input's v-model hands back a number once something is typed.
   */
  threshold: string | number;
  changeMode: AlertChangeMode;
  schedule: AlertSchedule;
  includeToday: boolean;
  onlyCritical: boolean;
  /** `YYYY-MM-DDTHH:mm` in UTC (a datetime-local input), '' for none. */
  snoozedUntil: string;
  destinations: DestinationForm[];
}

export const emptyDestination = (): DestinationForm => ({
  id: null,
  url: '',
  format: 'JSON',
  secret: '',
});

export function emptyRuleForm(): RuleForm {
  return {
    name: '',
    kind: 'METRIC',
    metric: 'cdr.rate',
    stackHash: '',
    operation: '',
    phase: '',
    channel: '',
    days: 7,
    condition: 'BELOW',
    threshold: '',
    changeMode: 'ABSOLUTE',
    schedule: 'HOURLY',
    includeToday: false,
    onlyCritical: false,
    snoozedUntil: '',
    destinations: [emptyDestination()],
  };
}

/** The rule's settings as they come from `alertRule`, for the edit form. */
export interface RuleSettings {
  name: string;
  kind: AlertRuleKind;
  metric?: string | null;
  stackHash?: string | null;
  operation?: string | null;
  phase?: BetaPhase | null;
  channel?: Channel | null;
  days?: number | null;
  condition?: AlertCondition | null;
  threshold?: number | null;
  changeMode?: AlertChangeMode | null;
  schedule: AlertSchedule;
  includeToday: boolean;
  onlyCritical: boolean;
  snoozedUntil?: string | null;
  destinations: readonly { id: string; url: string; format: AlertDestinationFormat }[];
}

export function formFromRule(rule: RuleSettings): RuleForm {
  const empty = emptyRuleForm();
  return {
    name: rule.name,
    kind: rule.kind,
    metric: rule.metric ?? empty.metric,
    stackHash: rule.stackHash ?? '',
    operation: rule.operation ?? '',
    phase: rule.phase ?? '',
    channel: rule.channel ?? '',
    days: rule.days ?? empty.days,
    condition: rule.condition ?? empty.condition,
    threshold: rule.threshold == null ? '' : String(rule.threshold),
    changeMode: rule.changeMode ?? 'ABSOLUTE',
    schedule: rule.schedule,
    includeToday: rule.includeToday,
    onlyCritical: rule.onlyCritical,
    snoozedUntil: rule.snoozedUntil ? rule.snoozedUntil.slice(0, 16) : '',
    destinations: rule.destinations.map((d) => ({
      id: d.id,
      url: d.url,
      format: d.format,
      secret: '',
    })),
  };
}

/**
 * The form as `AlertRuleInput`. Nothing is checked here beyond turning text into numbers: the
 * server checks every field and names it (BAD_USER_INPUT), and the form shows that message
 * beside the field (an empty threshold is sent as null: "threshold: is required …"). Only the
 * fields the kind and metric use are sent (the server refuses a stack hash on another metric);
 * the weekly digest covers both betas and every channel and runs WEEKLY, every other kind not.
 */
export function formToInput(form: RuleForm): AlertRuleInput {
  const metric = form.kind === 'METRIC';
  const digest = form.kind === 'WEEKLY_DIGEST';
  const typed = String(form.threshold).trim();
  const threshold = typed === '' ? null : Number(typed);
  const subject = metric ? metricSubject(form.metric) : null;
  const named = (field: 'stackHash' | 'operation') =>
    subject === field ? form[field].trim() || null : null;
  return {
    name: form.name,
    kind: form.kind,
    metric: metric ? form.metric : null,
    stackHash: named('stackHash'),
    operation: named('operation'),
    phase: digest ? null : form.phase || null,
    channel: digest ? null : form.channel || null,
    days: metric ? form.days : null,
    condition: metric ? form.condition : null,
    threshold: metric && threshold !== null && Number.isFinite(threshold) ? threshold : null,
    changeMode: form.changeMode,
    schedule: digest ? 'WEEKLY' : form.schedule === 'WEEKLY' ? 'HOURLY' : form.schedule,
    includeToday: metric && form.includeToday,
    onlyCritical: form.kind === 'NEW_ERROR_GROUP' && form.onlyCritical,
    snoozedUntil: form.snoozedUntil ? `${form.snoozedUntil.slice(0, 16)}:00.000Z` : null,
    destinations: form.destinations.map((d) => ({
      id: d.id,
      url: d.url.trim(),
      format: d.format,
      secret: d.secret === '' ? null : d.secret,
    })),
  };
}

/** What a failed save said: per field (`destinations.0.url`) or for the form as a whole. */
export interface SaveProblem {
  fields: Record<string, string>;
  general: string | null;
}

/**
 * The server's refusal split by field: a BAD_USER_INPUT error names its field in
 * `extensions.field`, and its message already says the field and the rule
 * (`threshold: is required for a METRIC rule`). Anything else is a message for the whole form.
 */
export function saveProblem(error: CombinedError): SaveProblem {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const e of error.graphQLErrors) {
    const field = e.extensions?.field;
    if (e.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string') {
      fields[field] = e.message;
    } else {
      general.push(e.message);
    }
  }
  if (error.graphQLErrors.length === 0) general.push(error.message);
  return { fields, general: general.length > 0 ? general.join(' ') : null };
}

export const STATE_LABELS: Record<AlertState, string> = {
  OK: 'OK',
  FIRING: 'Firing',
  ERRORED: 'Errored',
  SNOOZED: 'Snoozed',
};
