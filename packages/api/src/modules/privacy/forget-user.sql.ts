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

/**
 * A global count table the user's day rows feed (a reference table on Citus): `share` reads the
 * user's part of it from kpi_days, to subtract before the rows go. The rows are read first and
 * written back as JSON: Citus does not update a reference table from a distributed table's rows
 * in one statement.
 */
export interface UserShare {
  name: string;
  table: string;
  /** The table's key columns with their types, as `json_to_recordset` needs them. */
  key: readonly [column: string, type: string][];
  /** The count column. */
  count: string;
  /** Parameter `:user`; answers the key columns (dates as text) and the count. */
  share: string;
}

/** The user's share of the kpi_day_links histogram: their rows per (day, previous day). */
const dayLinks: UserShare = {
  name: 'DayLinks',
  table: 'kpi_day_links',
  key: [
    ['kind', 'text'],
    ['phase_key', 'text'],
    ['channel_key', 'text'],
    ['day', 'date'],
    ['prev_day', 'date'],
  ],
  count: 'subjects',
  share: `
select kind, phase_key, channel_key, day::text as day, prev_day::text as prev_day,
  count(*)::int as subjects
from kpi_days where user_id_hash = :user
group by 1, 2, 3, 4, 5`,
};

/**
 * The user's share of the cohort cells (modules/kpi/cohort-cells.sql.ts): per scope and period
 * length, one per (cohort of their first active day, period they were active in).
 */
const cohortCells: UserShare = {
  name: 'CohortCells',
  table: 'kpi_cohort_cells',
  key: [
    ['phase_key', 'text'],
    ['channel_key', 'text'],
    ['period_days', 'smallint'],
    ['cohort', 'date'],
    ['period', 'date'],
  ],
  count: 'users',
  share: `
select phase_key, channel_key, p.period_days,
  date_trunc(p.unit, first_day::timestamp)::date::text as cohort,
  date_trunc(p.unit, day::timestamp)::date::text as period, 1 as users
from (
  select phase_key, channel_key, day,
    min(day) over (partition by phase_key, channel_key) as first_day
  from kpi_days where user_id_hash = :user and kind = 'active'
) as d
cross join ${CELL_PERIODS} as p(period_days, unit)
group by 1, 2, 3, 4, 5`,
};

export const USER_SHARES = [dayLinks, cohortCells] as const;

const gone = (s: UserShare, withCount: boolean) => `
with gone as (
  select * from json_to_recordset(:share::json) as g(${[
    ...s.key.map(([column, type]) => `${column} ${type}`),
    ...(withCount ? [`${s.count} integer`] : []),
  ].join(', ')})
)`;
const sameKey = (s: UserShare) =>
  `(${s.key.map(([c]) => `t.${c}`).join(', ')}) = (${s.key.map(([c]) => `gone.${c}`).join(', ')})`;

/** Parameter `:share`: the rows `s.share` returned, as JSON. */
export const subtractShareSql = (s: UserShare) => `${gone(s, true)}
update ${s.table} as t set ${s.count} = t.${s.count} - gone.${s.count}
from gone
where ${sameKey(s)}`;

/** The rows the subtraction took to 0 (or below) go. Parameter `:share`, as above. */
export const deleteEmptySharesSql = (s: UserShare) => `${gone(s, false)}
delete from ${s.table} as t using gone
where ${sameKey(s)} and t.${s.count} <= 0`;

/**
 * Failed items have no user column (a rejected item may not even have a valid one): an item
 * names the user when its payload holds the hash as a whole JSON string, `"<hash>"`. The hash
 * rule ([A-Za-z0-9_.:-]) needs no JSON escaping, and a prefix (`u_1` in `"u_12"`) never matches.
 */
export const deleteUserFailedItemsSql = `
delete from telemetry_failed_items where position(:quoted in payload) > 0`;
