import { isoMillis } from '../analytics/filters.sql.js';

/** Cursor text keeps microseconds, so the keyset condition compares what the sort compares. */
const SORT_RECEIVED_AT = `to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * A page of failed items, newest first, keyset-paginated on (received_at, id). Every filter is
 * a nullable parameter: an absent one folds away at plan time. ORDER BY qualifies the columns,
 * since the bare names would sort by the text aliases selected here. Parameters: `:pipeline`,
 * `:from`, `:to`, `:afterReceivedAt`, `:afterId`, `:limit`.
 */
export const listFailedItemsSql = `
select id::text as id, ${isoMillis('received_at')} as received_at,
  ${SORT_RECEIVED_AT} as sort_received_at, pipeline, mutation, item_index, reason, payload,
  payload_truncated, ${isoMillis('replayed_at')} as replayed_at, replays
from telemetry_failed_items
where (:pipeline::text is null or pipeline = :pipeline)
  and (:from::timestamptz is null or received_at >= :from::timestamptz)
  and (:to::timestamptz is null or received_at < :to::timestamptz)
  and (:afterReceivedAt::timestamptz is null
    or (received_at, id) < (:afterReceivedAt::timestamptz, :afterId::bigint))
order by telemetry_failed_items.received_at desc, telemetry_failed_items.id desc
limit :limit`;
