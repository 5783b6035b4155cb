import { Migration } from '@mikro-orm/migrations';

/**
 * The (event, time) index of telemetry_events, now covering: it also carries the user and the
 * phase and channel filters, so a read of one event's window — a funnel step
 * (modules/cohorts/get-funnel.sql.ts), a named retention event — is an index-only scan. Without
 * them every matching row was a heap fetch, and the table is in ingest order (by user within a
 * batch), so a 30-day window of a few event names touched most of its pages: the cost of
 * `funnel` at 10M events. Same key, so it replaces the old index (which any query using it is
 * served by as before) rather than adding a second one for ingest to maintain.
 *
 * On Citus both statements run on the distributed table and reach every shard. Frozen: plain
 * SQL only.
 */
export class Migration20261208100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index telemetry_events_name_timestamp_cover_idx on telemetry_events
      (event_name, "timestamp") include (user_id_hash, phase, channel);`);
    this.addSql('drop index if exists telemetry_events_name_timestamp_idx;');
  }

  override async down(): Promise<void> {
    this.addSql(
      'create index telemetry_events_name_timestamp_idx on telemetry_events (event_name, "timestamp");',
    );
    this.addSql('drop index if exists telemetry_events_name_timestamp_cover_idx;');
  }
}
