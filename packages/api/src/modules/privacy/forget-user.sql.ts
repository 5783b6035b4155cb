import { CELL_PERIODS } from '../kpi/cohort-cells.sql.js';

/**
 * Erasing one user (docs/privacy.md#erasing-a-user). Every statement is keyed by
 * `user_id_hash`, so on tables distributed by user each one runs on a single shard; the day-set
 * histogram is corrected from the user's own rows before they go, because a user's day sets link
 * only to that user's (or that user's sessions') days: no other subject's links change.
 * Parameter of every statement: `:user`.
 */
export const deleteUserRowsSql = (table: string) =>
  `delete from ${table} where user_id_hash = :user`;

/** The user's share of the kpi_day_links histogram, to subtract before the rows go. */
export const getUserDayLinksSql = `
select kind, phase_key, channel_key, day::text as day, prev_day::text as prev_day,
  count(*)::int as subjects
from kpi_days where user_id_hash = :user
group by 1, 2, 3, 4, 5`;

/** Parameter `:links`: the rows getUserDayLinksSql returned, as JSON. */
export const subtractDayLinksSql = `
with gone as (
  select * from json_to_recordset(:links::json) as g(kind text, phase_key text,
    channel_key text, day date, prev_day date, subjects integer)
)
update kpi_day_links as l set subjects = l.subjects - gone.subjects
from gone
where (l.kind, l.phase_key, l.channel_key, l.day, l.prev_day)
  = (gone.kind, gone.phase_key, gone.channel_key, gone.day, gone.prev_day)`;

export const deleteEmptyDayLinksSql = `
with gone as (
  select * from json_to_recordset(:links::json) as g(kind text, phase_key text,
    channel_key text, day date, prev_day date)
)
delete from kpi_day_links as l using gone
where (l.kind, l.phase_key, l.channel_key, l.day, l.prev_day)
  = (gone.kind, gone.phase_key, gone.channel_key, gone.day, gone.prev_day)
  and l.subjects <= 0`;

/**
 * The user's share of the cohort cells (modules/kpi/cohort-cells.sql.ts): per scope and period
 * length, one per (cohort of their first active day, period they were active in), to subtract
 * before their day rows go. The rows are read first and written as JSON, as for the links: a
 * reference table is not updated from a distributed one's rows in one statement on Citus.
 */
export const getUserCohortCellsSql = `
select phase_key, channel_key, p.period_days,
  date_trunc(p.unit, first_day::timestamp)::date::text as cohort,
  date_trunc(p.unit, day::timestamp)::date::text as period, 1 as users
from (
  select phase_key, channel_key, day,
    min(day) over (partition by phase_key, channel_key) as first_day
  from kpi_days where user_id_hash = :user and kind = 'active'
) as d
cross join ${CELL_PERIODS} as p(period_days, unit)
group by 1, 2, 3, 4, 5`;

/** Parameter `:cells`: the rows getUserCohortCellsSql returned, as JSON. */
export const subtractCohortCellsSql = `
with gone as (
  select * from json_to_recordset(:cells::json) as g(phase_key text, channel_key text,
    period_days smallint, cohort date, period date, users integer)
)
update kpi_cohort_cells as c set users = c.users - gone.users
from gone
where (c.phase_key, c.channel_key, c.period_days, c.cohort, c.period)
  = (gone.phase_key, gone.channel_key, gone.period_days, gone.cohort, gone.period)`;

export const deleteEmptyCohortCellsSql = `
with gone as (
  select * from json_to_recordset(:cells::json) as g(phase_key text, channel_key text,
    period_days smallint, cohort date, period date)
)
delete from kpi_cohort_cells as c using gone
where (c.phase_key, c.channel_key, c.period_days, c.cohort, c.period)
  = (gone.phase_key, gone.channel_key, gone.period_days, gone.cohort, gone.period)
  and c.users <= 0`;

/**
 * Failed items have no user column (a rejected item may not even have a valid one): an item
 * names the user when its payload holds the hash as a whole JSON string, `"<hash>"`. The hash
 * rule ([A-Za-z0-9_.:-]) needs no JSON escaping, and a prefix (`u_1` in `"u_12"`) never matches.
 */
export const deleteUserFailedItemsSql = `
delete from telemetry_failed_items where position(:quoted in payload) > 0`;
