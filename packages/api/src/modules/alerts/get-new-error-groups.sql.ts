import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';

/**
 * The new-error-group rule (docs/alerts.md#new-error-groups): stack hashes whose first stored
 * occurrence arrived (received_at) after the rule last looked and up to now, each with that first
 * occurrence; with `:onlyCritical`, only groups whose first occurrence is `critical`. The first
 * occurrence is found by a join on (stack_hash, received_at), which runs distributed on Citus.
 */
const sql = `
with firsts as (
  select stack_hash, min(received_at) as first_received
  from telemetry_errors
  group by stack_hash
  having min(received_at) > :since::timestamptz and min(received_at) <= :until::timestamptz
)
select distinct on (e.stack_hash) e.stack_hash, e.id, e."timestamp", e.received_at,
  e.error_type, e.error_message, e.stack_trace, e.severity, e.channel, e.phase
from telemetry_errors e join firsts f
  on e.stack_hash = f.stack_hash and e.received_at = f.first_received
where not :onlyCritical or e.severity = 'critical'
order by e.stack_hash, e.id
limit :limit`;

export interface NewErrorGroupRow {
  stack_hash: string;
  id: string;
  timestamp: Date;
  received_at: Date;
  error_type: string;
  error_message: string;
  stack_trace: string | null;
  severity: string;
  channel: string;
  phase: string;
}

export const getNewErrorGroups = (
  em: EntityManager,
  since: Date,
  until: Date,
  onlyCritical: boolean,
  limit: number,
) =>
  runSql<NewErrorGroupRow>(
    em,
    sql,
    { since: since.toISOString(), until: until.toISOString(), onlyCritical, limit },
    { name: 'getNewAlertErrorGroups', read: true },
  );
