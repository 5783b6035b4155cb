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

const SAME_SUBJECT = (a: string, b: string) =>
  `${a}.user_id_hash = ${b}.user_id_hash and ${a}.kind = ${b}.kind and ${a}.phase_key = ${b}.phase_key
    and ${a}.channel_key = ${b}.channel_key and ${a}.session_id = ${b}.session_id`;

/**
 * CTEs that fold a statement's newly stored events (`source`) into the day sets, for ingest.
 * Runs after the batch's users were locked (lockUsersSql), so the statement's snapshot holds every
 * committed day of those users and no other transaction is changing them:
 * - a new day row gets its previous day right away: the later of its subject's latest stored day
 *   before it and the batch's own previous day (no insert-then-update);
 * - the stored row right after new days (a late event filling a gap) moves its link to the latest
 *   of them; in time-ordered ingest there is none;
 * - the histogram moves by +1 per new link and −1 per replaced one.
 */
export const maintainDaySetsSql = (source: string) => `
day_facts as (${dayCandidatesSql(source)}),
linked_facts as (
  select f.*, coalesce(greatest(
      lag(f.day) over (partition by f.user_id_hash, f.kind, f.phase_key, f.channel_key,
        f.session_id order by f.day),
      (select max(d.day) from kpi_days d where ${SAME_SUBJECT('d', 'f')} and d.day < f.day)
    ), '-infinity'::date) as prev_day
  from day_facts f
),
fresh_days as (
  -- the rows the conflict check lets through are the new days (an index probe each)
  insert into kpi_days (${SUBJECT}, day, prev_day)
  select ${SUBJECT}, day, prev_day from linked_facts
  order by user_id_hash, kind, phase_key, channel_key, session_id, day
  on conflict do nothing
  returning ${SUBJECT}, day, prev_day
),
relinked_days as materialized (
  select n.user_id_hash, n.kind, n.phase_key, n.channel_key, n.session_id, n.day,
    n.prev_day as old_prev, max(f.day) as new_prev
  from fresh_days f
  cross join lateral (
    select d.* from kpi_days d where ${SAME_SUBJECT('d', 'f')} and d.day > f.day
    order by d.day limit 1
  ) as n
  group by 1, 2, 3, 4, 5, 6, 7
),
moved_links as (
  update kpi_days d set prev_day = r.new_prev
  from relinked_days r
  where ${SAME_SUBJECT('d', 'r')} and d.day = r.day
),
link_counts as (
  insert into kpi_day_links as l (kind, phase_key, channel_key, day, prev_day, subjects)
  select kind, phase_key, channel_key, day, prev_day, sum(delta)
  from (
    select kind, phase_key, channel_key, day, prev_day, 1 as delta from fresh_days
    union all
    select kind, phase_key, channel_key, day, new_prev, 1 from relinked_days
    union all
    select kind, phase_key, channel_key, day, old_prev, -1 from relinked_days
  ) as deltas
  group by 1, 2, 3, 4, 5
  having sum(delta) <> 0
  order by 1, 2, 3, 4, 5
  on conflict (kind, phase_key, channel_key, day, prev_day)
    do update set subjects = l.subjects + excluded.subjects
)`;

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
