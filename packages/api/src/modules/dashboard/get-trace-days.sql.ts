import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import type { KpiFilter } from '../kpi/query.js';
import { filterSql } from '../kpi/query.js';
import { UTC_DAY } from './sql.js';

/**
 * One operation's traces per UTC day in [from, to): count, success rate and interpolated
 * percentiles (percentile_cont, as `traceStats`), read through the (operation_name, timestamp)
 * index.
 */
const SQL = `
select ${UTC_DAY} as day, count(*)::int as count,
  (count(*) filter (where success))::float8 / count(*) as success_rate,
  percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration_ms) as percentiles,
  max(duration_ms) as max_duration_ms
from telemetry_traces
where operation_name = :operationName and "timestamp" >= :from and "timestamp" < :to
  and ${filterSql()}
group by 1
order by 1`;

export interface TraceDayRow {
  day: string;
  count: number;
  success_rate: number;
  percentiles: number[];
  max_duration_ms: number;
}

export const getTraceDays = (
  em: EntityManager,
  operationName: string,
  range: { from: Date; to: Date },
  filter: KpiFilter,
) =>
  runSql<TraceDayRow>(
    em,
    SQL,
    {
      operationName,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      phase: filter.phase,
      channel: filter.channel,
    },
    { name: 'getTraceDays', read: true },
  );
