import { builder } from '../../builder.js';
import { EventNameEnum, SeverityEnum } from '../common.schema.js';
import { callableBy } from '../shared/access.js';
import { commonFilter, commonFilterArgs } from './filter-args.js';
import { listErrors, listEvents, listTraces } from './lists.service.js';
import {
  TelemetryErrorConnectionRef,
  TelemetryEventConnectionRef,
  TelemetryTraceConnectionRef,
} from './records.schema.js';

/** Analyst lists of the stored rows: keyset-paginated, newest first, admin tokens only. */
const PAGE_SIZE_DESCRIPTION = 'Page size, 1–500.';
const AFTER_DESCRIPTION = '`pageInfo.endCursor` of the previous page.';

const page = (args: { first?: number | null; after?: string | null }) => ({
  first: args.first ?? 50,
  after: args.after ?? null,
});

builder.queryField('events', (t) =>
  t.field({
    extensions: callableBy('viewer'),
    type: TelemetryEventConnectionRef,
    description:
      'Stored usage events, newest first by (timestamp, id), filtered (admin and viewer tokens).',
    args: {
      first: t.arg.int({ defaultValue: 50, description: PAGE_SIZE_DESCRIPTION }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
      ...commonFilterArgs(t.arg),
      eventName: t.arg({
        type: [EventNameEnum],
        description: 'Only these events; a single value or a non-empty list.',
      }),
      result: t.arg.string({ description: 'Only events with this result (e.g. `error`).' }),
    },
    resolve: (_root, args, ctx) =>
      listEvents(ctx.em, {
        ...commonFilter(args),
        ...page(args),
        eventNames: args.eventName ?? null,
        result: args.result ?? null,
      }),
  }),
);

builder.queryField('errors', (t) =>
  t.field({
    extensions: callableBy('viewer', 'share'),
    type: TelemetryErrorConnectionRef,
    description:
      'Stored error reports, newest first by (timestamp, id), filtered (admin and viewer tokens).',
    args: {
      first: t.arg.int({ defaultValue: 50, description: PAGE_SIZE_DESCRIPTION }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
      ...commonFilterArgs(t.arg),
      severity: t.arg({
        type: [SeverityEnum],
        description: 'Only these severities; a single value or a non-empty list.',
      }),
      errorType: t.arg.string({ description: 'Only errors of this type (exact match).' }),
      stackHash: t.arg.string({ description: 'Only errors of this group (see `errorGroups`).' }),
    },
    resolve: (_root, args, ctx) =>
      listErrors(ctx.em, {
        ...commonFilter(args),
        ...page(args),
        severities: args.severity ?? null,
        errorType: args.errorType ?? null,
        stackHash: args.stackHash ?? null,
      }),
  }),
);

builder.queryField('traces', (t) =>
  t.field({
    extensions: callableBy('viewer'),
    type: TelemetryTraceConnectionRef,
    description:
      'Stored traces, newest first by (timestamp, id), filtered (admin and viewer tokens).',
    args: {
      first: t.arg.int({ defaultValue: 50, description: PAGE_SIZE_DESCRIPTION }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
      ...commonFilterArgs(t.arg),
      operationName: t.arg.string({ description: 'Only this operation (exact match).' }),
      success: t.arg.boolean({ description: 'Only successful (true) or failed (false) ones.' }),
    },
    resolve: (_root, args, ctx) =>
      listTraces(ctx.em, {
        ...commonFilter(args),
        ...page(args),
        operationName: args.operationName ?? null,
        success: args.success ?? null,
      }),
  }),
);
