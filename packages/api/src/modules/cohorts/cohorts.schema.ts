import { builder } from '../../builder.js';
import { KpiWindowRef, kpiArgs, toKpiArgs } from '../kpi/kpi.schema.js';
import { cohortsService, type Lifecycle, type LifecyclePeriod } from './cohorts.service.js';
import { RETENTION_PERIODS } from './periods.js';

/**
 * Retention, lifecycle and funnel (docs/kpis.md sections 5–7): admin tokens only, like every
 * read (the ingest allow-list of graphql.ts), with the KPI fields' window and filter arguments.
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
    start: t.field({
      type: 'Date',
      resolve: (p) => p.start,
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
    window: t.field({
      type: KpiWindowRef,
      resolve: (l) => l.window,
      description: 'The window whose periods are listed.',
    }),
    period: t.field({
      type: RetentionPeriodEnum,
      resolve: (l) => l.period,
      description: 'Days or ISO weeks.',
    }),
    periods: t.field({
      type: [LifecyclePeriodRef],
      resolve: (l) => l.periods,
      description:
        'The periods that start within the window, oldest first; the last may run past the window end, whose later events are ignored.',
    }),
  }),
});

builder.queryField('lifecycle', (t) =>
  t.field({
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
