import { scopeSql } from './scope.js';

/**
 * The comeback day set (docs/kpis.md, "Where the numbers come from"). For each scope and user,
 * the active days on which the user came back after at least COMEBACK_DAYS whole idle days — an
 * active-day row (d, p) with p a real day and d − p − 1 ≥ 7 — kept in kpi_days as kind
 * 'comeback' (session_id ''), each linked to the user's previous comeback day, with its
 * (day, previous comeback day) histogram in kpi_day_links like every day set. So the users
 * resurrected in a window (k = 7, the default) are a histogram sum — the comeback rows whose
 * previous comeback lies before the window — instead of a distinct count over the window's
 * comeback rows.
 *
 * Unlike the other sets it follows from the active set's links, not from events, and it can
 * shrink: a late event that fills a gap turns the comeback after it into an ordinary day. So it
 * is derived from the active rows a fold (or a read's pending tail) re-links — relinkedSql's
 * columns: kind, SUBJECT, day, old_prev (null when new), is_new, new_prev — in three steps:
 * - comebackMarksSql: the active rows whose comeback status changes: a day that becomes a
 *   comeback (`comeback`) or stops being one (not `comeback`);
 * - comebackRelinkedSql: each marked user's comeback timeline re-linked — its stored comeback
 *   days less the removed, plus the added — and only the rows that change: added (is_new),
 *   removed, or stored with a new link;
 * - comebackDeltasSql: the histogram's +1 per new link and −1 per removed or replaced one.
 * Joins and windows are by user first, so they run distributed by user_id_hash.
 */
export const COMEBACK_DAYS = 7;

/** Whether an active day `day` whose previous active day is `prev` is a comeback. */
const isComeback = (day: string, prev: string) =>
  `(${prev} > '-infinity'::date and ${prev} <= ${day} - ${COMEBACK_DAYS + 1})`;

const SAME_USER_SCOPE = (a: string, b: string) =>
  `${a}.user_id_hash = ${b}.user_id_hash and ${a}.phase_key = ${b}.phase_key
    and ${a}.channel_key = ${b}.channel_key`;

/** Columns: phase_key, channel_key, user_id_hash, day, comeback (true: added, false: removed). */
export const comebackMarksSql = (changed: string) => `
  select phase_key, channel_key, user_id_hash, day, ${isComeback('day', 'new_prev')} as comeback
  from ${changed}
  where kind = 'active'
    and ${isComeback('day', 'new_prev')}
      <> (not is_new and coalesce(${isComeback('day', 'old_prev')}, false))`;

/**
 * Columns: phase_key, channel_key, user_id_hash, day, old_prev (null when added), is_new,
 * removed, new_prev (null when removed). `storedWhere` restricts the stored comeback rows `d`
 * read (a read's scope and end). Stored rows and marks meet in one grouped timeline (a mark of
 * removal and its stored row make one removed row) rather than through an outer join, so the
 * planner never loops over the marks per stored row. The removed rows form a partition of
 * their own, so `lag` links every kept or added day to the previous kept or added one.
 */
export const comebackRelinkedSql = (marks: string, storedWhere = 'true') => `
  select * from (
    select g.*, case when removed then null else coalesce(lag(day) over (partition by
      user_id_hash, phase_key, channel_key, removed order by day), '-infinity'::date) end as new_prev
    from (
      select phase_key, channel_key, user_id_hash, day, max(old_prev) as old_prev,
        bool_or(is_new) as is_new, bool_or(removal) as removed
      from (
        select d.phase_key, d.channel_key, d.user_id_hash, d.day, d.prev_day as old_prev,
          false as is_new, false as removal
        from kpi_days d
        join (select distinct phase_key, channel_key, user_id_hash from ${marks}) as s
          on ${SAME_USER_SCOPE('d', 's')}
        where d.kind = 'comeback' and d.session_id = '' and ${storedWhere}
        union all
        select phase_key, channel_key, user_id_hash, day, null, comeback, not comeback
        from ${marks}
      ) as t
      group by user_id_hash, phase_key, channel_key, day
    ) as g
  ) as linked
  where is_new or removed or old_prev <> new_prev`;

/** Columns as linkDeltasSql's: kind ('comeback'), phase_key, channel_key, day, prev_day, delta. */
export const comebackDeltasSql = (changed: string) => `
  select 'comeback' as kind, phase_key, channel_key, day, new_prev as prev_day, 1 as delta
  from ${changed} where not removed
  union all
  select 'comeback', phase_key, channel_key, day, old_prev, -1 from ${changed} where not is_new`;

/**
 * The comeback part of a read's pending tail; needs pendingTailSql's CTEs in front (with the
 * 'active' kind and no `from`: a pending day long before the window can move a comeback in it).
 * `pending_comeback_changed` (comebackRelinkedSql's columns) and `pending_comeback_links`
 * (kind, day, prev_day, subjects) are to the comeback set what `pending_changed` and
 * `pending_links` are to the others.
 */
export const pendingComebackTailSql = `
pending_comeback_marks as (${comebackMarksSql('pending_changed')}
),
pending_comeback_changed as materialized (${comebackRelinkedSql(
  'pending_comeback_marks',
  `${scopeSql('d.')} and d.day < :endDay::date`,
)}
),
pending_comeback_links as (
  select kind, day, prev_day, delta as subjects from (${comebackDeltasSql('pending_comeback_changed')}
  ) as deltas
)`;

/**
 * The comeback rows of kpi_days rebuilt from its active rows (the day-set rebuild's step after
 * the active rows are in; the migration that introduced the set inlines a frozen copy).
 */
export const rebuildComebackDaysSql = `
  insert into kpi_days (kind, phase_key, channel_key, user_id_hash, session_id, day, prev_day)
  select 'comeback', phase_key, channel_key, user_id_hash, '', day,
    coalesce(lag(day) over (partition by user_id_hash, phase_key, channel_key order by day),
      '-infinity'::date)
  from kpi_days
  where kind = 'active' and ${isComeback('day', 'prev_day')}`;
