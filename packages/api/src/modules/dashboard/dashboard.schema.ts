import { type ArgBuilder, builder } from '../../builder.js';
import { BetaPhaseEnum, ChannelEnum, kpiArgs, PageInfoRef, toKpiArgs } from '../common.schema.js';
import { callableBy } from '../shared/access.js';
import {
  betaTesters,
  type ChannelUsage,
  channelBreakdown,
  type ErrorDays,
  errorDailyCounts,
  type PhaseRange,
  phaseRange,
  TESTER_SORTS,
  type Tester,
  type TesterPage,
  type TesterSort,
  type TraceDay,
  traceDailyStats,
} from './dashboard.service.js';

/** Reads the dashboards need beyond `kpis` and the analyst aggregates (admin and viewer tokens). */
/** [from, to) as the analyst aggregates take it (default: the 30 days before now). */
const rangeArgs = (arg: ArgBuilder) => ({
  from: arg({ type: 'DateTime', description: 'Window start (inclusive); default to − 30 days.' }),
  to: arg({ type: 'DateTime', description: 'Window end (exclusive); default now.' }),
  phase: arg({ type: BetaPhaseEnum, description: 'Only this beta phase.' }),
  channel: arg({ type: ChannelEnum, description: 'Only this channel.' }),
});

const PhaseRangeRef = builder.objectRef<PhaseRange>('PhaseRange').implement({
  description: 'The UTC days on which a beta phase has events.',
  fields: (t) => ({
    phase: t.field({
      type: BetaPhaseEnum,
      resolve: (r) => r.phase as never,
      description: 'Phase.',
    }),
    firstDay: t.expose('firstDay', {
      type: 'Date',
      nullable: true,
      description: 'UTC day of its first event; null when it has none.',
    }),
    lastDay: t.expose('lastDay', {
      type: 'Date',
      nullable: true,
      description: 'UTC day of its latest event; null when it has none.',
    }),
  }),
});

builder.queryField('phaseRange', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: PhaseRangeRef,
    description: 'First and last UTC day with events of a phase: where an ended beta stops.',
    args: { phase: t.arg({ type: BetaPhaseEnum, required: true, description: 'The phase.' }) },
    resolve: (_root, args, ctx) => phaseRange(ctx.em, args.phase),
  }),
);

const TesterSortEnum = builder.enumType('TesterSort', {
  description: 'Column the tester table is sorted by (ties: by user hash).',
  values: Object.fromEntries(
    Object.keys(TESTER_SORTS).map((key) => [key, { description: `By ${key.toLowerCase()}.` }]),
  ) as Record<TesterSort, { description: string }>,
});

const TesterRef = builder.objectRef<Tester>('BetaTester').implement({
  description: 'One user with events in the window, under the filters.',
  fields: (t) => ({
    userIdHash: t.exposeString('userIdHash', { description: 'Hashed user id.' }),
    firstSeen: t.expose('firstSeen', {
      type: 'DateTime',
      description: 'First event of the user up to the window end.',
    }),
    lastSeen: t.expose('lastSeen', {
      type: 'DateTime',
      description: 'Latest event of the user before the window end.',
    }),
    activeDays: t.exposeInt('activeDays', {
      description: 'Window days with an activity-set event (docs/kpis.md).',
    }),
    sessions: t.exposeInt('sessions', { description: 'Sessions with an event in the window.' }),
    dependentSessions: t.exposeInt('dependentSessions', {
      description: 'Of those, sessions with a context_loaded or context_resumed in the window.',
    }),
    cdr: t.exposeFloat('cdr', {
      nullable: true,
      description: 'dependentSessions / sessions; null without sessions.',
    }),
    paidNow: t.exposeBoolean('paidNow', {
      description: 'Paid at the window end: the latest monetization event is a start.',
    }),
  }),
});

const TesterPageRef = builder.objectRef<TesterPage>('BetaTesterConnection').implement({
  description: 'A page of the tester table.',
  fields: (t) => ({
    from: t.field({
      type: 'DateTime',
      resolve: (p) => p.window.from,
      description: 'Window start.',
    }),
    to: t.field({ type: 'DateTime', resolve: (p) => p.window.to, description: 'Window end.' }),
    totalCount: t.exposeInt('totalCount', { description: 'Users in the whole table.' }),
    nodes: t.expose('nodes', { type: [TesterRef], description: 'This page.' }),
    pageInfo: t.expose('pageInfo', { type: PageInfoRef, description: 'Paging.' }),
  }),
});

builder.queryField('betaTesters', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: TesterPageRef,
    description: 'Per-user activity in a KPI window, sorted by a column, keyset-paginated.',
    args: {
      ...kpiArgs(t.arg, 30),
      first: t.arg.int({ defaultValue: 20, description: 'Page size, 1–500.' }),
      after: t.arg.string({ description: '`pageInfo.endCursor` of the previous page.' }),
      sort: t.arg({ type: TesterSortEnum, defaultValue: 'LAST_SEEN', description: 'Sort column.' }),
      descending: t.arg.boolean({ defaultValue: true, description: 'Largest first.' }),
    },
    resolve: (_root, args, ctx) =>
      betaTesters(ctx.em, {
        ...toKpiArgs(args, 30),
        first: args.first ?? 20,
        after: args.after ?? null,
        sort: args.sort ?? 'LAST_SEEN',
        descending: args.descending ?? true,
      }),
  }),
);

const ChannelDayRef = builder.objectRef<ChannelUsage['series'][number]>('ChannelDay').implement({
  description: 'One channel on one UTC day.',
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The UTC day.' }),
    activeUsers: t.exposeInt('activeUsers', { description: 'DAU on this channel.' }),
    sessions: t.exposeInt('sessions', { description: 'Sessions with an event on it that day.' }),
  }),
});

const ChannelUsageRef = builder.objectRef<ChannelUsage>('ChannelUsage').implement({
  description: 'Usage of one channel in the window.',
  fields: (t) => ({
    channel: t.field({
      type: ChannelEnum,
      resolve: (c) => c.channel as never,
      description: 'Channel.',
    }),
    activeUsers: t.exposeInt('activeUsers', {
      description: 'Distinct active users in the window.',
    }),
    sessions: t.exposeInt('sessions', { description: 'Distinct sessions in the window.' }),
    avgDau: t.exposeFloat('avgDau', { description: 'Mean DAU on this channel over the window.' }),
    series: t.expose('series', {
      type: [ChannelDayRef],
      description: 'One point per UTC day of the window, ascending.',
    }),
  }),
});

builder.queryField('channelBreakdown', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: [ChannelUsageRef],
    description: 'DAU and sessions per channel over a KPI window (channels with events only).',
    args: kpiArgs(t.arg, 30),
    resolve: async (_root, args, ctx) =>
      (await channelBreakdown(ctx.em, toKpiArgs(args, 30))).channels,
  }),
);

const DayCountRef = builder.objectRef<ErrorDays['series'][number]>('DayCount').implement({
  description: 'A count on one UTC day.',
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The UTC day.' }),
    count: t.exposeInt('count', { description: 'How many.' }),
  }),
});

const ErrorDaysRef = builder.objectRef<ErrorDays>('ErrorGroupDays').implement({
  description: 'Daily error counts of one stack hash.',
  fields: (t) => ({
    stackHash: t.exposeString('stackHash', { description: 'The group.' }),
    series: t.expose('series', {
      type: [DayCountRef],
      description: 'One point per UTC day touched by [from, to), ascending, zeros included.',
    }),
  }),
});

builder.queryField('errorDailyCounts', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: [ErrorDaysRef],
    description:
      'Errors per stack hash and UTC day; the same window and filters as `errorGroups` (admin and viewer tokens).',
    args: {
      ...rangeArgs(t.arg),
      stackHash: t.arg.string({ description: 'Only this group.' }),
    },
    resolve: (_root, args, ctx) =>
      errorDailyCounts(
        ctx.em,
        {
          from: args.from ?? null,
          to: args.to ?? null,
          phase: args.phase ?? null,
          channel: args.channel ?? null,
          stackHash: args.stackHash ?? null,
        },
        ctx.receivedAt,
      ),
  }),
);

const TraceDayRef = builder.objectRef<TraceDay>('TraceDay').implement({
  description: 'One operation on one UTC day; percentiles interpolate (percentile_cont).',
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'The UTC day.' }),
    count: t.exposeInt('count', { description: 'Traces that day.' }),
    successRate: t.exposeFloat('successRate', { description: 'Fraction that succeeded.' }),
    p50: t.exposeFloat('p50', { description: 'Median duration, ms.' }),
    p95: t.exposeFloat('p95', { description: '95th percentile duration, ms.' }),
    p99: t.exposeFloat('p99', { description: '99th percentile duration, ms.' }),
    max: t.exposeFloat('max', { description: 'Longest duration, ms.' }),
  }),
});

builder.queryField('traceDailyStats', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: [TraceDayRef],
    description: 'One operation per UTC day with traces, ascending; window as `traceStats`.',
    args: {
      operationName: t.arg.string({ required: true, description: 'The operation.' }),
      ...rangeArgs(t.arg),
    },
    resolve: (_root, args, ctx) =>
      traceDailyStats(
        ctx.em,
        {
          operationName: args.operationName,
          from: args.from ?? null,
          to: args.to ?? null,
          phase: args.phase ?? null,
          channel: args.channel ?? null,
        },
        ctx.receivedAt,
      ),
  }),
);
