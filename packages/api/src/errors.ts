import { GraphQLError } from 'graphql';

/**
 * Every `extensions.code` the API answers with, its HTTP status, and whether a client should
 * retry it (docs/api.md#error-codes). A new code is one line here; everything else derives.
 * `status: null` leaves the status to GraphQL-over-HTTP (200 with `errors` beside any data), for
 * codes that concern one field of an operation rather than the whole request.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: { status: 400, retry: false },
  UNAUTHENTICATED: { status: 401, retry: false },
  FORBIDDEN: { status: 403, retry: false },
  SHARE_LINK_EXPIRED: { status: 401, retry: false },
  SHARE_LINK_REVOKED: { status: 401, retry: false },
  QUERY_TOO_COMPLEX: { status: 400, retry: false },
  NOT_FOUND: { status: 404, retry: false },
  METHOD_NOT_ALLOWED: { status: 405, retry: false },
  PAYLOAD_TOO_LARGE: { status: 413, retry: false },
  RATE_LIMITED: { status: 429, retry: true },
  SERVICE_UNAVAILABLE: { status: 503, retry: true },
  QUERY_TIMEOUT: { status: null, retry: false },
} as const satisfies Record<string, { status: number | null; retry: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Codes GraphQL Yoga sets itself (docs/api.md#error-codes lists them too): a body that is not a
 * GraphQL request or a mutation by GET, a document that does not parse or validate, and a bug
 * (masked).
 */
export const FRAMEWORK_CODES = [
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'INTERNAL_SERVER_ERROR',
] as const;

/** A typed error; `extra` adds extensions such as the offending `field`. */
export function apiError(
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  const { status } = ERROR_CODES[code];
  return new GraphQLError(message, {
    extensions: { code, ...extra, ...(status === null ? {} : { http: { status } }) },
  });
}

/**
 * The same error as a whole HTTP answer, for refusals made before GraphQL runs (token, body size,
 * rate limits); `headers` adds e.g. `Retry-After`.
 */
export function errorResponse(
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): { status: number; headers: Record<string, string>; body: string } {
  return {
    status: ERROR_CODES[code].status ?? 200,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ errors: [{ message, extensions: { code } }] }),
  };
}

export const badInput = (message: string, field?: string) =>
  apiError('BAD_USER_INPUT', message, field ? { field } : {});

export const unauthenticated = (message: string) => apiError('UNAUTHENTICATED', message);

export const forbidden = (message: string) => apiError('FORBIDDEN', message);

/**
 * The database is unreachable or its pool exhausted: nothing about the request is wrong, so the
 * answer says "try again" — HTTP 503, `Retry-After`, and a code a client can act on.
 */
export const serviceUnavailable = (message: string, retryAfterSeconds: number) =>
  new GraphQLError(message, {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      retryAfterSeconds,
      http: {
        status: ERROR_CODES.SERVICE_UNAVAILABLE.status,
        headers: { 'Retry-After': String(retryAfterSeconds) },
      },
    },
  });

/**
 * The error without `extensions.originalError`: GraphQL Yoga puts the parser's message there
 * (for invalid JSON, a piece of the request body), and an answer never echoes the request back.
 */
export function withoutOriginalError<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || error.extensions?.originalError === undefined) {
    return error;
  }
  const { originalError: _echo, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}
