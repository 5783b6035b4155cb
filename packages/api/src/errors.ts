import { GraphQLError } from 'graphql';

/** Typed errors with the `extensions.code` of SPEC §8, so clients can act on them. */
export const badInput = (message: string, field?: string) =>
  new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}), http: { status: 400 } },
  });

export const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });

/**
 * The database is unreachable or its pool exhausted: nothing about the request is wrong, so the
 * answer says "try again" — HTTP 503, `Retry-After`, and a code a client can act on.
 */
export const serviceUnavailable = (message: string, retryAfterSeconds: number) =>
  new GraphQLError(message, {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      retryAfterSeconds,
      http: { status: 503, headers: { 'Retry-After': String(retryAfterSeconds) } },
    },
  });
