/**
 * Annotations (docs/api.md#annotations): dated notes on the daily charts. A reference table on
 * Citus (no user column, a few rows), so every statement here runs as on one node.
 */

/** The row every statement answers. */
export interface AnnotationRow {
  id: string;
  day: string;
  text: string;
  createdAt: Date;
}

/** Parameters `:from`, `:to` (UTC days, inclusive; null = open). Oldest day first. */
export const listAnnotationsSql = `
select id, day::text as day, text, created_at as "createdAt"
from annotations
where (:from::date is null or day >= :from::date) and (:to::date is null or day <= :to::date)
order by day, created_at, id`;

/**
 * Parameters `:id` (given by the server), `:day`, `:text`. The text form of the day is taken
 * outside RETURNING: Citus refuses a non-immutable expression (`day::text`) there.
 */
export const insertAnnotationSql = `
with added as (insert into annotations (id, day, text) values (:id::uuid, :day::date, :text)
  returning id, day, text, created_at)
select id, day::text as day, text, created_at as "createdAt" from added`;

/** Parameter `:id`. Answers the deleted row, none when there was no such annotation. */
export const deleteAnnotationSql = `
with gone as (delete from annotations where id = :id::uuid returning id, day, text, created_at)
select id, day::text as day, text, created_at as "createdAt" from gone`;
