import { Migration } from '@mikro-orm/migrations';

/**
 * Scale-out (docs/scale-out.md): on a Citus coordinator — the `citus` extension installed in this
 * database — every per-user table is distributed by `user_id_hash`, all colocated with
 * telemetry_events, so one user's events, day sets and pending day facts live on one shard
 * group and per-user joins never leave a worker. Tables without a user column are reference
 * tables (a copy on every node). On plain PostgreSQL this migration changes nothing.
 * Frozen: plain SQL only.
 */
const DISTRIBUTED = [
  'telemetry_events',
  'telemetry_errors',
  'telemetry_traces',
  'kpi_days',
  'kpi_pending',
] as const;
const REFERENCE = ['kpi_day_links', 'telemetry_failed_items'] as const;

const ifCitus = (body: string) => `do $$
begin
  if exists (select 1 from pg_extension where extname = 'citus') then
${body}
  end if;
end $$;`;

/** Each table once: a database whose tables were distributed by hand is left as it is. */
const unlessDistributed = (table: string, call: string) =>
  `    if not exists (select 1 from pg_dist_partition where logicalrelid = '${table}'::regclass) then
      perform ${call};
    end if;`;

export class Migration20261128000000 extends Migration {
  override async up(): Promise<void> {
    const [first, ...rest] = DISTRIBUTED;
    this.addSql(
      ifCitus(
        [
          unlessDistributed(
            first,
            `create_distributed_table('${first}', 'user_id_hash', colocate_with => 'none')`,
          ),
          ...rest.map((table) =>
            unlessDistributed(
              table,
              `create_distributed_table('${table}', 'user_id_hash', colocate_with => '${first}')`,
            ),
          ),
          ...REFERENCE.map((table) =>
            unlessDistributed(table, `create_reference_table('${table}')`),
          ),
        ].join('\n'),
      ),
    );
  }

  /**
   * Back to local tables, except telemetry_failed_items: Citus cannot undistribute a table with
   * an identity column, and a reference table behaves as a local one for everything here.
   */
  override async down(): Promise<void> {
    this.addSql(
      ifCitus(
        ['kpi_day_links', ...[...DISTRIBUTED].reverse()]
          .map((table) => `    perform undistribute_table('${table}');`)
          .join('\n'),
      ),
    );
  }
}
