import { Migration } from '@mikro-orm/migrations';

/**
 * KPI rollups, maintained in the same statement as the event insert (so a KPI never reads
 * stale numbers) from the rows actually inserted (so duplicates never count twice). Keyed by
 * UTC day of the event `timestamp`, phase and channel, so every phase/channel filter of
 * docs/kpis.md is a plain WHERE on the rollup and late events land on their own day.
 *
 * - kpi_user_days: per user, day, phase, channel: activity-set events, resumed-from-context
 *   events. Serves DAU/WAU/MAU, resurrection and the activity part of paid conversion.
 * - kpi_session_days: per (user, non-empty session), day, phase, channel: events and
 *   dependency (context_loaded/context_resumed) events. Serves CDR.
 */
export class Migration20261126041000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table kpi_user_days (
      user_id_hash text not null,
      day date not null,
      phase text not null,
      channel text not null,
      activity_events integer not null default 0,
      resumed_from_context_events integer not null default 0,
      primary key (user_id_hash, day, phase, channel));`);
    this.addSql(
      'create index kpi_user_days_day_idx on kpi_user_days (day, user_id_hash) where activity_events > 0;',
    );

    this.addSql(`create table kpi_session_days (
      user_id_hash text not null,
      session_id text not null,
      day date not null,
      phase text not null,
      channel text not null,
      events integer not null default 0,
      dependency_events integer not null default 0,
      primary key (user_id_hash, session_id, day, phase, channel));`);
    this.addSql('create index kpi_session_days_day_idx on kpi_session_days (day);');

    this.addSql(`create index telemetry_events_monetization_idx on telemetry_events
      (user_id_hash, "timestamp", event_name)
      where event_name in ('paid_subscription_started', 'paid_subscription_canceled');`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists telemetry_events_monetization_idx;');
    this.addSql('drop table if exists kpi_session_days;');
    this.addSql('drop table if exists kpi_user_days;');
  }
}
