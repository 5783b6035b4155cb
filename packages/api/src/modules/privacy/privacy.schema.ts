import { builder } from '../../builder.js';
import { callableBy } from '../shared/access.js';
import { type ForgetUserResult, forgetUser } from './forget-user.service.js';
import { getScrubStats, type ScrubStat } from './scrub-stats.service.js';

const DeletedRowsRef = builder.objectRef<{ table: string; rows: number }>('DeletedRows').implement({
  description: 'How many rows one table lost.',
  fields: (t) => ({
    table: t.exposeString('table', { description: 'The table.' }),
    rows: t.exposeInt('rows', { description: 'Rows deleted from it.' }),
  }),
});

const ForgetUserResultRef = builder.objectRef<ForgetUserResult>('ForgetUserResult').implement({
  description: 'What `forgetUser` deleted.',
  fields: (t) => ({
    userIdHash: t.exposeString('userIdHash', { description: 'The user erased.' }),
    deleted: t.expose('deleted', {
      type: [DeletedRowsRef],
      description:
        'Rows deleted per table: the three pipelines, the KPI day sets and pending day facts, and the failed items whose payload names the user. All zeros when there was nothing left.',
    }),
  }),
});

builder.mutationField('forgetUser', (t) =>
  t.field({
    type: ForgetUserResultRef,
    description:
      'Erases one user (admin only): their events, errors, traces, KPI day sets and failed items, in one transaction. KPIs afterwards are computed as if the user had never sent anything. Idempotent. Logged with the token kind and time, never with the hash in clear (docs/privacy.md).',
    args: {
      userIdHash: t.arg.string({ required: true, description: 'The user to erase.' }),
    },
    resolve: (_root, args, ctx) =>
      forgetUser(ctx.em, args.userIdHash, { tokenKind: ctx.tokenKind, logger: ctx.logger }),
  }),
);

const ScrubStatRef = builder.objectRef<ScrubStat>('ScrubStat').implement({
  description: 'How many items one scrubbing rule fired on, for one day and pipeline.',
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: 'UTC day of receipt.' }),
    rule: t.exposeString('rule', {
      description: 'The rule (`email`, `api_key`, `home_path`, … or a custom rule).',
    }),
    pipeline: t.exposeString('pipeline', {
      description: '`event`, `error`, `trace`, or `failed` (the failed-items store).',
    }),
    items: t.exposeInt('items', { description: 'Items the rule changed (once per item).' }),
  }),
});

builder.queryField('scrubStats', (t) =>
  t.field({
    extensions: callableBy('viewer'),
    type: [ScrubStatRef],
    description:
      'Scrubbing at ingest, counted per rule, UTC day of receipt and pipeline (admin and viewer tokens; docs/privacy.md). Days without scrubbed items are absent.',
    args: {
      from: t.arg({
        type: 'DateTime',
        description: 'Received at or after; default `to` − 30 days.',
      }),
      to: t.arg({
        type: 'DateTime',
        description: 'Received before; default now. At most 366 days after `from`.',
      }),
    },
    resolve: (_root, args, ctx) =>
      getScrubStats(ctx.em, { from: args.from ?? null, to: args.to ?? null, now: ctx.receivedAt }),
  }),
);
