import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { queryTimeoutOf, readBudgetSpent, readWorkersOf } from '../query-timeout.js';

/** knex's answer when no pooled connection came free within the pool's acquire timeout. */
function isAcquireTimeout(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e.name === 'KnexTimeoutError' || /Timeout acquiring a connection/.test(e.message)) {
      return true;
    }
    e = e.cause;
  }
  return false;
}

/**
 * The one way this codebase runs SQL (Umami's `rawQuery(sql, data, name)`): `runSql` takes the
 * statement with `:name` placeholders, their values and options, and names every query for logs
 * and timings. Functions that build SQL text are named `…Sql`; functions that run a query are
 * named `get…` (reads) or say what they write.
 *
 * `bindNamed` turns `:name` into the positional `?` that MikroORM's `execute` and knex's `raw`
 * expect; `::type` casts stay as they are. A placeholder without a value is a programming error
 * and throws, naming it. It is exported for its unit test and for printing a statement's text;
 * run SQL with `runSql`.
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

/** A transaction opened by `inTransaction`, handed to `runSql` through `transaction`. */
export type SqlTransaction = Knex.Transaction;

export interface SqlOptions {
  /** What the query is (`getCdr`, `insertEvents`): its name in logs and timings. */
  name: string;
  /** `rows` (the default): the rows it returns; `rowCount`: how many rows it wrote. */
  result?: 'rows' | 'rowCount';
  /**
   * A read of analyst or KPI data. It runs on the read pool (orm.ts), so reads never take the
   * connections ingest and the fold need. When its EntityManager carries the request's read
   * limits (query-timeout.ts, docs/api.md#limits), it runs under them — the statement timeout
   * and at most that many parallel workers — in a read-only transaction of its own (or
   * `transaction`); otherwise as a plain statement.
   */
  read?: boolean;
  /**
   * Settings local to the statement's transaction (`set_config(…, true)`): its own transaction
   * (read-only for a read), or `transaction`. A pooled connection never keeps them.
   */
  settings?: Readonly<Record<string, string>>;
  /**
   * A parameter-free statement run first in the statement's transaction (its own, or
   * `transaction`), after the settings: e.g. a lock the statement must hold while it runs.
   */
  prelude?: string;
  /** Runs inside this transaction (`inTransaction`) instead of one of its own. */
  transaction?: SqlTransaction;
  /**
   * Sends the values as bind parameters. By default MikroORM inlines them as literals, which
   * lets PostgreSQL fold an absent filter (`null::text is null`) away at plan time; a large
   * JSON payload (an ingest batch) escaped into the text costs a third of the server's CPU.
   */
  bindParameters?: boolean;
}

/** One finished query, for whoever times them (`observeSql`). */
export interface SqlTiming {
  name: string;
  ms: number;
  failed: boolean;
}

let observer: ((timing: SqlTiming) => void) | null = null;

/**
 * Hands every query's name and duration to `listener` (a log line, a metric, a test) until the
 * returned function is called. Without a listener the runner does not read the clock.
 */
export function observeSql(listener: (timing: SqlTiming) => void): () => void {
  observer = listener;
  return () => {
    if (observer === listener) observer = null;
  };
}

type Connection = ReturnType<EntityManager['getConnection']>;

async function execute(
  connection: Connection,
  text: string,
  params: unknown[],
  o: SqlOptions,
  trx: SqlTransaction | undefined,
): Promise<unknown[] | number> {
  if (o.bindParameters) {
    const result = await (trx ?? (connection.getKnex() as Knex)).raw<{
      rows: unknown[];
      rowCount: number | null;
    }>(text, params as Knex.RawBinding[]);
    return o.result === 'rowCount' ? (result.rowCount ?? 0) : result.rows;
  }
  if (o.result === 'rowCount') {
    const result = await connection.execute<{ affectedRows?: number }>(text, params, 'run', trx);
    return result.affectedRows ?? 0;
  }
  return connection.execute<unknown[]>(text, params, 'all', trx);
}

async function run(
  em: EntityManager,
  sql: string,
  values: Record<string, unknown>,
  o: SqlOptions,
): Promise<unknown[] | number> {
  const [text, params] = bindNamed(sql, values);
  const connection = em.getConnection(o.read ? 'read' : 'write');
  const timeoutMs = o.read ? queryTimeoutOf(em) : undefined;
  const workers = o.read ? readWorkersOf(em) : undefined;
  const setup: [string, string][] = Object.entries(o.settings ?? {});
  if (workers !== undefined) setup.push(['max_parallel_workers_per_gather', `${workers}`]);
  if (setup.length === 0 && timeoutMs === undefined && o.prelude === undefined) {
    return execute(connection, text, params, o, o.transaction);
  }
  // a read's budget counts from here: waiting for a connection of the read pool spends it too
  const asked = performance.now();
  const prepared = async (trx: SqlTransaction) => {
    const settings = [...setup];
    if (timeoutMs !== undefined) {
      const left = Math.floor(timeoutMs - (performance.now() - asked));
      if (left < 1) throw readBudgetSpent();
      settings.push(['statement_timeout', `${left}`]);
    }
    if (settings.length > 0) {
      await connection.execute(
        `select ${settings.map(() => 'set_config(?, ?, true)').join(', ')}`,
        settings.flat(),
        'all',
        trx,
      );
    }
    if (o.prelude !== undefined) await connection.execute(o.prelude, [], 'all', trx);
    return execute(connection, text, params, o, trx);
  };
  if (o.transaction) return prepared(o.transaction);
  try {
    return await connection.transactional(prepared, { readOnly: o.read === true });
  } catch (error) {
    // the read pool stayed full for the whole budget (its acquire timeout is the budget)
    if (timeoutMs !== undefined && isAcquireTimeout(error)) throw readBudgetSpent();
    throw error;
  }
}

/**
 * Runs one statement: `:name` placeholders bound from `values`, under the options above. Every
 * query of the API goes through here.
 */
export function runSql<Row extends object>(
  em: EntityManager,
  sql: string,
  values: Record<string, unknown>,
  options: SqlOptions & { result?: 'rows' },
): Promise<Row[]>;
export function runSql(
  em: EntityManager,
  sql: string,
  values: Record<string, unknown>,
  options: SqlOptions & { result: 'rowCount' },
): Promise<number>;
export async function runSql(
  em: EntityManager,
  sql: string,
  values: Record<string, unknown>,
  options: SqlOptions,
): Promise<unknown[] | number> {
  const listener = observer;
  if (!listener) return run(em, sql, values, options);
  const started = performance.now();
  let failed = true;
  try {
    const result = await run(em, sql, values, options);
    failed = false;
    return result;
  } finally {
    listener({ name: options.name, ms: performance.now() - started, failed });
  }
}

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export function inTransaction<T>(
  em: EntityManager,
  work: (transaction: SqlTransaction) => Promise<T>,
): Promise<T> {
  return em.getConnection().transactional(work);
}
