import type { EntityManager } from '@mikro-orm/postgresql';
import { readQuery } from '../query-timeout.js';

/**
 * The one way to write raw SQL with parameters in this codebase: `:name` placeholders, bound
 * from an object. Functions that build SQL text are named `…Sql`; functions that run a query
 * are named `get…` (reads) or say what they write.
 *
 * `bindNamed` turns `:name` into the positional `?` that MikroORM's `execute` and knex's `raw`
 * expect; `::type` casts stay as they are. A placeholder without a value is a programming error
 * and throws, naming it.
 */
export function bindNamed(sql: string, values: Record<string, unknown>): [string, unknown[]] {
  const params: unknown[] = [];
  const text = sql.replace(/(?<![:\w]):([a-zA-Z]\w*)/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`SQL parameter :${name} has no value`);
    params.push(values[name]);
    return '?';
  });
  return [text, params];
}

/**
 * Runs one `:named` read and returns its rows, under the request's statement timeout when its
 * EntityManager carries one (query-timeout.ts).
 */
export function getRows<T extends object>(
  em: EntityManager,
  sql: string,
  values: Record<string, unknown> = {},
): Promise<T[]> {
  const [text, params] = bindNamed(sql, values);
  return readQuery<T[]>(em, text, params);
}
