import {
  ACTIVITY_EVENTS,
  DEPENDENCY_SIGNAL_EVENTS,
  RESURRECTION_SIGNAL_EVENTS,
} from '@cortex-telemetry/events';

/**
 * KPI day sets (see the migration that creates them). Every KPI of SPEC §4 is a question about
 * sets of days — the days a user was active, the days a session had events, had a dependency
 * event, the days a user resumed from context — seen through a filter scope. So ingest keeps,
 * per scope, one presence row per (kind, subject, day) with a link to the subject's previous day
 * of the same kind, and a histogram `kpi_day_links` counting rows per (day, previous day).
 *
 * Why links: "first day of a subject inside [S, E)" is exactly a row with day ∈ [S, E) and
 * previous day < S, so distinct counts over any window (WAU, MAU, active users, sessions,
 * dependent sessions) are sums over the histogram; a resurrection on day d is a row whose gap
 * d − previous − 1 is at least k. No KPI has to de-duplicate per-user rows at read time.
 *
 * Scopes: each event lands in four — no filter, its phase, its channel, both — written as
 * (phase_key, channel_key) with '*' for "any", so a filtered KPI is an equality on the scope.
 */
/** Idle days from which a comeback row is in the comeback index (see the day-set migration). */
export const COMEBACK_DAYS = 7;

export const DAY_KINDS = ['active', 'resumed', 'session', 'dependency'] as const;
export type DayKind = (typeof DAY_KINDS)[number];

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * The (kind, scope, subject, day) rows one set of events implies. `source` must expose
 * user_id_hash, "timestamp", session_id, channel, phase and event_name. Events are first folded
 * to one row per (user, session, day, phase, channel), so the expansion into kinds and scopes
 * works on facts, not on every event (what keeps the backfill of millions of events short).
 */
export const dayCandidatesSql = (source: string) => `
  select distinct k.kind, s.phase_key, s.channel_key, f.user_id_hash, k.session_id, f.day
  from (
    select user_id_hash, session_id, phase, channel, ("timestamp" at time zone 'UTC')::date as day,
      bool_or(event_name in (${list(ACTIVITY_EVENTS)})) as active,
      bool_or(event_name in (${list(RESURRECTION_SIGNAL_EVENTS)})) as resumed,
      bool_or(event_name in (${list(DEPENDENCY_SIGNAL_EVENTS)})) as dependency
    from ${source}
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

const SUBJECT = 'kind, phase_key, channel_key, user_id_hash, session_id';

/**
 * Ingest, after new day rows went in with `prev_day` null: relink every subject that got one
 * (recompute its previous days in order) and move the histogram by the links that changed —
 * −1 at the old (day, previous day), +1 at the new. Parameter: the touched subjects as JSON
 * (what the insert returned). Runs in the ingest transaction, after the batch's users were
 * locked, so no other transaction is relinking the same subjects.
 */
export const relinkSql = `
with touched as (
  select distinct * from json_to_recordset(?::json) as t(user_id_hash text, kind text,
    phase_key text, channel_key text, session_id text)
),
relinked as (
  select t.kind, t.phase_key, t.channel_key, t.user_id_hash, t.session_id, d.day,
    d.prev_day as old_prev,
    coalesce(lag(d.day) over (partition by t.kind, t.phase_key, t.channel_key, t.user_id_hash,
      t.session_id order by d.day), '-infinity'::date) as new_prev
  from touched t
  -- per subject, a primary-key range read: the cost follows the batch, not the table
  cross join lateral (
    select day, prev_day from kpi_days d
    where d.user_id_hash = t.user_id_hash and d.kind = t.kind and d.phase_key = t.phase_key
      and d.channel_key = t.channel_key and d.session_id = t.session_id
  ) as d
),
changed as materialized (
  select * from relinked where old_prev is distinct from new_prev
),
updated as (
  update kpi_days d set prev_day = c.new_prev
  from changed c
  where (d.user_id_hash, d.kind, d.phase_key, d.channel_key, d.session_id, d.day)
      = (c.user_id_hash, c.kind, c.phase_key, c.channel_key, c.session_id, c.day)
)
insert into kpi_day_links as l (kind, phase_key, channel_key, day, prev_day, subjects)
select kind, phase_key, channel_key, day, prev_day, sum(delta)
from (
  select kind, phase_key, channel_key, day, new_prev as prev_day, 1 as delta from changed
  union all
  select kind, phase_key, channel_key, day, old_prev, -1 from changed where old_prev is not null
) as deltas
group by 1, 2, 3, 4, 5
having sum(delta) <> 0
order by 1, 2, 3, 4, 5
on conflict (kind, phase_key, channel_key, day, prev_day)
  do update set subjects = l.subjects + excluded.subjects`;

/**
 * Serialises ingest per user for the relink (transaction-scoped advisory locks, taken in one
 * sorted pass so concurrent batches cannot deadlock). Parameter: the batch's users as JSON.
 */
export const lockUsersSql = `
select count(pg_advisory_xact_lock(key)) from (
  select distinct hashtextextended(u, 7355) as key from json_array_elements_text(?::json) as u
  order by key
) as keys`;

/** Both tables rebuilt from telemetry_events (migration backfill, benchmark load, tests). */
export const rebuildDaySetsSql = [
  'truncate kpi_days, kpi_day_links',
  `insert into kpi_days (${SUBJECT}, day, prev_day)
   select ${SUBJECT}, day,
     coalesce(lag(day) over (partition by ${SUBJECT} order by day), '-infinity'::date)
   from (${dayCandidatesSql('telemetry_events')}) as c`,
  `insert into kpi_day_links (kind, phase_key, channel_key, day, prev_day, subjects)
   select kind, phase_key, channel_key, day, prev_day, count(*)
   from kpi_days group by 1, 2, 3, 4, 5`,
];
