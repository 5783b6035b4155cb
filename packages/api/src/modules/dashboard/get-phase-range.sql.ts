import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';

/**
 * The first and last UTC day with any event of a phase, so a dashboard whose window holds no
 * data can say when the phase's data ends and offer its last window instead of a row of zeros.
 * Each end is one step along the `("timestamp", id)` index until a row of the phase turns up.
 */
const SQL = `
select
  (select ((min_row."timestamp" at time zone 'UTC')::date)::text from (
     select "timestamp" from telemetry_events where phase = :phase order by "timestamp" asc limit 1
   ) min_row) as first_day,
  (select ((max_row."timestamp" at time zone 'UTC')::date)::text from (
     select "timestamp" from telemetry_events where phase = :phase order by "timestamp" desc limit 1
   ) max_row) as last_day`;

export interface PhaseRangeRow {
  first_day: string | null;
  last_day: string | null;
}

export async function getPhaseRange(em: EntityManager, phase: string): Promise<PhaseRangeRow> {
  const [row] = await runSql<PhaseRangeRow>(
    em,
    SQL,
    { phase },
    { name: 'getPhaseRange', read: true },
  );
  return row ?? { first_day: null, last_day: null };
}
