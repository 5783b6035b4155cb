import { builder } from '../../builder.js';
import { FailedItemPipelineEnum, ReplayResultEnum } from './failed-items.schema.js';
import {
  MAX_REPLAY_ITEMS,
  type ReplayAnswer,
  type ReplayedItem,
  replayFailedItems,
} from './replay.service.js';

const FailedItemsFilter = builder.inputType('FailedItemsFilter', {
  description: 'The failed items to replay, as `failedItems` filters them.',
  fields: (t) => ({
    pipeline: t.field({ type: FailedItemPipelineEnum, description: 'Only this pipeline.' }),
    from: t.field({ type: 'DateTime', description: 'Received at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Received before.' }),
  }),
});

const ReplayedItemRef = builder.objectRef<ReplayedItem>('ReplayedItem').implement({
  description: 'What came of one failed item.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The failed item (`FailedItem.id`).' }),
    result: t.expose('result', { type: ReplayResultEnum, description: 'What came of it.' }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Why it still fails (now also its `FailedItem.reason`); null otherwise.',
    }),
  }),
});

const ReplayAnswerRef = builder.objectRef<ReplayAnswer>('ReplayFailedItemsResult').implement({
  description: 'What a replay did: the counts, and each item in store order.',
  fields: (t) => ({
    accepted: t.exposeInt('accepted', { description: 'Items that pass now and were stored.' }),
    duplicates: t.exposeInt('duplicates', {
      description: 'Items that pass now and were already stored (e.g. by an earlier replay).',
    }),
    stillFailing: t.exposeInt('stillFailing', { description: 'Items that still break a rule.' }),
    items: t.expose('items', { type: [ReplayedItemRef], description: 'Every item replayed.' }),
  }),
});

builder.mutationField('replayFailedItems', (t) =>
  t.field({
    type: ReplayAnswerRef,
    description: `Send failed items again through the ingest path that refused them, with today's rules (admin only; docs/api.md#replaying-failed-items). Give exactly one of \`ids\` and \`filter\`; at most ${MAX_REPLAY_ITEMS} items per call.`,
    args: {
      ids: t.arg.idList({ description: 'The failed items to replay (`FailedItem.id`).' }),
      filter: t.arg({
        type: FailedItemsFilter,
        description: 'Replay every failed item it matches.',
      }),
    },
    resolve: (_root, args, ctx) =>
      replayFailedItems(
        ctx.em,
        {
          ids: args.ids ? args.ids.map(String) : null,
          filter: args.filter
            ? {
                pipeline: args.filter.pipeline ?? null,
                from: args.filter.from ?? null,
                to: args.filter.to ?? null,
              }
            : null,
        },
        {
          receivedAt: ctx.receivedAt,
          openBetaStartsAt: ctx.openBetaStartsAt,
          scrubber: ctx.scrubber,
        },
      ),
  }),
);
