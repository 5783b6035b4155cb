import { builder } from '../../builder.js';
import { PageInfoRef } from '../common.schema.js';
import { MAX_PAGE_SIZE, type PageInfo } from '../shared/pagination.js';
import {
  FAILED_ITEM_PIPELINES,
  type FailedItemPipeline,
  type FailedItemReplay,
  type FailedItemRow,
  listFailedItems,
} from './failed-items.service.js';
import { REPLAY_RESULTS, type ReplayResult } from './replay.service.js';

export const FailedItemPipelineEnum = builder.enumType('FailedItemPipeline', {
  description: 'Where a rejected item was headed: a catalog pipeline, or `LEGACY` for v1 payloads.',
  values: Object.fromEntries(
    FAILED_ITEM_PIPELINES.map((p) => [
      p.toUpperCase(),
      { value: p, description: `Wire value \`${p}\`.` },
    ]),
  ) as Record<string, { value: FailedItemPipeline }>,
});

const REPLAY_RESULT_DESCRIPTIONS: Record<ReplayResult, string> = {
  accepted: 'It passes the rules now and was stored.',
  duplicate: 'It passes the rules now, and its idempotency key was already stored.',
  failed: 'It still breaks a rule; `reason` says which.',
};

export const ReplayResultEnum = builder.enumType('ReplayResult', {
  description: 'What came of sending a failed item again (`replayFailedItems`).',
  values: Object.fromEntries(
    REPLAY_RESULTS.map((r) => [
      r.toUpperCase(),
      { value: r, description: REPLAY_RESULT_DESCRIPTIONS[r] },
    ]),
  ) as Record<string, { value: ReplayResult }>,
});

const FailedItemReplayRef = builder.objectRef<FailedItemReplay>('FailedItemReplay').implement({
  description: 'One replay of a failed item.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'Server clock when it was replayed.' }),
    result: t.expose('result', { type: ReplayResultEnum, description: 'What came of it.' }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'The field and the rule it broke, when it still failed; else null.',
    }),
  }),
});

const FailedItemRef = builder.objectRef<FailedItemRow>('FailedItem').implement({
  description: 'An item that was rejected at ingest, kept with its reason so nothing is lost.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Store id (increasing).' }),
    receivedAt: t.expose('receivedAt', {
      type: 'DateTime',
      description: 'Server clock at ingest.',
    }),
    pipeline: t.expose('pipeline', {
      type: FailedItemPipelineEnum,
      description: 'The pipeline it was sent to.',
    }),
    mutation: t.exposeString('mutation', { description: 'The mutation that carried it.' }),
    itemIndex: t.exposeInt('itemIndex', { description: 'Its position in the batch.' }),
    reason: t.exposeString('reason', {
      description:
        'The field and the rule it broke; after a replay that failed again, the new one.',
    }),
    payload: t.exposeString('payload', {
      description: 'The item as received, serialised as JSON, cut at 64 KiB.',
    }),
    payloadTruncated: t.exposeBoolean('payloadTruncated', {
      description: 'Whether `payload` was cut at 64 KiB (it is then not valid JSON).',
    }),
    replayedAt: t.expose('replayedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last replayed (`replayFailedItems`); null when never.',
    }),
    replays: t.expose('replays', {
      type: [FailedItemReplayRef],
      description: 'Every replay of it, oldest first; the last one is its current state.',
    }),
  }),
});

const FailedItemConnectionRef = builder
  .objectRef<{
    nodes: FailedItemRow[];
    pageInfo: PageInfo;
  }>('FailedItemConnection')
  .implement({
    description: 'A page of failed items, newest first.',
    fields: (t) => ({
      nodes: t.expose('nodes', { type: [FailedItemRef], description: 'The items.' }),
      pageInfo: t.expose('pageInfo', { type: PageInfoRef, description: 'Paging.' }),
    }),
  });

builder.queryField('failedItems', (t) =>
  t.field({
    type: FailedItemConnectionRef,
    description: 'Rejected ingest items with reason and payload, newest first (admin only).',
    args: {
      first: t.arg.int({ defaultValue: 50, description: `Page size, 1–${MAX_PAGE_SIZE}.` }),
      after: t.arg.string({ description: '`pageInfo.endCursor` of the previous page.' }),
      pipeline: t.arg({ type: FailedItemPipelineEnum, description: 'Only this pipeline.' }),
      from: t.arg({ type: 'DateTime', description: 'Received at or after.' }),
      to: t.arg({ type: 'DateTime', description: 'Received before.' }),
    },
    resolve: (_root, args, ctx) =>
      listFailedItems(ctx.em, {
        first: args.first ?? 50,
        after: args.after ?? null,
        pipeline: args.pipeline ?? null,
        from: args.from ?? null,
        to: args.to ?? null,
      }),
  }),
);
