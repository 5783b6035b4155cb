import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import type { KpiFilter } from '../kpi/query.js';
import { filterSql } from '../kpi/query.js';
import { UTC_DAY } from './sql.js';

/**
 * Errors per stack hash and UTC day in [from, to): the small chart beside each error group.
 * With `stackHash` set, only that group (read through the (stack_hash, timestamp) index).
 */
const SQL = `
select stack_hash, ${UTC_DAY} as day, count(*)::int as count
from telemetry_errors
where "timestamp" >= :from and "timestamp" < :to and ${filterSql()}
  and (:stackHash::text is null or stack_hash = :stackHash)
group by 1, 2
order by 1, 2`;

export interface ErrorDayRow {
  stack_hash: string;
  day: string;
  count: number;
}

export const getErrorDays = (
  em: EntityManager,
  range: { from: Date; to: Date },
  filter: KpiFilter,
  stackHash: string | null,
) =>
  runSql<ErrorDayRow>(
    em,
    SQL,
    {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      phase: filter.phase,
      channel: filter.channel,
      stackHash,
    },
    { name: 'getErrorDays', read: true },
  );
