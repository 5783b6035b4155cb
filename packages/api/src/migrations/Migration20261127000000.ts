import { Migration } from '@mikro-orm/migrations';

/**
 * KPI day sets folded off the ingest path (design in docs/kpis.md). Ingest no longer locks the
 * batch's users and re-links day sets in its own statement; it notes one `kpi_pending` row per
 * (user, session, day, phase, channel) it stored, and a fold merges pending facts into
 * kpi_days / kpi_day_links in large batches — in the background and before every KPI read.
 *
 * Moving an existing database needs no backfill of the day sets: under the previous design they
 * were maintained in the same transaction as every event, so they are exact, and the new design
 * starts from them with nothing pending.
 *
 * kpi_pending is a queue, appended by ingest and emptied by `delete … returning` in the fold:
 * no primary key or index to maintain on the hot path; user first, so it distributes by user.
 *
 * down() returns to upkeep inside ingest, which expects no pending facts: the day sets are
 * rebuilt from the raw events (the rebuild as of Migration20261126060000, inlined, frozen), so
 * facts still pending are not lost.
 */
const SUBJECT = 'kind, phase_key, channel_key, user_id_hash, session_id';
const REBUILD_DAY_SETS = [
  'truncate kpi_days, kpi_day_links',
  `insert into kpi_days (${SUBJECT}, day, prev_day)
   select ${SUBJECT}, day,
     coalesce(lag(day) over (partition by ${SUBJECT} order by day), '-infinity'::date)
   from (
     select distinct k.kind, s.phase_key, s.channel_key, f.user_id_hash, k.session_id, f.day
     from (
       select user_id_hash, session_id, phase, channel,
         ("timestamp" at time zone 'UTC')::date as day,
         bool_or(event_name in ('session_started', 'extension_activated',
           'server_operation_called', 'web_view_opened')) as active,
         bool_or(event_name in ('session_resumed_from_context')) as resumed,
         bool_or(event_name in ('context_loaded', 'context_resumed')) as dependency
       from telemetry_events
       group by 1, 2, 3, 4, 5
     ) as f
     cross join lateral (values
       ('active', '', f.active),
       ('resumed', '', f.resumed),
       ('session', f.session_id, f.session_id <> ''),
       ('dependency', f.session_id, f.session_id <> '' and f.dependency)
     ) as k(kind, session_id, applies)
     cross join lateral (values ('*', '*'), (f.phase, '*'), ('*', f.channel), (f.phase, f.channel))
       as s(phase_key, channel_key)
     where k.applies
   ) as c`,
  `insert into kpi_day_links (kind, phase_key, channel_key, day, prev_day, subjects)
   select kind, phase_key, channel_key, day, prev_day, count(*)
   from kpi_days group by 1, 2, 3, 4, 5`,
];

export class Migration20261127000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table kpi_pending (
      user_id_hash text not null,
      session_id text not null,
      day date not null,
      phase text not null,
      channel text not null,
      active boolean not null,
      resumed boolean not null,
      dependency boolean not null,
      noted_at timestamptz not null default now());`);
    // every fold deletes all of it: vacuum after a fixed number of dead notes, not a fraction
    // of a table that is nearly empty, so the probe and the claim never wade through dead rows
    this.addSql(`alter table kpi_pending set (autovacuum_vacuum_scale_factor = 0,
      autovacuum_vacuum_threshold = 10000, autovacuum_analyze_scale_factor = 0,
      autovacuum_analyze_threshold = 10000);`);
  }

  override async down(): Promise<void> {
    for (const statement of REBUILD_DAY_SETS) this.addSql(`${statement};`);
    this.addSql('drop table if exists kpi_pending;');
  }
}
