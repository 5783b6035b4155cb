import type { EntityManager } from '@mikro-orm/postgresql';

/** The optional filters of SPEC §4, applied to every table a KPI reads (look-backs included). */
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

/** `:name` placeholders (Umami style) → the positional `?` MikroORM expects; `::type` casts stay. */
export function bindNamed(sql: string, values: Record<string, unknown>): [string, unknown[]] {
  const params: unknown[] = [];
  const text = sql.replace(/(?<![:\w]):([a-zA-Z]\w*)/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`KPI query parameter :${name} has no value`);
    params.push(values[name]);
    return '?';
  });
  return [text, params];
}

export function runKpiQuery<T>(
  em: EntityManager,
  sql: string,
  values: Record<string, unknown>,
): Promise<T[]> {
  const [text, params] = bindNamed(sql, values);
  return em.getConnection().execute<T[]>(text, params);
}
