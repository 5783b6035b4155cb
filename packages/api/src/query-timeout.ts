import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { apiError } from './errors.js';

/**
 * The statement timeout of analyst and KPI reads (docs/api.md#limits). The request's
 * EntityManager carries the limit from where it is forked (graphql.ts), so a read needs no extra
 * argument: the SQL runner (db/sql.ts) sets it, `SET LOCAL`-style (`set_config(…, true)`), in
 * the read's own read-only transaction, so a pooled connection never keeps it.
 */
const limits = new WeakMap<EntityManager, number>();
const workers = new WeakMap<EntityManager, number>();

/**
 * `parallelWorkers`: at most that many parallel workers per step of a read's plan
 * (`max_parallel_workers_per_gather`). A read that takes every core in workers leaves none to
 * ingest and the fold, and on a small machine finishes little sooner (issue #19).
 */
export function withQueryTimeout<T extends EntityManager>(
  em: T,
  ms: number,
  parallelWorkers?: number,
): T {
  limits.set(em, ms);
  if (parallelWorkers !== undefined) workers.set(em, parallelWorkers);
  return em;
}

/**
 * A fresh EntityManager with the configured read limits: every GraphQL request's, and the
 * background alert checks' (a check waiting on a lock must end ERRORED, not hold its connection).
 */
export const forkWithReadLimits = (
  em: EntityManager,
  config: { QUERY_TIMEOUT_MS: number; READ_PARALLEL_WORKERS?: number },
): EntityManager =>
  withQueryTimeout(em.fork(), config.QUERY_TIMEOUT_MS, config.READ_PARALLEL_WORKERS);

/** The statement timeout in ms the EntityManager carries, if any. */
export const queryTimeoutOf = (em: EntityManager): number | undefined => limits.get(em);

/** The parallel workers per gather a read may use, if the EntityManager limits them. */
export const readWorkersOf = (em: EntityManager): number | undefined => workers.get(em);

/** PostgreSQL's `query_canceled`: the statement timeout fired (or an operator cancelled it). */
const QUERY_CANCELED = '57014';

/**
 * A read whose budget ran out before its statement could start (it waited for a connection of
 * the read pool that long): the same answer as a statement the timeout cancelled.
 */
export function readBudgetSpent(): Error {
  return Object.assign(new Error('the read waited for a connection past QUERY_TIMEOUT_MS'), {
    code: QUERY_CANCELED,
  });
}

export function isQueryTimeout(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const { code, originalError, cause } = e as {
      code?: unknown;
      originalError?: unknown;
      cause?: unknown;
    };
    if (code === QUERY_CANCELED) return true;
    e = originalError ?? cause;
  }
  return false;
}

/** The error of the field whose statement was cancelled, keeping its path and location. */
export function queryTimeoutError(ms: number, at: unknown): GraphQLError {
  const typed = apiError(
    'QUERY_TIMEOUT',
    `the query ran longer than ${ms} ms and was cancelled (QUERY_TIMEOUT_MS); narrow its window or filters, or ask for fewer fields at once`,
  );
  if (!(at instanceof GraphQLError)) return typed;
  return new GraphQLError(typed.message, {
    nodes: at.nodes,
    source: at.source,
    positions: at.positions,
    path: at.path,
    extensions: typed.extensions,
  });
}
