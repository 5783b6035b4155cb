import { builder } from '../../builder.js';
import { EventNameEnum, kpiArgs, toKpiArgs } from '../common.schema.js';
import { KpiWindowRef } from '../kpi/kpi.schema.js';
import { callableBy } from '../shared/access.js';
import {
  cohortsService,
  type Funnel,
  type FunnelStep,
  type Lifecycle,
  type LifecyclePeriod,
  type Retention,
  type RetentionCohort,
} from './cohorts.service.js';
import { RETENTION_PERIODS, RETENTION_TYPES } from './periods.js';

/*
 * Retention, lifecycle and funnel (docs/kpis.md sections 5–7): admin and viewer tokens, like every
 * KPI (`callableBy('viewer')`: modules/shared/access.ts), with the KPI fields' window and filter arguments.
 */

/** Wire value → description; the GraphQL enums derive from the tuples of periods.ts. */
const upperCased = <T extends string>(values: readonly T[], describe: Record<T, string>) =>
  Object.fromEntries(
    values.map((v) => [v.toUpperCase(), { value: v, description: describe[v] }]),
  ) as Record<string, { value: T; description: string }>;

export const RetentionPeriodEnum = builder.enumType('RetentionPeriod', {
  description:
    'The period of retention and lifecycle rows: a UTC day, or an ISO week (Monday 00:00 UTC).',
  values: upperCased(RETENTION_PERIODS, {
    day: 'A UTC calendar day.',
    week: 'An ISO week: Monday 00:00 UTC to the next Monday.',
  }),
});

const LifecyclePeriodRef = builder.objectRef<LifecyclePeriod>('LifecyclePeriod').implement({
  description:
    'The users of one period by where they stand: new, returning, resurrecting (together `active`), and dormant.',
  fields: (t) => ({
    start: t.expose('start', {
      type: 'Date',
      description: "The period's first UTC day (a Monday for WEEK).",
    }),
    new: t.exposeInt('new', {
      description: 'Users whose first-ever activity (in the filter scope) is in this period.',
    }),
    returning: t.exposeInt('returning', {
      description: 'Users active in this period and in the period before, and not new.',
    }),
    resurrecting: t.exposeInt('resurrecting', {
      description:
        'Users active in this period, not in the period before, and at some earlier time.',
    }),
    dormant: t.exposeInt('dormant', {
      description:
        'Users active in the period before and not in this one; a positive count (charts draw it below zero).',
    }),
    active: t.exposeInt('active', { description: 'new + returning + resurrecting.' }),
  }),
});

const LifecycleRef = builder.objectRef<Lifecycle>('Lifecycle').implement({
  description: 'Lifecycle of the active users, one row per period that starts within the window.',
  fields: (t) => ({
    window: t.expose('window', {
      type: KpiWindowRef,
      description: 'The window whose periods are listed.',
    }),
    period: t.expose('period', {
      type: RetentionPeriodEnum,
      description: 'Days or ISO weeks.',
    }),
    periods: t.expose('periods', {
      type: [LifecyclePeriodRef],
      description:
        'The periods that start within the window, oldest first; the last may run past the window end, whose later events are ignored.',
    }),
  }),
});

builder.queryField('lifecycle', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: LifecycleRef,
    description:
      'New, returning, resurrecting and dormant users per period (docs/kpis.md#6-lifecycle--who-is-new-who-returns-who-comes-back-who-slips-away).',
    args: {
      ...kpiArgs(t.arg, 30),
      period: t.arg({
        type: RetentionPeriodEnum,
        defaultValue: 'day',
        description: 'DAY or WEEK (ISO weeks, starting Monday 00:00 UTC).',
      }),
    },
    resolve: (_root, args, ctx) =>
      cohortsService.lifecycle(ctx.em, { ...toKpiArgs(args, 30), period: args.period ?? 'day' }),
  }),
);

export const RetentionTypeEnum = builder.enumType('RetentionType', {
  description: 'Which start puts a user in a cohort.',
  values: upperCased(RETENTION_TYPES, {
    first_time:
      'A user is in one cohort: the period of their first-ever start (activity, or startEvent) in scope.',
    recurring: 'A user is in the cohort of every period in which they started.',
  }),
});

const RetentionCohortRef = builder.objectRef<RetentionCohort>('RetentionCohort').implement({
  description: 'One cohort: the users who started in one period, and how many came back after.',
  fields: (t) => ({
    start: t.expose('start', {
      type: 'Date',
      description: "The cohort period's first UTC day (a Monday for WEEK).",
    }),
    size: t.exposeInt('size', { description: 'Users in the cohort (= values[0]).' }),
    values: t.exposeIntList('values', {
      description:
        'values[0] = size; values[k] = cohort users active (or doing returnEvent) in period start + k. Periods after the one containing asOf are left out, so later cohorts have shorter rows.',
    }),
    incomplete: t.exposeBoolean('incomplete', {
      description: 'The last value is of the period containing asOf, which is still filling up.',
    }),
  }),
});

const RetentionAverageRef = builder.objectRef<Retention['average']>('RetentionAverage').implement({
  description: 'The size-weighted mean retention curve over the cohorts.',
  fields: (t) => ({
    values: t.exposeFloatList('values', {
      nullable: { list: false, items: true },
      description:
        'Per k: Σ values[k] ÷ Σ size over the cohorts that have a k-th value; null when that Σ size is 0. As long as the longest cohort row.',
    }),
  }),
});

const RetentionRef = builder.objectRef<Retention>('Retention').implement({
  description: 'Retention cohorts over a window: do the users we win stay?',
  fields: (t) => ({
    window: t.expose('window', {
      type: KpiWindowRef,
      description: 'The window whose periods are the cohorts.',
    }),
    period: t.expose('period', {
      type: RetentionPeriodEnum,
      description: 'Days or ISO weeks.',
    }),
    type: t.expose('type', {
      type: RetentionTypeEnum,
      description: 'FIRST_TIME or RECURRING cohorts.',
    }),
    intervals: t.exposeInt('intervals', { description: 'The largest k asked for.' }),
    startEvent: t.expose('startEvent', {
      type: EventNameEnum,
      nullable: true,
      description: 'The event that starts a user; null: any activity.',
    }),
    returnEvent: t.expose('returnEvent', {
      type: EventNameEnum,
      nullable: true,
      description: 'The event that counts as coming back; null: any activity.',
    }),
    cohorts: t.expose('cohorts', {
      type: [RetentionCohortRef],
      description: 'One per period that starts within the window, oldest first, empty ones too.',
    }),
    average: t.expose('average', {
      type: RetentionAverageRef,
      description: 'The size-weighted mean over the cohorts.',
    }),
  }),
});

builder.queryField('retention', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: RetentionRef,
    description: 'Retention cohorts (docs/kpis.md#5-retention--do-the-users-we-win-stay).',
    args: {
      ...kpiArgs(t.arg, 90),
      period: t.arg({
        type: RetentionPeriodEnum,
        defaultValue: 'week',
        description: 'DAY or WEEK (ISO weeks, starting Monday 00:00 UTC).',
      }),
      intervals: t.arg.int({
        defaultValue: 12,
        description: "The periods after the cohort's to measure, 1–26: values[0…intervals].",
      }),
      type: t.arg({
        type: RetentionTypeEnum,
        defaultValue: 'first_time',
        description: 'FIRST_TIME (default) or RECURRING cohorts.',
      }),
      startEvent: t.arg({
        type: EventNameEnum,
        description: 'Start with this event instead of any activity.',
      }),
      returnEvent: t.arg({
        type: EventNameEnum,
        description: 'Come back with this event instead of any activity.',
      }),
    },
    resolve: (_root, args, ctx) =>
      cohortsService.retention(ctx.em, {
        ...toKpiArgs(args, 90),
        period: args.period ?? 'week',
        intervals: args.intervals ?? 12,
        type: args.type ?? 'first_time',
        startEvent: args.startEvent ?? null,
        returnEvent: args.returnEvent ?? null,
      }),
  }),
);

const FunnelStepRef = builder.objectRef<FunnelStep>('FunnelStep').implement({
  description: 'One step of a funnel: the users who reached it, and how fast.',
  fields: (t) => ({
    eventName: t.expose('eventName', {
      type: EventNameEnum,
      description: "The step's event.",
    }),
    users: t.exposeInt('users', {
      description: 'Users who reached this step (and so every step before it).',
    }),
    conversionFromStart: t.exposeFloat('conversionFromStart', {
      nullable: true,
      description: 'users ÷ users of step 0; null when step 0 has none.',
    }),
    conversionFromPrevious: t.exposeFloat('conversionFromPrevious', {
      nullable: true,
      description:
        'users ÷ users of the previous step; null for step 0 or when that step has none.',
    }),
    medianSecondsFromPrevious: t.exposeFloat('medianSecondsFromPrevious', {
      nullable: true,
      description:
        "Median seconds from the previous step's matched event to this one's, over the users who reached this step (an even count: the mean of the two middle values); null for step 0 or when nobody reached it.",
    }),
  }),
});

const FunnelRef = builder.objectRef<Funnel>('Funnel').implement({
  description: 'A funnel: users entering with the first step, matched greedily through the next.',
  fields: (t) => ({
    window: t.expose('window', {
      type: KpiWindowRef,
      description: 'Entries and every matched step lie in this window.',
    }),
    windowDays: t.exposeInt('windowDays', {
      description: "Each step must come within windowDays × 24 h of the user's entry.",
    }),
    steps: t.expose('steps', {
      type: [FunnelStepRef],
      description: 'One per step, in order.',
    }),
  }),
});

builder.queryField('funnel', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: FunnelRef,
    description:
      'Conversion through 2–6 steps (docs/kpis.md#7-funnel--where-do-they-drop-off-on-the-way-to-value).',
    args: {
      ...kpiArgs(t.arg, 30),
      steps: t.arg({
        type: [EventNameEnum],
        required: true,
        description: 'The steps, 2–6 events in order; an event may repeat.',
      }),
      windowDays: t.arg.int({
        defaultValue: 14,
        description: "1–90: each step must come within windowDays × 24 h of the user's entry.",
      }),
    },
    resolve: (_root, args, ctx) =>
      cohortsService.funnel(ctx.em, {
        ...toKpiArgs(args, 30),
        steps: args.steps,
        windowDays: args.windowDays ?? 14,
      }),
  }),
);
