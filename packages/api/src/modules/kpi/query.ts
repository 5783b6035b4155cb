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
 * Settings of every KPI read and fold, local to the statement's transaction (db/sql.ts): enough
 * `work_mem` for the window's sorts and hash aggregates to stay in memory, and no JIT, whose
 * compile time costs more than it saves on queries this size.
 */
export const KPI_SETTINGS = { work_mem: '64MB', jit: 'off' } as const;
