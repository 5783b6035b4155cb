import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { apiError } from './errors.js';

/**
 * The statement timeout of analyst and KPI reads (docs/api.md#limits). The request's
 * EntityManager carries the limit from where it is forked (graphql.ts), so the SQL runners need
 * no extra argument: they call `applyQueryTimeout` inside their transaction, or run through
 * `readQuery`. `SET LOCAL` semantics (`set_config(…, true)`) end the setting with the
 * transaction, so a pooled connection never keeps it.
 */
const limits = new WeakMap<EntityManager, number>();

export function withQueryTimeout<T extends EntityManager>(em: T, ms: number): T {
  limits.set(em, ms);
  return em;
}

type Transaction = Parameters<ReturnType<EntityManager['getConnection']>['execute']>[3];

export async function applyQueryTimeout(em: EntityManager, trx: Transaction): Promise<void> {
  const ms = limits.get(em);
  if (ms === undefined) return;
  await em
    .getConnection()
    .execute("select set_config('statement_timeout', ?, true)", [`${Math.round(ms)}`], 'all', trx);
}

/** One read-only statement under the request's timeout (a plain statement when it has none). */
export function readQuery<T extends object[]>(
  em: EntityManager,
  sql: string,
  params: unknown[],
): Promise<T> {
  const connection = em.getConnection();
  if (!limits.has(em)) return connection.execute<T>(sql, params, 'all');
  return connection.transactional(
    async (trx) => {
      await applyQueryTimeout(em, trx);
      return connection.execute<T>(sql, params, 'all', trx);
    },
    { readOnly: true },
  );
}

/** PostgreSQL's `query_canceled`: the statement timeout fired (or an operator cancelled it). */
const QUERY_CANCELED = '57014';

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
