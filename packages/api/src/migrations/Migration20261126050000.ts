import { Migration } from '@mikro-orm/migrations';

/**
 * KPI reads of kpi_user_days are day ranges that need, per row, the user, the filters (phase,
 * channel) and both counters. Carrying them all in the day index lets every KPI — filtered or
 * not, resurrection's resumed-only rows included — run as an index-only scan; the partial
 * (day, user_id_hash) index it supersedes only served unfiltered activity reads.
 */
export class Migration20261126050000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index kpi_user_days_day_cover_idx on kpi_user_days (day)
      include (user_id_hash, phase, channel, activity_events, resumed_from_context_events);`);
    this.addSql('drop index if exists kpi_user_days_day_idx;');
  }

  override async down(): Promise<void> {
    this.addSql(
      'create index kpi_user_days_day_idx on kpi_user_days (day, user_id_hash) where activity_events > 0;',
    );
    this.addSql('drop index if exists kpi_user_days_day_cover_idx;');
  }
}
