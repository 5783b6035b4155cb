import { builder } from '../../builder.js';
import { BetaPhaseEnum, ChannelEnum, EventNameEnum, SeverityEnum } from '../common.schema.js';
import { callableBy } from '../shared/access.js';
import {
  type ErrorGroupRow,
  type EventCountDimension,
  type EventCountRow,
  errorGroups,
  eventCounts,
  type TraceStatsRow,
  traceStats,
} from './aggregates.service.js';
import { commonFilter, commonFilterArgs } from './filter-args.js';

/** Aggregates over a window `[from, to)`: by default the 30 days before now, at most 366. */
const WINDOW_NOTE =
  'The window is [from, to): `to` defaults to now and `from` to 30 days before `to`; at most 366 days.';

const EventCountDimensionEnum = builder.enumType('EventCountDimension', {
  description: 'A key `eventCounts` can group by.',
  values: {
    DAY: { description: 'UTC calendar day of the event `timestamp`.' },
    EVENT_NAME: { description: 'Catalog event.' },
    CHANNEL: { description: 'Channel.' },
    PHASE: { description: 'Beta phase.' },
    USER_TIER: { description: 'Plan tier as sent (null when not sent).' },
  } satisfies Record<EventCountDimension, { description: string }>,
});

const EventCountRef = builder.objectRef<EventCountRow>('EventCount').implement({
  description: 'Events of one combination of the grouped keys; keys not grouped by are null.',
  fields: (t) => ({
    day: t.expose('day', {
      type: 'Date',
      nullable: true,
      description: 'UTC day, when grouped by DAY.',
    }),
    eventName: t.expose('eventName', {
      type: EventNameEnum,
      nullable: true,
      description: 'Event, when grouped by EVENT_NAME.',
    }),
    channel: t.expose('channel', {
      type: ChannelEnum,
      nullable: true,
      description: 'Channel, when grouped by CHANNEL.',
    }),
    phase: t.expose('phase', {
      type: BetaPhaseEnum,
      nullable: true,
      description: 'Beta phase, when grouped by PHASE.',
    }),
    userTier: t.exposeString('userTier', {
      nullable: true,
      description: 'Tier, when grouped by USER_TIER (also null for events sent without a tier).',
    }),
    count: t.exposeInt('count', { description: 'Number of events.' }),
    users: t.exposeInt('users', { description: 'Distinct users (user_id_hash) among them.' }),
  }),
});

const ErrorGroupRef = builder.objectRef<ErrorGroupRow>('ErrorGroup').implement({
  description: 'Errors sharing a stack hash: one bug, across releases and machines.',
  fields: (t) => ({
    stackHash: t.exposeString('stackHash', { description: 'The grouping key.' }),
    errorType: t.exposeString('errorType', { description: 'Error type of the latest error.' }),
    sampleMessage: t.exposeString('sampleMessage', { description: 'Message of the latest error.' }),
    count: t.exposeInt('count', { description: 'Errors in the window.' }),
    usersAffected: t.exposeInt('usersAffected', { description: 'Distinct users who hit it.' }),
    firstSeen: t.expose('firstSeen', {
      type: 'DateTime',
      description: 'Earliest timestamp in the window.',
    }),
    lastSeen: t.expose('lastSeen', {
      type: 'DateTime',
      description: 'Latest timestamp in the window.',
    }),
    worstSeverity: t.expose('worstSeverity', {
      type: SeverityEnum,
      description: 'Highest severity seen (critical > error > warning > info).',
    }),
  }),
});

const TraceStatsRef = builder.objectRef<TraceStatsRow>('TraceOperationStats').implement({
  description: 'Latency and success of one operation; percentiles interpolate (percentile_cont).',
  fields: (t) => ({
    operationName: t.exposeString('operationName', { description: 'The operation.' }),
    count: t.exposeInt('count', { description: 'Traces in the window.' }),
    successRate: t.exposeFloat('successRate', {
      description: 'Fraction of them that succeeded, in [0, 1].',
    }),
    p50: t.exposeFloat('p50', { description: 'Median duration, milliseconds.' }),
    p95: t.exposeFloat('p95', { description: '95th percentile duration, milliseconds.' }),
    p99: t.exposeFloat('p99', { description: '99th percentile duration, milliseconds.' }),
    max: t.exposeFloat('max', { description: 'Longest duration, milliseconds.' }),
  }),
});

builder.queryField('eventCounts', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: [EventCountRef],
    description: `Event counts and distinct users grouped by the given keys, ordered by them (admin and viewer tokens). ${WINDOW_NOTE}`,
    args: {
      groupBy: t.arg({
        type: [EventCountDimensionEnum],
        required: true,
        description: 'Keys to group by, in sort order; at least one, each at most once.',
      }),
      ...commonFilterArgs(t.arg),
      eventName: t.arg({
        type: [EventNameEnum],
        description: 'Only these events; a single value or a non-empty list.',
      }),
      result: t.arg.string({ description: 'Only events with this result.' }),
    },
    resolve: (_root, args, ctx) =>
      eventCounts(
        ctx.em,
        args.groupBy,
        { ...commonFilter(args), eventNames: args.eventName ?? null, result: args.result ?? null },
        ctx.receivedAt,
      ),
  }),
);

builder.queryField('errorGroups', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: [ErrorGroupRef],
    description: `Errors grouped by stack hash, the most frequent first (admin and viewer tokens). ${WINDOW_NOTE}`,
    args: {
      first: t.arg.int({ defaultValue: 50, description: 'At most this many groups, 1–500.' }),
      ...commonFilterArgs(t.arg),
      severity: t.arg({
        type: [SeverityEnum],
        description: 'Only errors of these severities; a single value or a non-empty list.',
      }),
      errorType: t.arg.string({ description: 'Only errors of this type (exact match).' }),
    },
    resolve: (_root, args, ctx) =>
      errorGroups(
        ctx.em,
        args.first ?? 50,
        {
          ...commonFilter(args),
          severities: args.severity ?? null,
          errorType: args.errorType ?? null,
        },
        ctx.receivedAt,
      ),
  }),
);

builder.queryField('traceStats', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: [TraceStatsRef],
    description: `Per-operation trace count, success rate and latency percentiles, the busiest first (admin and viewer tokens). ${WINDOW_NOTE}`,
    args: {
      ...commonFilterArgs(t.arg),
      operationName: t.arg.string({ description: 'Only this operation (exact match).' }),
    },
    resolve: (_root, args, ctx) =>
      traceStats(
        ctx.em,
        { ...commonFilter(args), operationName: args.operationName ?? null },
        ctx.receivedAt,
      ),
  }),
);
