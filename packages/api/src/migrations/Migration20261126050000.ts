import { Migration } from '@mikro-orm/migrations';

/**
 * KPI reads of the rollups are day ranges that need, per row, the user (and session), the
 * filters (phase, channel) and the counters. Carrying them in the day indexes makes every KPI —
 * filtered or not — an index-only scan, and keying them (day, user[, session]) hands the rows
 * over already ordered for the per-day grouping, which then streams instead of hashing. They
 * supersede the plain day indexes of the rollup migration.
 */
export class Migration20261126050000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index kpi_user_days_day_cover_idx on kpi_user_days (day, user_id_hash)
      include (phase, channel, activity_events, resumed_from_context_events);`);
    this.addSql('drop index if exists kpi_user_days_day_idx;');
    this.addSql(`create index kpi_session_days_day_cover_idx on kpi_session_days
      (day, user_id_hash, session_id) include (phase, channel, dependency_events);`);
    this.addSql('drop index if exists kpi_session_days_day_idx;');
  }

  override async down(): Promise<void> {
    this.addSql('create index kpi_session_days_day_idx on kpi_session_days (day);');
    this.addSql('drop index if exists kpi_session_days_day_cover_idx;');
    this.addSql(
      'create index kpi_user_days_day_idx on kpi_user_days (day, user_id_hash) where activity_events > 0;',
    );
    this.addSql('drop index if exists kpi_user_days_day_cover_idx;');
  }
}
