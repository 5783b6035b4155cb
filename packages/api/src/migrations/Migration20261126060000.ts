import { Migration } from '@mikro-orm/migrations';

/**
 * Frozen: the backfill below is the day-set rebuild exactly as it was when this migration was
 * written (activity set, resumed and dependency events, the comeback threshold of 7 idle days),
 * inlined so later changes to the KPI module cannot change what this migration does.
 */
const SUBJECT = 'kind, phase_key, channel_key, user_id_hash, session_id';
const DAY_CANDIDATES = `
  select distinct k.kind, s.phase_key, s.channel_key, f.user_id_hash, k.session_id, f.day
  from (
    select user_id_hash, session_id, phase, channel, ("timestamp" at time zone 'UTC')::date as day,
      bool_or(event_name in ('session_started', 'extension_activated', 'server_operation_called',
        'web_view_opened')) as active,
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
  where k.applies`;
const REBUILD_DAY_SETS = [
  'truncate kpi_days, kpi_day_links',
  `insert into kpi_days (${SUBJECT}, day, prev_day)
   select ${SUBJECT}, day,
     coalesce(lag(day) over (partition by ${SUBJECT} order by day), '-infinity'::date)
   from (${DAY_CANDIDATES}) as c`,
  `insert into kpi_day_links (kind, phase_key, channel_key, day, prev_day, subjects)
   select kind, phase_key, channel_key, day, prev_day, count(*)
   from kpi_days group by 1, 2, 3, 4, 5`,
];

/**
 * KPI day sets with links replace the per-(user, day, phase, channel) counters: counters made
 * every unfiltered KPI de-duplicate users across phases and channels and recompute previous
 * active days at read time, which grows with history; day sets with precomputed links and their
 * (day, previous day) histogram answer the KPIs from window-sized data (design in
 * modules/kpi/day-sets.sql.ts). Existing events are backfilled in the same transaction.
 *
 * kpi_days is keyed by user first (per-user relinks and look-ups; distributable by user), with a
 * scope-and-day index for the resurrection reads;
 * kpi_day_links is a small global aggregate (a reference table under Citus).
 */
export class Migration20261126060000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop table if exists kpi_user_days;');
    this.addSql('drop table if exists kpi_session_days;');
    this.addSql(`create table kpi_days (
      kind text not null,
      phase_key text not null,
      channel_key text not null,
      user_id_hash text not null,
      session_id text not null,
      day date not null,
      prev_day date null,
      primary key (user_id_hash, kind, phase_key, channel_key, session_id, day));`);
    // only resurrection reads per-user active days by scope and day; partial on that kind, so
    // the per-subject relink at ingest can use nothing but the primary key
    this.addSql(`create index kpi_days_active_scope_day_idx on kpi_days (phase_key, channel_key, day)
      include (user_id_hash, prev_day) where kind = 'active';`);
    // comebacks after at least a week idle (the default inactiveDays, 7, and any larger k) are a
    // small part of all active days: resurrection's distinct-user count reads only these
    this.addSql(`create index kpi_days_comeback_idx on kpi_days (phase_key, channel_key, day)
      include (user_id_hash, prev_day)
      where kind = 'active' and prev_day > '-infinity'::date and prev_day <= day - 8;`);
    this.addSql(`create table kpi_day_links (
      kind text not null,
      phase_key text not null,
      channel_key text not null,
      day date not null,
      prev_day date not null,
      subjects integer not null,
      primary key (kind, phase_key, channel_key, day, prev_day));`);
    for (const statement of REBUILD_DAY_SETS) this.addSql(`${statement};`);
  }

  override async down(): Promise<void> {
    // back to the counters as Migration20261126050000 left them, refilled from the events
    this.addSql('drop table if exists kpi_day_links;');
    this.addSql('drop table if exists kpi_days;');
    this.addSql(`create table kpi_user_days (
      user_id_hash text not null, day date not null, phase text not null, channel text not null,
      activity_events integer not null default 0,
      resumed_from_context_events integer not null default 0,
      primary key (user_id_hash, day, phase, channel));`);
    this.addSql(`create index kpi_user_days_day_cover_idx on kpi_user_days (day, user_id_hash)
      include (phase, channel, activity_events, resumed_from_context_events);`);
    this.addSql(`create table kpi_session_days (
      user_id_hash text not null, session_id text not null, day date not null,
      phase text not null, channel text not null,
      events integer not null default 0, dependency_events integer not null default 0,
      primary key (user_id_hash, session_id, day, phase, channel));`);
    this.addSql(`create index kpi_session_days_day_cover_idx on kpi_session_days
      (day, user_id_hash, session_id) include (phase, channel, dependency_events);`);
    this.addSql(`insert into kpi_user_days
      select user_id_hash, ("timestamp" at time zone 'UTC')::date, phase, channel,
        count(*) filter (where event_name in ('session_started', 'extension_activated',
          'server_operation_called', 'web_view_opened')),
        count(*) filter (where event_name = 'session_resumed_from_context')
      from telemetry_events
      where event_name in ('session_started', 'extension_activated', 'server_operation_called',
        'web_view_opened', 'session_resumed_from_context')
      group by 1, 2, 3, 4;`);
    this.addSql(`insert into kpi_session_days
      select user_id_hash, session_id, ("timestamp" at time zone 'UTC')::date, phase, channel,
        count(*), count(*) filter (where event_name in ('context_loaded', 'context_resumed'))
      from telemetry_events where session_id <> ''
      group by 1, 2, 3, 4, 5;`);
  }
}
