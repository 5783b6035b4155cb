import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { serviceUnavailable } from './errors.js';

/**
 * Without this, a request that fails because PostgreSQL is down (or the pool has no free
 * connection) ends as HTTP 200 + "Unexpected error.", which a client cannot tell from a
 * permanent failure. Errors caused by the database's availability become 503 +
 * `Retry-After` + `SERVICE_UNAVAILABLE` (docs/sdk.md "What is retried"); any other error keeps
 * its usual masking. Retrying is safe: ingest is idempotent by item id.
 */
export const RETRY_AFTER_SECONDS = 5;

/** Socket errors of a database that is not there (or went away mid-query). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * SQLSTATE classes that say "the server cannot serve now": 08 connection exception, 53
 * insufficient resources (too many connections, out of memory, disk full), 57P01–57P03 admin /
 * crash shutdown and "cannot connect now" (starting up).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;
/**
 * Thrown without a code: knex's pool timeout, pg's dropped connection, and knex's answer to the
 * next statement of a transaction whose connection just died, pg's client after a socket error.
 */
const UNAVAILABLE_MESSAGE =
  /Timeout acquiring a connection|Connection terminated|Transaction query already complete|has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/i;

type Cause = {
  code?: unknown;
  sqlState?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
};

export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  // MikroORM and knex wrap the driver's error; look a few causes deep
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as Cause;
    const code = typeof e.code === 'string' ? e.code : '';
    const sqlState = typeof e.sqlState === 'string' ? e.sqlState : code;
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(sqlState)) return true;
    if (e.name === 'ConnectionException' || e.name === 'KnexTimeoutError') return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    current = e.cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}

const fromDatabase = (error: GraphQLError) => isDatabaseUnavailable(error.originalError);

export function unavailablePlugin(retryAfterSeconds = RETRY_AFTER_SECONDS): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          const r = result as ExecutionResult;
          if (!Array.isArray(r.errors) || !r.errors.some(fromDatabase)) return;
          const message = `the database is unavailable; retry after ${retryAfterSeconds} s (ingest is idempotent by item id)`;
          setResult({
            ...r,
            errors: r.errors.map((e) =>
              fromDatabase(e) ? serviceUnavailable(message, retryAfterSeconds) : e,
            ),
          });
        },
      };
    },
  };
}
