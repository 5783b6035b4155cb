import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { filterSql } from '../kpi/query.js';
import type { KpiWindow } from '../shared/window.js';

/**
 * The explanation's second half (docs/alerts.md#payload): the error groups (stack hashes) whose
 * occurrences grew most from the previous window to the window, by error time, under the
 * rule's phase and channel. Grouped on the workers on Citus, like `errorGroups`.
 */
const sql = `
select stack_hash, min(error_type) as error_type,
  (count(*) filter (where "timestamp" >= :from::timestamptz))::int as count,
  (count(*) filter (where "timestamp" < :from::timestamptz))::int as previous_count
from telemetry_errors
where "timestamp" >= :previousFrom::timestamptz and "timestamp" < :to::timestamptz
  and ${filterSql()}
group by stack_hash
having count(*) filter (where "timestamp" >= :from::timestamptz)
  > count(*) filter (where "timestamp" < :from::timestamptz)
order by count(*) filter (where "timestamp" >= :from::timestamptz)
  - count(*) filter (where "timestamp" < :from::timestamptz) desc, stack_hash
limit :limit`;

export interface ErrorGrowthRow {
  stack_hash: string;
  error_type: string;
  count: number;
  previous_count: number;
}

export const getErrorGrowth = (
  em: EntityManager,
  window: KpiWindow,
  previous: KpiWindow,
  filter: { phase: string | null; channel: string | null },
  limit: number,
) =>
  runSql<ErrorGrowthRow>(
    em,
    sql,
    {
      previousFrom: previous.from.toISOString(),
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      phase: filter.phase,
      channel: filter.channel,
      limit,
    },
    { name: 'getAlertErrorGrowth', read: true },
  );
