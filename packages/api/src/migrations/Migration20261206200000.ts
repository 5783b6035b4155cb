import { Migration } from '@mikro-orm/migrations';

/**
 * The live feed (`liveFeed`, the dashboard's /live page) reads the newest rows of the three
 * pipelines by the server's receive time, every two seconds while it is open. Without an index on
 * `received_at` each poll sorted every stored row; with one, each table hands over its newest rows
 * in index order and the query stops after a page. The index holds the feed's whole sort key:
 * many rows share one `received_at` (a batch, the demo seed), and a shorter index would leave
 * them all to be sorted. On Citus the index is created on every shard.
 * Frozen: plain SQL only.
 */
const TABLES = ['telemetry_events', 'telemetry_errors', 'telemetry_traces'];

export class Migration20261206200000 extends Migration {
  override async up(): Promise<void> {
    for (const table of TABLES) {
      this.addSql(
        `create index ${table}_received_idx on ${table} (received_at, "timestamp", id, user_id_hash);`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const table of TABLES) {
      this.addSql(`drop index if exists ${table}_received_idx;`);
    }
  }
}
