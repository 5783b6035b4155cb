import { builder } from '../../builder.js';
import { type ForgetUserResult, forgetUser } from './forget-user.service.js';

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
    deleted: t.field({
      type: [DeletedRowsRef],
      resolve: (r) => r.deleted,
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
