import { builder } from '../../builder.js';
import { callableBy } from '../shared/access.js';
import {
  createShareLink,
  listShareLinks,
  revokeShareLink,
  SHARE_DAYS_DEFAULT,
  SHARE_DAYS_MAX,
  SHARE_LABEL_MAX,
  type ShareLink,
  shareState,
} from './share-links.service.js';

const ShareLinkStateRef = builder.enumType('ShareLinkState', {
  description: 'Whether a share link still opens its page.',
  values: {
    ACTIVE: { value: 'active', description: 'It opens its page.' },
    EXPIRED: { value: 'expired', description: 'Past `expiresAt`: answers SHARE_LINK_EXPIRED.' },
    REVOKED: { value: 'revoked', description: 'Revoked by an admin: answers SHARE_LINK_REVOKED.' },
  } as const,
});

const ShareLinkRef = builder.objectRef<ShareLink>('ShareLink').implement({
  description:
    'A read-only link to one dashboard page with its URL state (docs/api.md#share-links). Its token is answered once, by `createShareLink`; only its hash is stored.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its id, for `revokeShareLink`.' }),
    path: t.exposeString('path', {
      description: 'The page and its URL state it opens, e.g. `/open-beta?days=30&channel=web`.',
    }),
    label: t.exposeString('label', { nullable: true, description: 'What the admin called it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was made.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'From this instant on it answers SHARE_LINK_EXPIRED.',
    }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When an admin revoked it; null while not revoked.',
    }),
    state: t.field({
      type: ShareLinkStateRef,
      description: 'ACTIVE, EXPIRED or REVOKED, as of this request.',
      resolve: (link, _args, ctx) => shareState(link, ctx.receivedAt),
    }),
  }),
});

interface CreatedShareLink {
  link: ShareLink;
  token: string;
}

const CreatedShareLinkRef = builder.objectRef<CreatedShareLink>('CreatedShareLink').implement({
  description: 'A new share link and its secret token, answered this once and never again.',
  fields: (t) => ({
    id: t.id({ description: 'The link’s id.', resolve: (c) => c.link.id }),
    token: t.exposeString('token', {
      description:
        'The secret: a bearer token that reads only the link’s page. Not stored (only its SHA-256), so it cannot be shown again.',
    }),
    url: t.string({
      description:
        'The dashboard path that opens the link: `/s/<token>`, to put after the dashboard’s address.',
      resolve: (c) => `/s/${c.token}`,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      description: 'When it stops opening the page.',
      resolve: (c) => c.link.expiresAt,
    }),
    link: t.field({ type: ShareLinkRef, description: 'The link.', resolve: (c) => c.link }),
  }),
});

builder.queryField('shareLinks', (t) =>
  t.field({
    type: [ShareLinkRef],
    description: 'Every share link, newest first, expired and revoked ones too (admin only).',
    resolve: (_root, _args, ctx) => listShareLinks(ctx.em),
  }),
);

builder.queryField('shareLink', (t) =>
  t.field({
    type: ShareLinkRef,
    nullable: true,
    extensions: callableBy('share'),
    description:
      'The share link this request’s share token opens (the dashboard asks it which page to show); null for any other token.',
    resolve: (_root, _args, ctx) => ctx.share,
  }),
);

builder.mutationField('createShareLink', (t) =>
  t.field({
    type: CreatedShareLinkRef,
    description: `Makes a read-only link to one dashboard page (admin only). \`path\` is the page and its query string (e.g. \`/open-beta?days=30\`), one of the shareable pages; the link lasts \`expiresInDays\` (1–${SHARE_DAYS_MAX}).`,
    args: {
      path: t.arg.string({ required: true, description: 'The page and its URL state.' }),
      expiresInDays: t.arg.int({
        defaultValue: SHARE_DAYS_DEFAULT,
        description: `Days until it expires, 1–${SHARE_DAYS_MAX}; default ${SHARE_DAYS_DEFAULT}.`,
      }),
      label: t.arg.string({
        description: `A name for the list, at most ${SHARE_LABEL_MAX} characters.`,
      }),
    },
    resolve: (_root, args, ctx) => createShareLink(ctx.em, args),
  }),
);

builder.mutationField('revokeShareLink', (t) =>
  t.field({
    type: ShareLinkRef,
    nullable: true,
    description:
      'Revokes a share link for good (admin only): its token answers SHARE_LINK_REVOKED from now on. Answers the link, or null when no link has this id.',
    args: { id: t.arg.id({ required: true, description: 'The link.' }) },
    resolve: (_root, args, ctx) => revokeShareLink(ctx.em, String(args.id)),
  }),
);
