import { builder } from '../../builder.js';
import { kpiArgs, toKpiArgs } from '../common.schema.js';
import { callableBy } from '../shared/access.js';
import type { KpiWindow } from '../shared/window.js';
import {
  type CdrKpi,
  type CdrPoint,
  type ConversionPoint,
  type DauWauKpi,
  type DauWauPoint,
  type KpiReport,
  kpiService,
  type PaidConversionKpi,
  type ResurrectionKpi,
  type ResurrectionPoint,
} from './kpi.service.js';

/** The KPI types and queries of packages/schema/schema.graphql; definitions in docs/kpis.md and the `get-*.sql.ts` files. */
export const KpiWindowRef = builder.objectRef<KpiWindow>('KpiWindow').implement({
  description: 'The UTC days a KPI covers: [from, to), whole days, `to` exclusive.',
  fields: (t) => ({
    from: t.expose('from', {
      type: 'DateTime',
      description: 'windowStart: 00:00 UTC of the first day (inclusive).',
    }),
    to: t.expose('to', {
      type: 'DateTime',
      description: "windowEnd: 00:00 UTC of the day after asOf's UTC day (exclusive).",
    }),
    days: t.exposeInt('days', { description: 'Number of days in the window.' }),
  }),
});

const windowField = { description: 'The window this KPI was computed over.' };

const CdrPointRef = builder.objectRef<CdrPoint>('CdrPoint').implement({
  description: 'CDR of one UTC day: the window rule applied to that day alone.',
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The UTC day.' }),
    rate: t.exposeFloat('rate', {
      nullable: true,
      description: 'dependentSessions / sessions; null when the day has no session.',
    }),
    sessions: t.exposeInt('sessions', { description: 'Sessions with an event that day.' }),
    dependentSessions: t.exposeInt('dependentSessions', {
      description: 'Sessions with a context_loaded or context_resumed that day.',
    }),
  }),
});

const CdrKpiRef = builder.objectRef<CdrKpi>('CdrKpi').implement({
  description:
    'Context Dependency Rate: share of sessions (user + non-empty session id) that loaded or resumed a context.',
  fields: (t) => ({
    window: t.expose('window', { type: KpiWindowRef, ...windowField }),
    rate: t.exposeFloat('rate', {
      nullable: true,
      description: 'dependentSessions / sessions, in [0, 1]; null when there is no session.',
    }),
    sessions: t.exposeInt('sessions', { description: 'Sessions with an event in the window.' }),
    dependentSessions: t.exposeInt('dependentSessions', {
      description: 'Sessions with a context_loaded or context_resumed in the window.',
    }),
    series: t.expose('series', {
      type: [CdrPointRef],
      description: 'One point per UTC day of the window, ascending.',
    }),
  }),
});

const ResurrectionPointRef = builder.objectRef<ResurrectionPoint>('ResurrectionPoint').implement({
  description: 'Resurrections of one UTC day.',
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The UTC day.' }),
    resurrectedUsers: t.exposeInt('resurrectedUsers', {
      description: 'Users resurrected that day.',
    }),
    activeUsers: t.exposeInt('activeUsers', { description: 'Users active that day (DAU).' }),
  }),
});

const ResurrectionKpiRef = builder.objectRef<ResurrectionKpi>('ResurrectionKpi').implement({
  description:
    'Users coming back after at least `inactiveDays` whole idle days, among the users active in the window.',
  fields: (t) => ({
    window: t.expose('window', { type: KpiWindowRef, ...windowField }),
    inactiveDays: t.exposeInt('inactiveDays', {
      description: 'k: the idle days (without activity) needed between two active days.',
    }),
    rate: t.exposeFloat('rate', {
      nullable: true,
      description: 'resurrectedUsers / activeUsers, in [0, 1]; null when nobody was active.',
    }),
    resurrectedUsers: t.exposeInt('resurrectedUsers', {
      description: 'Users resurrected on some day of the window.',
    }),
    activeUsers: t.exposeInt('activeUsers', {
      description: 'Users active (activity set) on some day of the window.',
    }),
    viaContextUsers: t.exposeInt('viaContextUsers', {
      description:
        'Resurrected users with a session_resumed_from_context on a day they were resurrected.',
    }),
    series: t.expose('series', {
      type: [ResurrectionPointRef],
      description: 'One point per UTC day of the window, ascending.',
    }),
  }),
});

const DauWauPointRef = builder.objectRef<DauWauPoint>('DauWauPoint').implement({
  description: 'Active users of one UTC day and of the week and 30 days ending on it.',
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The UTC day d.' }),
    dau: t.exposeInt('dau', { description: 'Users active on d.' }),
    wau: t.exposeInt('wau', { description: 'Users active on any of d−6…d.' }),
    mau: t.exposeInt('mau', { description: 'Users active on any of d−29…d.' }),
  }),
});

const DauWauKpiRef = builder.objectRef<DauWauKpi>('DauWauKpi').implement({
  description:
    'Daily, weekly and monthly active users (activity set of docs/api.md#the-event-catalog).',
  fields: (t) => ({
    window: t.expose('window', { type: KpiWindowRef, ...windowField }),
    dau: t.exposeInt('dau', { description: 'DAU of the last day of the window.' }),
    avgDau: t.exposeFloat('avgDau', { description: 'Mean DAU over the days of the window.' }),
    wau: t.exposeInt('wau', { description: 'WAU of the last day of the window.' }),
    mau: t.exposeInt('mau', { description: 'MAU of the last day of the window.' }),
    stickiness: t.exposeFloat('stickiness', {
      nullable: true,
      description: 'Mean of DAU/WAU over the window days with WAU > 0; null if there are none.',
    }),
    series: t.expose('series', {
      type: [DauWauPointRef],
      description: 'One point per UTC day of the window, ascending.',
    }),
  }),
});

const ConversionPointRef = builder.objectRef<ConversionPoint>('ConversionPoint').implement({
  description: 'Conversions and cancellations of one UTC day.',
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The UTC day.' }),
    conversions: t.exposeInt('conversions', {
      description: 'Conversions whose first subscription start in the window fell on this day.',
    }),
    cancellations: t.exposeInt('cancellations', {
      description: 'Users with a paid_subscription_canceled this day.',
    }),
  }),
});

const PaidConversionKpiRef = builder.objectRef<PaidConversionKpi>('PaidConversionKpi').implement({
  description: 'Share of eligible (active, not yet paying) users who started a paid subscription.',
  fields: (t) => ({
    window: t.expose('window', { type: KpiWindowRef, ...windowField }),
    rate: t.exposeFloat('rate', {
      nullable: true,
      description: 'conversions / eligibleUsers, in [0, 1]; null when nobody is eligible.',
    }),
    conversions: t.exposeInt('conversions', {
      description: 'Eligible users with a paid_subscription_started in the window.',
    }),
    eligibleUsers: t.exposeInt('eligibleUsers', {
      description:
        'Users active in the window or starting a subscription in it, and not paid at its start.',
    }),
    cancellations: t.exposeInt('cancellations', {
      description: 'Users with a paid_subscription_canceled in the window.',
    }),
    paidUsersAtEnd: t.exposeInt('paidUsersAtEnd', {
      description: 'Users whose latest monetization event before the window end is a start.',
    }),
    series: t.expose('series', {
      type: [ConversionPointRef],
      description: 'One point per UTC day of the window, ascending.',
    }),
  }),
});

const KpiReportRef = builder.objectRef<KpiReport>('KpiReport').implement({
  description: 'The four KPIs over one window and one filter.',
  fields: (t) => ({
    window: t.expose('window', { type: KpiWindowRef, ...windowField }),
    cdr: t.expose('cdr', {
      type: CdrKpiRef,
      description: 'Context Dependency Rate.',
    }),
    resurrection: t.expose('resurrection', {
      type: ResurrectionKpiRef,
      description: 'Resurrection with inactiveDays = 7.',
    }),
    dauWau: t.expose('dauWau', { type: DauWauKpiRef, description: 'DAU/WAU/MAU.' }),
    paidConversion: t.expose('paidConversion', {
      type: PaidConversionKpiRef,
      description: 'Paid conversion.',
    }),
  }),
});

builder.queryField('kpis', (t) =>
  t.field({
    extensions: callableBy('viewer'),
    type: KpiReportRef,
    description: 'All four KPIs over the same window (resurrection with inactiveDays = 7).',
    args: kpiArgs(t.arg, 7),
    resolve: (_root, args, ctx) => kpiService.report(ctx.em, toKpiArgs(args, 7), 7),
  }),
);

builder.queryField('cdr', (t) =>
  t.field({
    extensions: callableBy('viewer'),
    type: CdrKpiRef,
    description:
      'Context Dependency Rate (docs/kpis.md#2-cdr--context-dependency-rate-do-sessions-rely-on-stored-context).',
    args: kpiArgs(t.arg, 7),
    resolve: (_root, args, ctx) => kpiService.cdr(ctx.em, toKpiArgs(args, 7)),
  }),
);

builder.queryField('resurrection', (t) =>
  t.field({
    extensions: callableBy('viewer'),
    type: ResurrectionKpiRef,
    description:
      'Resurrected users (docs/kpis.md#3-resurrection--do-people-come-back-after-dropping-off).',
    args: {
      ...kpiArgs(t.arg, 30),
      inactiveDays: t.arg.int({
        defaultValue: 7,
        description: 'k, 1–365: whole idle days needed before a comeback counts.',
      }),
    },
    resolve: (_root, args, ctx) =>
      kpiService.resurrection(ctx.em, toKpiArgs(args, 30), args.inactiveDays ?? 7),
  }),
);

builder.queryField('dauWau', (t) =>
  t.field({
    extensions: callableBy('viewer'),
    type: DauWauKpiRef,
    description:
      'Daily/weekly/monthly active users and stickiness (docs/kpis.md#1-dau--wau--mau--how-many-people-use-cortex).',
    args: kpiArgs(t.arg, 7),
    resolve: (_root, args, ctx) => kpiService.dauWau(ctx.em, toKpiArgs(args, 7)),
  }),
);

builder.queryField('paidConversion', (t) =>
  t.field({
    extensions: callableBy('viewer'),
    type: PaidConversionKpiRef,
    description: 'Paid conversion (docs/kpis.md#4-paid-conversion--do-active-users-start-paying).',
    args: kpiArgs(t.arg, 30),
    resolve: (_root, args, ctx) => kpiService.paidConversion(ctx.em, toKpiArgs(args, 30)),
  }),
);
