import { Migration } from '@mikro-orm/migrations';

/**
 * Failed-item replay (docs/api.md#replaying-failed-items): each failed item keeps the history of
 * its replays — when, what came of it, and the reason when it still failed — in order, and the
 * instant of its last one, which the failed-items page shows. Columns rather than a table of
 * their own: telemetry_failed_items is a reference table on Citus (docs/scale-out.md) and a
 * replay rewrites the item's reason anyway, so history and item change in one statement.
 * Frozen: plain SQL only.
 */
export class Migration20261206300000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table telemetry_failed_items
      add column replayed_at timestamptz null,
      add column replays jsonb not null default '[]'::jsonb;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table telemetry_failed_items
      drop column if exists replays,
      drop column if exists replayed_at;`);
  }
}
