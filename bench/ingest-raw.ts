import { createRequire } from 'node:module';
import { bindNamed, foldLockSql, insertEventsSql } from '@cortex-telemetry/api';
import pg from 'pg';
import { EVENT_COLUMNS, RECEIVED_AT } from './ingest-rows.js';

/**
 * The raw baselines of the ingest bench: the same rows written straight into PostgreSQL,
 * without HTTP, GraphQL or validation. COPY FROM STDIN is done with a ~40-line submittable on
 * `pg` itself (what pg-copy-streams does), so the bench needs no extra dependency.
 */

export interface PgClient {
  connect(): Promise<unknown>;
  end(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
  query<T extends object>(submittable: T): T;
  on(event: 'error', listener: (error: Error) => void): void;
}

export async function connect(url: string): Promise<PgClient> {
  const client = new pg.Client({ connectionString: url });
  // a connection dropped while idle (database dropped at the end) must not crash the bench
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** A pg "submittable" speaking the COPY-in sub-protocol for one in-memory payload. */
class CopyIn {
  private error: Error | null = null;
  private rows = 0;
  readonly done: Promise<number>;
  private settle!: { resolve: (rows: number) => void; reject: (e: Error) => void };

  constructor(
    private readonly text: string,
    private readonly payload: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }
  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: CopyConnection): void {
    connection.sendCopyFromChunk(this.payload);
    connection.endCopyFrom();
  }
  handleCommandComplete(message: { text: string }): void {
    this.rows = Number(message.text.split(' ')[1] ?? 0);
  }
  handleError(error: Error): void {
    this.error = error;
  }
  /** PostgreSQL always ends with ReadyForQuery, after an error too. */
  handleReadyForQuery(): void {
    if (this.error) this.settle.reject(this.error);
    else this.settle.resolve(this.rows);
  }
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}

const COPY_SQL = `copy telemetry_events (${EVENT_COLUMNS.map((c) => `"${c}"`).join(', ')}) from stdin`;

export function copyBatch(client: PgClient, payload: Buffer): Promise<number> {
  return client.query(new CopyIn(COPY_SQL, payload)).done;
}

/** The service's events statement minus the rollup CTEs: the table alone, same semantics. */
const INSERT_ONLY_SQL = `
insert into telemetry_events (id, "timestamp", received_at, user_id_hash, user_tier, is_paid_user,
  session_id, channel, phase, event_name, result)
select id, "timestamp", $2::timestamptz, user_id_hash, user_tier, is_paid_user, session_id,
  channel, phase, event_name, result
from (select (r ->> 0)::uuid as id, (r ->> 1)::timestamptz as "timestamp", r ->> 2 as user_id_hash,
    r ->> 3 as user_tier, (r ->> 4)::boolean as is_paid_user, r ->> 5 as session_id,
    r ->> 6 as channel, r ->> 7 as phase, r ->> 14 as event_name, r ->> 15 as result
  from jsonb_array_elements($1::jsonb) as r) as input
on conflict do nothing`;

/** The exact statement `ingestItems` runs (day facts noted), with knex `?` as `$n`. */
const [BOUND_SQL] = bindNamed(insertEventsSql, { rows: null, receivedAt: null, expected: null });
let n = 0;
const WITH_ROLLUPS_SQL = BOUND_SQL.replace(/\?/g, () => `$${++n}`);

/**
 * How the statements travel: as bind parameters, or inlined into the SQL text as escaped
 * literals, which is what MikroORM's `execute(sql, params)` does (`Platform.formatQuery`).
 */
export type InsertMode = 'table only' | 'day facts' | 'day facts, inlined';

/** Loads what the API's MikroORM driver loads: its `pg` is another version than the bench's. */
export const requireFromDriver = createRequire(
  createRequire(import.meta.resolve('@cortex-telemetry/api')).resolve('@mikro-orm/postgresql'),
);
const { escapeLiteral } = requireFromDriver('pg/lib/utils.js') as {
  escapeLiteral: (s: string) => string;
};

/** Stores one batch of `count` positional rows; resolves with the rows inserted. */
export async function insertBatch(
  client: PgClient,
  json: string,
  count: number,
  mode: InsertMode,
): Promise<number> {
  if (mode === 'table only') {
    return (await client.query(INSERT_ONLY_SQL, [json, RECEIVED_AT])).rowCount ?? 0;
  }
  let answer: { rows: { inserted: number }[] };
  if (mode === 'day facts, inlined') {
    const values = [escapeLiteral(json), escapeLiteral(RECEIVED_AT), String(count)];
    let i = 0;
    answer = await client.query(BOUND_SQL.replace(/\?/g, () => values[i++]!));
  } else {
    answer = await client.query(WITH_ROLLUPS_SQL, [json, RECEIVED_AT, count]);
  }
  return answer.rows[0]?.inserted ?? 0;
}

/** Each run starts on empty tables, so no path pays for the previous one's rows. */
export async function resetTables(client: PgClient): Promise<void> {
  // behind the fold lock, as forgetting a user is: the server's folder may be folding (a lane
  // per core), and a fold holding kpi_pending while the truncate holds kpi_days deadlocks
  await client.query('begin');
  try {
    await client.query(foldLockSql);
    await client.query(
      'truncate telemetry_events, kpi_days, kpi_day_links, kpi_pending, kpi_cohort_cells, telemetry_failed_items',
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  await client.query('vacuum analyze telemetry_events, kpi_days, kpi_day_links, kpi_pending');
  // flush dirty pages now rather than in the middle of the next run (needs superuser; optional)
  await client.query('checkpoint').catch(() => undefined);
}
