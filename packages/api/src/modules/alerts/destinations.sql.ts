import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql, type SqlTransaction } from '../../db/sql.js';

export interface DestinationRow {
  id: string;
  rule_id: string;
  position: number;
  url: string;
  format: string;
  secret: string;
}

/* The destinations of the given rules, in the order the admin listed them. */
export const getDestinations = (
  em: EntityManager,
  ruleIds: string[],
  transaction?: SqlTransaction,
) =>
  runSql<DestinationRow>(
    em,
    'select * from alert_destinations where rule_id = any(:ruleIds::uuid[]) order by rule_id, position',
    { ruleIds: `{${ruleIds.join(',')}}` },
    { name: 'getAlertDestinations', transaction },
  );

export interface NewDestination {
  id: string;
  url: string;
  format: string;
  secret: string;
}

/*
 * A rule's destinations are replaced as a whole: the ones no longer listed go (with their
 * pending deliveries), the ones kept by id keep their id and delivery history. Two statements
 * in the caller's transaction (Citus runs no data-modifying CTE across reference tables).
 */
const deleteDroppedSql = `
delete from alert_destinations
where rule_id = :ruleId::uuid and not (id = any(:keep::uuid[]))`;

const upsertSql = `
insert into alert_destinations (id, rule_id, position, url, format, secret)
select d.id, :ruleId::uuid, d.position, d.url, d.format, d.secret
from jsonb_to_recordset(:destinations::jsonb)
  as d(id uuid, position int, url text, format text, secret text)
on conflict (id) do update set position = excluded.position, url = excluded.url,
  format = excluded.format, secret = excluded.secret
where alert_destinations.rule_id = excluded.rule_id`;

export async function replaceDestinations(
  em: EntityManager,
  ruleId: string,
  destinations: NewDestination[],
  transaction: SqlTransaction,
): Promise<void> {
  await runSql(
    em,
    deleteDroppedSql,
    { ruleId, keep: `{${destinations.map((d) => d.id).join(',')}}` },
    { name: 'deleteDroppedAlertDestinations', result: 'rowCount', transaction },
  );
  await runSql(
    em,
    upsertSql,
    {
      ruleId,
      destinations: JSON.stringify(destinations.map((d, position) => ({ ...d, position }))),
    },
    { name: 'upsertAlertDestinations', result: 'rowCount', transaction },
  );
}
