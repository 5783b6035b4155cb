import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { type DocumentNode, getOperationAST, Kind, type SelectionSetNode } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { bearerToken, type TokenSet, tokenKind } from './auth.js';
import type { Context, TokenKind } from './builder.js';
import type { Config } from './config.js';
import { forbidden } from './errors.js';
import type { Orm } from './orm.js';
import { schema } from './schema.js';
import { unavailablePlugin } from './unavailable.js';

/**
 * Query limits (graphql-armor). Depth is counted for introspection too (`ignoreIntrospection:
 * false`), so neither a deep `__schema` selection nor an operation or fragment *named* `__schema`
 * (the known way around depth limits) escapes it; the limit still fits GraphiQL's own
 * introspection query, the deepest legitimate document. The cost limit exempts only a real
 * `__schema` field (armor checks the node kind), whose size the depth limit already bounds.
 */
export const QUERY_LIMITS = {
  maxDepth: 15,
  maxAliases: 15,
  maxTokens: 50_000,
  maxCost: 20000,
  maxDirectives: 10,
} as const;

function rootFieldNames(
  document: DocumentNode,
  set: SelectionSetNode,
  seen = new Set<string>(),
): string[] {
  const names: string[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) names.push(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT)
      names.push(...rootFieldNames(document, s.selectionSet, seen));
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) {
        names.push(...rootFieldNames(document, fragment.selectionSet, seen));
      }
    }
  }
  return names;
}

/**
 * The kind of token a request carries, read from its header wherever it is needed: Yoga does not
 * hand every hook the same Request object, so nothing is cached by request.
 */
const kindOf = (tokens: TokenSet, request: Request): TokenKind | null =>
  tokenKind(tokens, bearerToken(request.headers.get('authorization')));

function authPlugin(tokens: TokenSet): Plugin<Context> {
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      if (kindOf(tokens, request)) return;
      const message = request.headers.get('authorization')
        ? 'Authorization: the bearer token is not valid'
        : 'Authorization: a bearer token is required (Authorization: Bearer <token>)';
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }),
          {
            status: 401,
            headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
          },
        ),
      );
    },
    onExecute({ args, setResultAndStopExecution }) {
      if (args.contextValue.tokenKind === 'admin') return;
      const operation = getOperationAST(args.document, args.operationName);
      const fields = operation ? rootFieldNames(args.document, operation.selectionSet) : [];
      const allowed =
        operation?.operation === 'mutation' &&
        fields.every((f) => f.startsWith('record') || f === '__typename');
      if (!allowed) {
        setResultAndStopExecution({
          errors: [
            forbidden('an ingest token may only call the record* mutations; use an admin token'),
          ],
        });
      }
    },
  };
}

export function createGraphQL(options: {
  orm: Orm;
  config: Config;
  tokens: TokenSet;
  logger: Logger;
}) {
  const { orm, config, tokens, logger } = options;
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: (request) => kindOf(tokens, request) === 'admin',
    logging: {
      debug: (...a) => logger.debug({ yoga: a }, 'yoga'),
      info: (...a) => logger.info({ yoga: a }, 'yoga'),
      warn: (...a) => logger.warn({ yoga: a }, 'yoga'),
      error: (...a) => logger.error({ yoga: a }, 'yoga'),
    },
    context: ({ request }) => ({
      em: orm.em.fork(),
      // onRequest already refused requests without a valid token
      tokenKind: kindOf(tokens, request) ?? 'ingest',
      receivedAt: new Date(),
      config,
    }),
    plugins: [
      authPlugin(tokens),
      unavailablePlugin(),
      EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: false, flattenFragments: true },
        maxAliases: { n: QUERY_LIMITS.maxAliases },
        maxTokens: { n: QUERY_LIMITS.maxTokens },
        costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives },
        blockFieldSuggestion: { enabled: true },
      }),
    ],
  });
}
