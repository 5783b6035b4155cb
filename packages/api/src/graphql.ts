import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { type ASTNode, GraphQLError } from 'graphql';
import { createYoga, isAsyncIterable, maskError, type Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { bearerToken, isShareToken, type TokenSet, tokenKind } from './auth.js';
import { alertSettingsOf, type Config } from './config.js';
import type { Context, ShareGrant, TokenKind } from './context.js';
import { corsOptions } from './cors.js';
import {
  apiError,
  badInput,
  errorResponse,
  forbidden,
  unauthenticated,
  withoutOriginalError,
} from './errors.js';
import { graphqlJitPlugin } from './graphql-jit.js';
import { findShareGrant, shareState } from './modules/share/share-links.service.js';
import { type ListedKind, mayRun, rootAccess, sharedFields } from './modules/shared/access.js';
import type { Orm } from './orm.js';
import { forkWithReadLimits, isQueryTimeout, queryTimeoutError } from './query-timeout.js';
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
  /** Directive overloading: more directives than this on one field, fragment or operation. */
  maxDirectivesPerLocation: 3,
  /** Validation stops after this many errors (graphql-js then adds one saying it stopped). */
  maxValidationErrors: 5,
} as const;

/**
 * A document over a query limit is refused whole, before the rest of validation runs: one
 * error, HTTP 400, `QUERY_TOO_COMPLEX`, the message naming the limit (armor's rejection
 * otherwise escapes validation as an error without a code, answered 200).
 */
const refuseTooComplex = [
  (_context: unknown, error: GraphQLError) => {
    throw apiError('QUERY_TOO_COMPLEX', error.message);
  },
];

/**
 * Refuses a field (fragment, operation) carrying more than `maxDirectivesPerLocation`
 * directives, before validation reports each of them: a scanner's ten duplicated unknown
 * directives on one field get one error, not ten.
 */
const directivesPerLocation: Plugin<Context> = {
  onValidate({ addValidationRule }) {
    addValidationRule(() => ({
      enter(node: ASTNode) {
        const found = 'directives' in node ? (node.directives?.length ?? 0) : 0;
        if (found > QUERY_LIMITS.maxDirectivesPerLocation) {
          throw apiError(
            'QUERY_TOO_COMPLEX',
            `Directives limit of ${QUERY_LIMITS.maxDirectivesPerLocation} on one field exceeded, found ${found}.`,
          );
        }
      },
    }));
  },
};

/**
 * Caps the validation errors of one document (graphql-js's `maxErrors`): a scanner's document of
 * a hundred unknown fields or directives gets a few errors back, not one per mistake.
 */
const capValidationErrors: Plugin<Context> = {
  onValidate({ validateFn, setValidationFn }) {
    // graphql-js's own signature: (schema, document, rules, options, typeInfo)
    setValidationFn((schema, document, rules, options, typeInfo) =>
      validateFn(
        schema,
        document,
        rules,
        { ...options, maxErrors: QUERY_LIMITS.maxValidationErrors },
        typeInfo,
      ),
    );
  },
};

/**
 * What each kind of token may call, read from the declarations on the root fields
 * (`callableBy`, modules/shared/access.ts); an admin token may call everything.
 */
export const ROOT_ACCESS = rootAccess(schema);

/** The answer to a document a kind of token may not run: every listed kind needs one. */
const REFUSALS: Record<ListedKind, string> = {
  ingest: 'an ingest token may only call the record* mutations; use an admin token',
  viewer:
    'a viewer token may only read (every query but failedItems, the alert rules and the share links, no mutation); use an admin token',
  share: 'a share link may only read the dashboard page it was made for',
};

/**
 * The kind of token a request carries, read from its header wherever it is needed: Yoga does not
 * hand every hook the same Request object, so nothing is cached by request.
 */
const kindOf = (tokens: TokenSet, request: Request): TokenKind | null => {
  const presented = bearerToken(request.headers.get('authorization'));
  // a share token is only recognised here; whether it opens a link is looked up per request
  return tokenKind(tokens, presented) ?? (isShareToken(presented) ? 'share' : null);
};

const INVALID_TOKEN = 'Authorization: the bearer token is not valid';

/**
 * Why a share token's request is refused before it runs (docs/api.md#share-links): no such
 * link (401 UNAUTHENTICATED), revoked or expired (401 SHARE_LINK_REVOKED / SHARE_LINK_EXPIRED,
 * which the dashboard shows as such), or null when the link still opens its page.
 */
function shareRefusal(share: ShareGrant | null, now: Date) {
  if (share === null) return unauthenticated(INVALID_TOKEN);
  const state = shareState(share, now);
  if (state === 'revoked') {
    return apiError(
      'SHARE_LINK_REVOKED',
      `this share link was revoked at ${share.revokedAt?.toISOString()}; ask an admin for a new one`,
    );
  }
  if (state === 'expired') {
    return apiError(
      'SHARE_LINK_EXPIRED',
      `this share link expired at ${share.expiresAt.toISOString()}; ask an admin for a new one`,
    );
  }
  return null;
}

const MISSING_TOKEN = 'Authorization: a bearer token is required (Authorization: Bearer <token>)';

function authPlugin(tokens: TokenSet): Plugin<Context> {
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      if (kindOf(tokens, request)) return;
      const refusal = errorResponse(
        'UNAUTHENTICATED',
        request.headers.get('authorization') ? INVALID_TOKEN : MISSING_TOKEN,
        { 'www-authenticate': 'Bearer' },
      );
      endResponse(new fetchAPI.Response(refusal.body, refusal));
    },
    onExecute({ args, setResultAndStopExecution }) {
      const kind = args.contextValue.tokenKind;
      if (kind === 'admin') return;
      if (kind === null) {
        setResultAndStopExecution({ errors: [unauthenticated(MISSING_TOKEN)] });
      } else if (kind === 'share') {
        const { share, receivedAt } = args.contextValue;
        const refusal = shareRefusal(share, receivedAt);
        if (refusal) setResultAndStopExecution({ errors: [refusal] });
        // only the fields of the link's own page, of those a share token may call at all
        else if (!mayRun(ROOT_ACCESS, kind, args.document, sharedFields(share?.path ?? ''))) {
          setResultAndStopExecution({ errors: [forbidden(REFUSALS.share)] });
        }
      } else if (!mayRun(ROOT_ACCESS, kind, args.document)) {
        setResultAndStopExecution({ errors: [forbidden(REFUSALS[kind])] });
      }
    },
  };
}

/**
 * A request error of GraphQL itself (a variable of the wrong type, a required input field
 * missing) comes without a code; it is bad input like any other, so it says so.
 */
const requestErrorCodes: Plugin<Context> = {
  onExecute() {
    return {
      onExecuteDone({ result, setResult }) {
        if (isAsyncIterable(result) || result.data !== undefined || !result.errors) return;
        setResult({
          ...result,
          errors: result.errors.map((e) =>
            e.extensions?.code
              ? e
              : new GraphQLError(e.message, {
                  nodes: e.nodes,
                  source: e.source,
                  positions: e.positions,
                  path: e.path,
                  originalError: e.originalError,
                  extensions: { ...e.extensions, ...badInput(e.message).extensions },
                }),
          ),
        });
      },
    };
  },
};

export function createGraphQL(options: {
  orm: Orm;
  config: Config;
  tokens: TokenSet;
  logger: Logger;
}) {
  const { orm, config, tokens, logger } = options;
  const alerts = alertSettingsOf(config);
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // the page holds no data: every request it sends carries the admin token typed into its
    // header editor, which is never kept (no URL, no local storage)
    // GraphiQL's scripts are served from here, not a CDN: the page works on closed networks
    renderGraphiQL,
    graphiql: {
      title: 'Cortex Telemetry GraphiQL',
      headers: JSON.stringify({ Authorization: 'Bearer <admin token>' }, null, 2),
      shouldPersistHeaders: false,
      credentials: 'omit',
      defaultEditorToolsVisibility: 'headers',
    },
    cors: corsOptions(config.CORS_ORIGINS),
    maskedErrors: {
      maskError: (error, message, isDev) =>
        isQueryTimeout(error)
          ? queryTimeoutError(config.QUERY_TIMEOUT_MS, error)
          : withoutOriginalError(maskError(error, message, isDev)),
    },
    logging: {
      debug: (...a) => logger.debug({ yoga: a }, 'yoga'),
      info: (...a) => logger.info({ yoga: a }, 'yoga'),
      warn: (...a) => logger.warn({ yoga: a }, 'yoga'),
      error: (...a) => logger.error({ yoga: a }, 'yoga'),
    },
    context: async ({ request }) => {
      const em = forkWithReadLimits(orm.em, config);
      const kind = kindOf(tokens, request);
      const presented = bearerToken(request.headers.get('authorization'));
      return {
        em,
        tokenKind: kind,
        receivedAt: new Date(),
        openBetaStartsAt: config.OPEN_BETA_STARTS_AT,
        scrubber: config.scrubber,
        logger,
        alerts,
        // the link a share token opens, found by the token's hash (expired and revoked ones too)
        share: kind === 'share' && presented ? await findShareGrant(em, presented) : null,
      };
    },
    plugins: [
      authPlugin(tokens),
      requestErrorCodes,
      capValidationErrors,
      directivesPerLocation,
      unavailablePlugin(),
      EnvelopArmorPlugin({
        maxDepth: {
          n: QUERY_LIMITS.maxDepth,
          ignoreIntrospection: false,
          flattenFragments: true,
          onReject: refuseTooComplex,
        },
        // every alias counts, `__typename` too (armor exempts it by default)
        maxAliases: { n: QUERY_LIMITS.maxAliases, allowList: [], onReject: refuseTooComplex },
        maxTokens: { n: QUERY_LIMITS.maxTokens, onReject: refuseTooComplex },
        costLimit: {
          maxCost: QUERY_LIMITS.maxCost,
          ignoreIntrospection: true,
          onReject: refuseTooComplex,
        },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives, onReject: refuseTooComplex },
        blockFieldSuggestion: { enabled: true },
      }),
      graphqlJitPlugin(), // issue #8: compiled execution (graphql-jit.ts)
    ],
  });
}
