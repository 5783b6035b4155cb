import {
  ACTIVITY_EVENTS,
  DEPENDENCY_SIGNAL_EVENTS,
  RESURRECTION_SIGNAL_EVENTS,
} from '@cortex-telemetry/events';
import {
  CELL_PERIODS,
  cohortCellDeltaCtesSql,
  foldCohortCellsSql,
  rebuildCohortCellsSql,
} from './cohort-cells.sql.js';
import {
  comebackDeltasSql,
  comebackMarksSql,
  comebackRelinkedSql,
  rebuildComebackDaysSql,
} from './comeback-days.sql.js';
import { filterSql } from './query.js';
import { scopeSql } from './scope.js';

/**
 * KPI day sets (design: docs/kpis.md, "Where the numbers come from"). Every KPI is a question
 * about sets of days — the days a user was active, the days a session had events, had a
 * dependency event, the days a user resumed from context — seen through a filter scope. So
 * `kpi_days` holds one presence row per (kind, scope, subject, day) with a link to the
 * subject's previous day of the same kind, and `kpi_day_links` counts rows per (day, previous
 * day).
 *
 * Why links: "first day of a subject inside [S, E)" is exactly a row with day ∈ [S, E) and
 * previous day < S, so distinct counts over any window (WAU, MAU, active users, sessions,
 * dependent sessions) are sums over the histogram; a resurrection on day d is a row whose gap
 * d − previous − 1 is at least k. No KPI has to de-duplicate per-user rows at read time.
 *
 * Scopes: each event lands in four — no filter, its phase, its channel, both — written as
 * (phase_key, channel_key) with '*' for "any", so a filtered KPI is an equality on the scope.
 *
 * Upkeep is split in two (the pattern of real-time continuous aggregates):
 * - ingest only notes, in the statement that stores the events, one `kpi_pending` row per
 *   (user, session, day, phase, channel) of the rows it actually inserted (noteDayFactsSql);
 * - a fold claims every pending row and merges it into the day sets in one set-based statement
 *   (foldPendingSql), run by a background folder;
 * - a KPI read never waits for a fold: it reads the folded day sets plus, computed on the fly
 *   and without writing, what the still-pending facts change in its one scope (pendingTailSql).
 *   Both come from the read's one snapshot (on Citus, between two fold commits:
 *   foldCommitLockSql), so a fact is counted exactly once — pending, or folded — and a batch
 *   whose response was sent is always counted (read-after-write).
 */
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** One row per (user, session, day, phase, channel) with the kinds its events imply. */
const factFlags = `
  bool_or(event_name in (${list(ACTIVITY_EVENTS)})) as active,
  bool_or(event_name in (${list(RESURRECTION_SIGNAL_EVENTS)})) as resumed,
  bool_or(event_name in (${list(DEPENDENCY_SIGNAL_EVENTS)})) as dependency`;

/** Facts → (kind, scope, subject, day) rows; `f` exposes the fact columns above. */
const expandKinds = `
  cross join lateral (values
    ('active', '', f.active),
    ('resumed', '', f.resumed),
    ('session', f.session_id, f.session_id <> ''),
    ('dependency', f.session_id, f.session_id <> '' and f.dependency)
  ) as k(kind, session_id, applies)`;
const expandFacts = `${expandKinds}
  cross join lateral (values ('*', '*'), (f.phase, '*'), ('*', f.channel), (f.phase, f.channel))
    as s(phase_key, channel_key)
  where k.applies`;

/**
 * The CTE ingest appends to its insert: the facts of the rows `source` returned (only rows
 * actually stored, so a duplicate never adds a day). Facts that imply no kind (no session, not
 * an activity or resume) are not noted. Parameter-free; grouped by user first.
 */
export const noteDayFactsSql = (source: string) => `
noted_facts as (
  insert into kpi_pending (user_id_hash, session_id, day, phase, channel, active, resumed,
    dependency)
  select user_id_hash, session_id, ("timestamp" at time zone 'UTC')::date, phase, channel,
    ${factFlags}
  from ${source}
  group by 1, 2, 3, 4, 5
  having session_id <> '' or bool_or(event_name in (${list([...ACTIVITY_EVENTS, ...RESURRECTION_SIGNAL_EVENTS])}))
)`;

/** The kinds of day set; a read names the ones it needs (pendingTailSql). */
export type DayKind = 'active' | 'resumed' | 'session' | 'dependency';

const SUBJECT = 'kind, phase_key, channel_key, user_id_hash, session_id';
const SAME_SUBJECT = (a: string, b: string) =>
  `${a}.user_id_hash = ${b}.user_id_hash and ${a}.kind = ${b}.kind and ${a}.phase_key = ${b}.phase_key
    and ${a}.channel_key = ${b}.channel_key and ${a}.session_id = ${b}.session_id`;

/**
 * The (SUBJECT, day) rows of `facts` not in kpi_days yet. An EXCEPT of the ones stored, not an
 * anti-join: on Citus the facts are an intermediate result, and an outer join from one to
 * kpi_days would pull the day sets to the coordinator.
 *
 * The stored ones are found with one primary-key probe per fact, a lateral subquery grouped by
 * user (which the planner cannot flatten into a join, and Citus can run distributed), whatever
 * the planner thinks the facts number. As a join, it was planned from the estimate of the
 * claimed rows, which follows kpi_pending's size on disk: a queue that every fold empties
 * bloats between vacuums, and at 92k estimated rows for 2,000 real ones the fold hashed all of
 * kpi_days (1.2M rows, 1.5 s of a 1.9 s fold in `bench:soak`, more as the table grows).
 */
const newDaysSql = (facts: string) => `
  select * from ${facts}
  except
  select f.* from ${facts} f
  cross join lateral (
    select 1 from kpi_days d where ${SAME_SUBJECT('d', 'f')} and d.day = f.day
    group by d.user_id_hash
  ) as stored`;

/**
 * Two CTEs, `${name}_around` and `${name}`: the subjects of `facts` (SUBJECT, day: pending days,
 * stored or not) with a new day re-linked — their new days and the stored days (those
 * `storedWhere` keeps) around them in one timeline, each linked to its previous day with `lag`,
 * and only the rows that are new or whose link changed. `${name}`'s columns: SUBJECT, day,
 * old_prev (null when new), is_new, new_prev.
 *
 * Only the neighbourhood of the new days is read, not the whole timeline, and the same read
 * tells which facts are new: `${name}_around` is each subject's stored days from its first fact's
 * day on (one primary-key range read per subject) merged by day with the facts — a fact with no
 * stored row that day is new. With f a subject's first new day, a stored day before f keeps its
 * link (no new day precedes it), so only days from f on are returned, and the day before f in the
 * timeline is the anchor, the first new day's `lag`: the last stored day before f read above, or,
 * when none was (f is the subject's first fact), the last stored day before f, a `max` per
 * subject grouped by user (on Citus a lateral subquery referencing an intermediate result must be
 * grouped: no lateral LIMIT, no correlated scalar subquery), an index-only range read. A
 * subject's new days are mostly its latest, so that is a day or two instead of months of history,
 * and a fact of a day already stored costs its subject's one range read. Windows and joins are by
 * user first, so it runs distributed by user_id_hash.
 */
const relinkedSql = (name: string, facts: string, storedWhere = 'true') => {
  const subjectsWithNewDays = (where: string) => `(
    select ${SUBJECT}, min(day) filter (where is_new) as first_new, min(day) as first_day
    from ${name}_around
    group by user_id_hash, kind, phase_key, channel_key, session_id
    having ${where}) as s`;
  return `
${name}_around as materialized (
  select ${SUBJECT}, day, max(old_prev) as old_prev, bool_and(is_fact) as is_new
  from (
    select d.kind, d.phase_key, d.channel_key, d.user_id_hash, d.session_id, d.day,
      d.prev_day as old_prev, false as is_fact
    from kpi_days d
    join (select ${SUBJECT}, min(day) as first_fact from ${facts}
      group by user_id_hash, kind, phase_key, channel_key, session_id) as s
      on ${SAME_SUBJECT('d', 's')} and d.day >= s.first_fact
    where ${storedWhere}
    union all
    select ${SUBJECT}, day, null, true from ${facts}
  ) as u
  group by user_id_hash, kind, phase_key, channel_key, session_id, day
),
${name} as materialized (
  select kind, phase_key, channel_key, user_id_hash, session_id, day, old_prev, is_new, new_prev
  from (
    select t.*, coalesce(lag(day) over (partition by user_id_hash, kind, phase_key, channel_key,
      session_id order by day), '-infinity'::date) as new_prev
    from (
      select a.kind, a.phase_key, a.channel_key, a.user_id_hash, a.session_id, a.day,
        a.old_prev, a.is_new, a.day < s.first_new as is_anchor
      from ${name}_around a
      join ${subjectsWithNewDays('bool_or(is_new)')} on ${SAME_SUBJECT('a', 's')}
      union all
      select s.kind, s.phase_key, s.channel_key, s.user_id_hash, s.session_id, x.day, null,
        false, true
      from ${subjectsWithNewDays('min(day) filter (where is_new) = min(day)')}
      cross join lateral (
        select max(d.day) as day from kpi_days d
        where ${SAME_SUBJECT('d', 's')} and d.day < s.first_new and ${storedWhere}
        group by d.user_id_hash
      ) as x
    ) as t
  ) as linked
  where not is_anchor and (is_new or old_prev <> new_prev)
)`;
};

/** The histogram's delta of re-linked rows (relinkedSql): +1 per new link, −1 per replaced one. */
const linkDeltasSql = (changed: string) => `
  select kind, phase_key, channel_key, day, new_prev as prev_day, 1 as delta from ${changed}
  union all
  select kind, phase_key, channel_key, day, old_prev, -1 from ${changed} where not is_new`;

/**
 * Which folds may run at once (see foldPendingSql), with transaction-scoped advisory locks:
 * - a fold of every pending fact, and anything else that must not meet a fold (forgetting a
 *   user), takes `kpi_fold` exclusively (foldLockSql);
 * - a fold of one lane — the users whose hash falls in it (FoldLane) — takes `kpi_fold` shared
 *   and its lane's own lock exclusively (foldLaneLockSql): folds of different lanes run side by
 *   side, two of one lane never, and neither beside a fold of everything.
 */
const FOLD_LOCK = "hashtextextended('kpi_fold', 0)";
export const foldLockSql = `select pg_advisory_xact_lock(${FOLD_LOCK})`;
/** The lock a fold of `lane` takes: foldLockSql when the lane is every user. */
export const foldLaneLockSql = (lane: FoldLane) =>
  lane.count === 1
    ? foldLockSql
    : `select pg_advisory_xact_lock_shared(${FOLD_LOCK}),
    pg_advisory_xact_lock(hashtextextended('kpi_fold_lane', ${lane.index}))`;

/**
 * A share of the users for a fold of its own: lane `index` of `count` holds the users whose
 * hashtext(user_id_hash), made non-negative, is `index` modulo `count`. A user's facts always
 * fall in the same lane, so folds of different lanes never write the same user's day rows; what
 * they share, the histogram and the cohort cells, they only add to, each in one order (sorted
 * upserts), so one waits at most for the other's commit and they cannot deadlock.
 */
export interface FoldLane {
  index: number;
  count: number;
}

const laneWhereSql = (lane: FoldLane) => {
  if (!Number.isInteger(lane.count) || lane.count < 1) throw new Error('lane count must be ≥ 1');
  if (!Number.isInteger(lane.index) || lane.index < 0 || lane.index >= lane.count) {
    throw new Error(`lane index must be in [0, ${lane.count})`);
  }
  return lane.count === 1
    ? 'true'
    : `mod(hashtext(user_id_hash) & 2147483647, ${lane.count}) = ${lane.index}`;
};

/**
 * On Citus, a KPI read is not one snapshot: the planner runs its CTEs and subqueries as
 * subplans one after another, each statement on the workers with a snapshot of its own, and a
 * distributed commit becomes visible node by node. A fold committing in between would leave a
 * fact in neither the pending tail nor the day sets (or in both). So there, a transaction that
 * moves facts between them (a fold, forgetting a user) takes this lock just before it commits,
 * and every read that adds the pending tail holds it shared for its statement
 * (foldCommitSharedLockSql): reads never see a commit half done, and wait at most for one
 * commit, never for a whole fold. The lock is held until the commit has reached every node
 * (Citus finishes a distributed commit before PostgreSQL releases the transaction's locks).
 * Plain PostgreSQL reads one snapshot per statement and takes neither lock: `from pg_extension`
 * keeps the call to the one row there is on Citus, none elsewhere.
 */
const onCitusOnly = "from pg_extension where extname = 'citus'";
const FOLD_COMMIT_LOCK = "hashtextextended('kpi_fold_commit', 0)";
export const foldCommitLockSql = `select pg_advisory_xact_lock(${FOLD_COMMIT_LOCK}) ${onCitusOnly}`;
/** See foldCommitLockSql: the reads' side, as `runSql`'s `prelude` of a KPI read. */
export const foldCommitSharedLockSql = `select pg_advisory_xact_lock_shared(${FOLD_COMMIT_LOCK}) ${onCitusOnly}`;

/**
 * Claims every pending fact (of one lane: foldLaneSql) and merges it into the day sets, in one
 * statement. Must run in a transaction that took foldLockSql (foldLaneLockSql) first: folds of
 * the same users are then serial, so this statement's snapshot (taken after the lock) holds
 * every committed day and every pending fact committed before it, and nobody else changes those
 * users' kpi_days rows meanwhile.
 * - Claim and fold commit together (`delete … returning`): a crash or error leaves the facts
 *   pending, a commit removes exactly the facts it folded; facts committed later stay pending
 *   (no sequence watermark, so an ingest transaction that commits late is never skipped).
 * - Only (kind, scope, subject, day) rows not stored yet are new, looked up in two steps: a
 *   fact's row in its own (phase, channel) scope first, then the three broader scopes only of
 *   the facts whose own row is new. A stored own-scope row implies its three broader rows (every
 *   fold inserts a fact's four together, and only forgetting a user deletes, all of them), so a
 *   fact of a day already folded — most of them under sustained ingest, which notes a user's
 *   day again with every batch — costs one probe per kind instead of four.
 * - A subject with new days gets
 *   its timeline from the last stored day before its first new day re-linked with `lag`
 *   (relinkedSql), and only rows whose link changed are written: new days inserted, the stored day after a filled gap moved.
 * - The histogram moves by +1 per new link and −1 per replaced one.
 * - The comeback set follows the re-linked active rows (comeback-days.sql.ts): comeback days
 *   added or removed, their users' comeback timelines re-linked, the histogram moved likewise.
 * - The cohort cells follow the new active rows (cohort-cells.sql.ts).
 * Plain joins and window functions partitioned by user only (no correlated subqueries), so it
 * can run distributed by user_id_hash. Returns how many facts it folded, their lag, and how many
 * day rows it added.
 */
const foldSql = (claimWhere: string) => `
with claimed as (
  delete from kpi_pending
  where ${claimWhere}
  returning user_id_hash, session_id, day, phase, channel, active, resumed, dependency, noted_at
),
exact_facts as (
  select distinct k.kind, f.phase as phase_key, f.channel as channel_key, f.user_id_hash,
    k.session_id, f.day
  from claimed as f
  ${expandKinds}
  where k.applies
),
exact_new as (${newDaysSql('exact_facts')}
),
broader_facts as (
  select distinct e.kind, s.phase_key, s.channel_key, e.user_id_hash, e.session_id, e.day
  from exact_new as e
  cross join lateral (values ('*', '*'), (e.phase_key, '*'), ('*', e.channel_key))
    as s(phase_key, channel_key)
),
relink_facts as (
  select * from exact_new
  union all
  select * from broader_facts
),${relinkedSql('changed', 'relink_facts')},
comeback_marks as (${comebackMarksSql('changed')}
),
comeback_changed as materialized (${comebackRelinkedSql('comeback_marks')}
),
${cohortCellDeltaCtesSql('cohort_deltas', 'changed', 'true', CELL_PERIODS)},
inserted_days as (
  insert into kpi_days (${SUBJECT}, day, prev_day)
  select ${SUBJECT}, day, new_prev from changed where is_new
  union all
  select 'comeback', phase_key, channel_key, user_id_hash, '', day, new_prev
  from comeback_changed where is_new
  order by 4, 1, 2, 3, 5, 6
),
moved_links as (
  update kpi_days d set prev_day = c.new_prev
  from changed c
  where not c.is_new and ${SAME_SUBJECT('d', 'c')} and d.day = c.day
),
moved_comebacks as (
  update kpi_days d set prev_day = c.new_prev
  from comeback_changed c
  where not c.is_new and not c.removed and d.user_id_hash = c.user_id_hash
    and d.kind = 'comeback' and d.phase_key = c.phase_key and d.channel_key = c.channel_key
    and d.session_id = '' and d.day = c.day
),
removed_comebacks as (
  delete from kpi_days d
  using comeback_changed c
  where c.removed and d.user_id_hash = c.user_id_hash and d.kind = 'comeback'
    and d.phase_key = c.phase_key and d.channel_key = c.channel_key and d.session_id = ''
    and d.day = c.day
),
cohort_cells as (${foldCohortCellsSql('cohort_deltas')}
),
link_counts as (
  insert into kpi_day_links as l (kind, phase_key, channel_key, day, prev_day, subjects)
  select kind, phase_key, channel_key, day, prev_day, sum(delta)
  from (${linkDeltasSql('changed')}
    union all${comebackDeltasSql('comeback_changed')}
  ) as deltas
  group by 1, 2, 3, 4, 5
  having sum(delta) <> 0
  order by 1, 2, 3, 4, 5
  on conflict (kind, phase_key, channel_key, day, prev_day)
    do update set subjects = l.subjects + excluded.subjects
)
select coalesce(sum(n), 0)::int as facts,
  coalesce(json_agg(json_build_array(lag_ms, n)), '[]'::json) as lags,
  (select count(*) from changed where is_new)::int as new_days
from (
  -- accepted (the ingest transaction's start) → folded, in whole milliseconds
  select round(extract(epoch from clock_timestamp() - noted_at) * 1000)::int as lag_ms,
    count(*)::int as n
  from claimed group by 1
) as g`;

export const foldPendingSql = foldSql('true');
/** foldPendingSql for one lane's users (FoldLane). */
export const foldLaneSql = (lane: FoldLane) => foldSql(laneWhereSql(lane));
/** Whether anything waits for the fold in a lane: the folder's cheap probe when it may be idle. */
export const lanePendingSql = (lane: FoldLane) =>
  `select exists (select 1 from kpi_pending where ${laneWhereSql(lane)}) as pending`;

/**
 * The pending tail of one scope, as CTEs a KPI read puts in front of its own (the real-time
 * half of a real-time continuous aggregate): the fold's own computation (foldPendingSql),
 * restricted to the read's scope — the `:phase` / `:channel` filter — and `kinds`, to days
 * before `:endDay`, and without writing anything:
 * - `pending_facts` (SUBJECT, day): the pending days of the scope, its keys as phase_key and
 *   channel_key;
 * - `pending_changed` (relinkedSql's columns): the kpi_days rows the fold would insert (is_new)
 *   or re-link (old_prev → new_prev);
 * - `pending_links` (kind, day, prev_day, subjects): the histogram's delta, +1 per new link and
 *   −1 per replaced one, so `kpi_day_links ∪ all pending_links` sums to the folded histogram.
 * Nothing pending makes every CTE empty. Rows on or after `:endDay` are left out: a day there
 * changes no link before it. `from` (a parameter, e.g. `:startDay`) leaves out pending days
 * before it too, for a KPI that provably cannot see them: one that counts links on days from
 * `from` on and only asks whether a link's previous day is before some day ≤ `from` — a pending
 * day before `from` moves such a link from one day before `from` to another (or from
 * −infinity to a real day), which changes none of those answers. Resurrection asks whether a
 * previous day exists at all, so it passes none. The same builders as the fold's (relinkedSql,
 * linkDeltasSql), so the tail is always what the fold would write.
 */
export const pendingTailSql = (kinds: readonly DayKind[], from?: string) => `
pending_facts as (
  select distinct k.kind, coalesce(:phase::text, '*') as phase_key,
    coalesce(:channel::text, '*') as channel_key, f.user_id_hash, k.session_id, f.day
  from kpi_pending as f
  ${expandKinds}
  where k.applies and k.kind in (${list(kinds)}) and f.day < :endDay::date
    ${from ? `and f.day >= ${from}::date` : ''} and ${filterSql('f.')}
),
${relinkedSql('pending_changed', 'pending_facts', `${scopeSql('d.')} and d.day < :endDay::date`)},
pending_links as (
  select kind, day, prev_day, delta as subjects from (${linkDeltasSql('pending_changed')}
  ) as deltas
)`;

/**
 * One subject kind's day rows in the read's scope with their links as the fold would leave them:
 * (user_id_hash, day, prev_day) for days in [`from`, :endDay) — the folded rows the pending tail
 * does not re-link, plus the tail's new and re-linked rows (pendingTailSql's `pending_changed`,
 * which must be in front of it). A read of per-user days (retention) sees pending facts this way,
 * exactly once. User-level kinds only: their rows always have session_id '' (expandKinds), so
 * the folded rows are not filtered on it, and the scope-and-day index of the kind (which does
 * not hold session_id) answers them alone, an index-only scan.
 */
export const linkedDaysSql = (kind: 'active' | 'resumed', from: string) => `
  select d.user_id_hash, d.day, d.prev_day from kpi_days d
  left join pending_changed c on c.user_id_hash = d.user_id_hash and c.kind = '${kind}'
    and c.session_id = '' and c.day = d.day and not c.is_new
  where d.kind = '${kind}' and ${scopeSql('d.')}
    and d.day >= ${from}::date and d.day < :endDay::date and c.user_id_hash is null
  union all
  select user_id_hash, day, new_prev from pending_changed
  where kind = '${kind}' and day >= ${from}::date`;

/** All day sets rebuilt from telemetry_events, nothing left pending (benchmark load, tests). */
export const rebuildDaySetsSql = [
  'truncate kpi_days, kpi_day_links, kpi_pending, kpi_cohort_cells',
  `insert into kpi_days (${SUBJECT}, day, prev_day)
   select ${SUBJECT}, day,
     coalesce(lag(day) over (partition by ${SUBJECT} order by day), '-infinity'::date)
   from (
     select distinct k.kind, s.phase_key, s.channel_key, f.user_id_hash, k.session_id, f.day
     from (
       select user_id_hash, session_id, phase, channel,
         ("timestamp" at time zone 'UTC')::date as day, ${factFlags}
       from telemetry_events
       group by 1, 2, 3, 4, 5
     ) as f
     ${expandFacts}
   ) as c`,
  rebuildComebackDaysSql,
  `insert into kpi_day_links (kind, phase_key, channel_key, day, prev_day, subjects)
   select kind, phase_key, channel_key, day, prev_day, count(*)
   from kpi_days group by 1, 2, 3, 4, 5`,
  rebuildCohortCellsSql,
];
