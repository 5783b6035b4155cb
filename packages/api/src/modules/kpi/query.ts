import type { EntityManager } from '@mikro-orm/postgresql';
import { bindNamed } from '../../db/sql.js';
import { applyQueryTimeout } from '../../query-timeout.js';

/** The optional filters of docs/kpis.md, applied to every table a KPI reads (look-backs included). */
export interface KpiFilter {
  phase: string | null;
  channel: string | null;
}

/**
 * The filter as SQL. MikroORM inlines parameters as literals, so PostgreSQL folds an absent
 * filter (`null::text is null`) away at plan time and a present one becomes a plain equality.
 */
export const filterSql = (alias = '') =>
  `(:phase::text is null or ${alias}phase = :phase) and (:channel::text is null or ${alias}channel = :channel)`;

/**
 * Per-query settings, local to the KPI's own read-only transaction: enough `work_mem` for the
 * window's sorts and hash aggregates to stay in memory, and no JIT, whose compile time costs
 * more than it saves on queries this size.
 */
export const KPI_SETTINGS =
  "select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)";

export function runKpiQuery<T>(
  em: EntityManager,
  sql: string,
  values: Record<string, unknown>,
): Promise<T[]> {
  const [text, params] = bindNamed(sql, values);
  const connection = em.getConnection();
  return connection.transactional(
    async (trx) => {
      await connection.execute(KPI_SETTINGS, [], 'all', trx);
      await applyQueryTimeout(em, trx); // statement timeout (docs/api.md#limits)
      return connection.execute<T[]>(text, params, 'all', trx);
    },
    { readOnly: true },
  );
}
