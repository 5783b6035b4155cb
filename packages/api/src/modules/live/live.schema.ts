import { PIPELINES, type Pipeline } from '@cortex-telemetry/events';
import { builder } from '../../builder.js';
import {
  TelemetryErrorRef,
  TelemetryEventRef,
  TelemetryTraceRef,
} from '../analytics/records.schema.js';
import { EventNameEnum, PageInfoRef } from '../common.schema.js';
import { callableBy } from '../shared/access.js';
import { getLiveFeed, type LiveItem, MAX_LIVE_PAGE_SIZE } from './live.service.js';

/** "Did my event arrive?": the newest stored rows of every pipeline, by receive time. */
const LivePipelineEnum = builder.enumType('LivePipeline', {
  description: 'A pipeline of the live feed.',
  values: Object.fromEntries(
    PIPELINES.map((p) => [p.toUpperCase(), { value: p, description: `The ${p}s table.` }]),
  ) as Record<string, { value: Pipeline }>,
});

const LiveItemRef = builder.unionType('LiveItem', {
  description: 'A stored event, error or trace, with every stored field.',
  types: [TelemetryEventRef, TelemetryErrorRef, TelemetryTraceRef],
  resolveType: (item) =>
    'eventName' in item
      ? TelemetryEventRef
      : 'errorType' in item
        ? TelemetryErrorRef
        : TelemetryTraceRef,
});

const LiveFeedConnectionRef = builder
  .objectRef<{
    nodes: LiveItem[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  }>('LiveFeedConnection')
  .implement({
    description:
      'A page of the live feed, newest received first by (receivedAt, timestamp, pipeline, id).',
    fields: (t) => ({
      nodes: t.expose('nodes', { type: [LiveItemRef], description: 'The rows.' }),
      pageInfo: t.expose('pageInfo', { type: PageInfoRef, description: 'Paging.' }),
    }),
  });

builder.queryField('liveFeed', (t) =>
  t.field({
    type: LiveFeedConnectionRef,
    description:
      "The latest stored events, errors and traces together, newest first by the time the server received them (admin and viewer tokens): the dashboard's /live page.",
    extensions: callableBy('viewer'),
    args: {
      first: t.arg.int({ defaultValue: 50, description: `Page size, 1–${MAX_LIVE_PAGE_SIZE}.` }),
      after: t.arg.string({ description: '`pageInfo.endCursor` of the previous page.' }),
      since: t.arg({
        type: 'DateTime',
        description: 'Only rows received at or after this instant.',
      }),
      userIdHash: t.arg.string({ description: 'Only rows of this user.' }),
      sessionId: t.arg.string({
        description: 'Only rows of this session (`""` selects rows sent without a session).',
      }),
      eventName: t.arg({
        type: [EventNameEnum],
        description:
          'Only events of these names (errors and traces are then left out); a non-empty list.',
      }),
      pipeline: t.arg({
        type: [LivePipelineEnum],
        description: 'Only these pipelines; a non-empty list. Default: all three.',
      }),
    },
    resolve: (_root, args, ctx) =>
      getLiveFeed(ctx.em, {
        first: args.first ?? 50,
        after: args.after ?? null,
        since: args.since ?? null,
        userIdHash: args.userIdHash ?? null,
        sessionId: args.sessionId ?? null,
        eventNames: args.eventName ?? null,
        pipelines: args.pipeline ?? null,
      }),
  }),
);
