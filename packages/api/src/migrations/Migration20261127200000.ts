import { Migration } from '@mikro-orm/migrations';

/**
 * Scrubbing at ingest (docs/privacy.md): each stored item and each failed item records which
 * scrubbing rules fired on it (null when none did). The partial indexes hold only scrubbed rows,
 * so `scrubStats` counts them per day without reading the rest. Frozen: plain SQL only.
 */
const TABLES = [
  'telemetry_events',
  'telemetry_errors',
  'telemetry_traces',
  'telemetry_failed_items',
];

export class Migration20261127200000 extends Migration {
  override async up(): Promise<void> {
    for (const table of TABLES) {
      this.addSql(`alter table ${table} add column scrub_rules text[] null;`);
      this.addSql(
        `create index ${table}_scrubbed_idx on ${table} (received_at) where scrub_rules is not null;`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const table of TABLES) {
      this.addSql(`drop index if exists ${table}_scrubbed_idx;`);
      this.addSql(`alter table ${table} drop column if exists scrub_rules;`);
    }
  }
}
