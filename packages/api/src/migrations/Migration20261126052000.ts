import { Migration } from '@mikro-orm/migrations';

/**
 * Analyst lists filter errors and traces per user, newest first; without these the primary key
 * (user_id_hash, id) finds the user's rows but every page would sort all of them by time.
 * Events already have telemetry_events_user_timestamp_idx.
 */
export class Migration20261126052000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index telemetry_errors_user_timestamp_idx on telemetry_errors (user_id_hash, "timestamp");',
    );
    this.addSql(
      'create index telemetry_traces_user_timestamp_idx on telemetry_traces (user_id_hash, "timestamp");',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists telemetry_traces_user_timestamp_idx;');
    this.addSql('drop index if exists telemetry_errors_user_timestamp_idx;');
  }
}
