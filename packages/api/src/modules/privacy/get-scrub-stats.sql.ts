/**
 * `scrubStats`: how often each scrubbing rule fired, per UTC day of receipt and pipeline
 * (docs/privacy.md). An item counts once per rule that fired on it, however many matches.
 * Reads only scrubbed rows (partial index on `received_at where scrub_rules is not null`); each
 * branch groups on its own table before the union, so on tables distributed by user the
 * counting runs on the workers. Parameters: `:from`, `:to` (received_at, half-open).
 */
const branch = (table: string, pipeline: string) => `
  select (received_at at time zone 'UTC')::date as day, rule, '${pipeline}' as pipeline,
    count(*) as items
  from ${table} cross join lateral unnest(scrub_rules) as rule
  where scrub_rules is not null and received_at >= :from::timestamptz and received_at < :to::timestamptz
  group by 1, 2`;

export const getScrubStatsSql = `
select day::text as day, rule, pipeline, items::int as items from (
  ${branch('telemetry_events', 'event')}
  union all ${branch('telemetry_errors', 'error')}
  union all ${branch('telemetry_traces', 'trace')}
  union all ${branch('telemetry_failed_items', 'failed')}
) as s
order by day, rule, pipeline`;
