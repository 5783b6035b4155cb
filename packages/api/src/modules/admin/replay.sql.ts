/**
 * The failed items a replay works on (docs/api.md#replaying-failed-items), oldest first, with what
 * it needs to send them again. Parameters: `:ids` (a JSON array of store ids as text).
 * telemetry_failed_items is a reference table on Citus: the JSON set is read on the coordinator.
 */
export const getFailedItemsByIdSql = `
select id::text as id, pipeline, mutation, payload, payload_truncated
from telemetry_failed_items
where id in (select value::bigint from json_array_elements_text(:ids::json))
order by id`;

/**
 * The failed items matching the failed-items list's filter (failed-items.sql.ts), oldest first,
 * at most `:limit` (one more than a replay takes, so a wider filter is refused, never cut).
 * Parameters: `:pipeline`, `:from`, `:to`, `:limit`.
 */
export const getFailedItemsByFilterSql = `
select id::text as id, pipeline, mutation, payload, payload_truncated
from telemetry_failed_items
where (:pipeline::text is null or pipeline = :pipeline)
  and (:from::timestamptz is null or received_at >= :from::timestamptz)
  and (:to::timestamptz is null or received_at < :to::timestamptz)
order by id
limit :limit`;

/** A row of the two queries above. */
export interface ReplayCandidateRow {
  id: string;
  pipeline: string;
  mutation: string;
  payload: string;
  payload_truncated: boolean;
}

/**
 * Appends one replay to each item's history and, where it failed again, makes its new reason the
 * item's. `:rows` is a JSON array of `{ id, reason, entry }`, `entry` a one-element JSON array
 * `[{ at, result, reason }]` built by the caller: Citus refuses STABLE functions such as
 * jsonb_build_object over column references in an UPDATE, and `||` on two jsonb values is
 * immutable. Parameters: `:rows`, `:replayedAt`.
 */
export const recordReplaysSql = `
update telemetry_failed_items f
set reason = coalesce(r.reason, f.reason),
  replayed_at = :replayedAt::timestamptz,
  replays = f.replays || r.entry
from json_to_recordset(:rows::json) as r(id bigint, reason text, entry jsonb)
where f.id = r.id`;
