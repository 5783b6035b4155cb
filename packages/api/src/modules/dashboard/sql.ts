import {
  ACTIVITY_EVENTS,
  DEPENDENCY_SIGNAL_EVENTS,
  SUBSCRIPTION_CANCEL,
  SUBSCRIPTION_START,
} from '@cortex-telemetry/events';

/**
 * SQL pieces of the dashboard's reads of the raw tables. The reads bind `:name` parameters
 * through `runSql` (db/sql.ts, reads under the request's statement timeout), filter with the
 * KPIs' `filterSql`, and group per `user_id_hash` before anything crosses users, so they can run
 * on tables distributed by that column.
 */
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** The activity set and the dependency signals of docs/kpis.md, from the one catalog. */
export const ACTIVITY_SQL = `event_name in (${list(ACTIVITY_EVENTS)})`;
export const DEPENDENCY_SQL = `event_name in (${list(DEPENDENCY_SIGNAL_EVENTS)})`;
export const MONETIZATION_SQL = `event_name in ('${SUBSCRIPTION_START}', '${SUBSCRIPTION_CANCEL}')`;
export { SUBSCRIPTION_CANCEL, SUBSCRIPTION_START };

/** A UTC calendar day as text, so no driver turns it into local time. */
export const UTC_DAY = `(("timestamp" at time zone 'UTC')::date)::text`;
