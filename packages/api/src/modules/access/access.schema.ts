import { builder } from '../../builder.js';
import { TOKEN_KINDS, type TokenKind } from '../../context.js';
import { callableBy } from '../shared/access.js';

const TokenKindRef = builder.enumType('TokenKind', {
  description: 'The kinds of bearer token (docs/api.md#access).',
  values: Object.fromEntries(
    TOKEN_KINDS.map((kind) => [kind.toUpperCase(), { value: kind }]),
  ) as Record<Uppercase<TokenKind>, { value: TokenKind }>,
});

builder.queryField('tokenKind', (t) =>
  t.field({
    type: TokenKindRef,
    extensions: callableBy('viewer'),
    description:
      'The kind of the token this request carries: a dashboard signs in with it and shows a viewer the read-only pages.',
    // execution never starts without a token (graphql.ts); `admin` is only the type's fallback
    resolve: (_root, _args, context) => context.tokenKind ?? 'admin',
  }),
);
