import {
  ACTIVITY_EVENTS,
  DEPENDENCY_SIGNAL_EVENTS,
  SUBSCRIPTION_CANCEL,
  SUBSCRIPTION_START,
} from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { bindNamed } from '../../db/sql.js';

/**
 * The dashboard's reads of the raw tables. Every query is written with `:name` parameters
 * (the KPI module's `bindNamed`) and groups per `user_id_hash` before anything crosses users,
 * so it can later run on tables distributed by that column.
 */
export function runNamed<T>(
  em: EntityManager,
  sql: string,
  values: Record<string, unknown>,
): Promise<T[]> {
  const [text, params] = bindNamed(sql, values);
  return em.getConnection().execute<T[]>(text, params);
}

/** The KPI filter as SQL on the raw columns; an absent filter folds away at plan time. */
export const rawFilterSql = (alias = '') =>
  `(:phase::text is null or ${alias}phase = :phase) and (:channel::text is null or ${alias}channel = :channel)`;

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** The activity set and the dependency signals of docs/kpis.md, from the one catalog. */
export const ACTIVITY_SQL = `event_name in (${list(ACTIVITY_EVENTS)})`;
export const DEPENDENCY_SQL = `event_name in (${list(DEPENDENCY_SIGNAL_EVENTS)})`;
export const MONETIZATION_SQL = `event_name in ('${SUBSCRIPTION_START}', '${SUBSCRIPTION_CANCEL}')`;
export { SUBSCRIPTION_CANCEL, SUBSCRIPTION_START };

/** A UTC calendar day as text, so no driver turns it into local time. */
export const UTC_DAY = `(("timestamp" at time zone 'UTC')::date)::text`;
