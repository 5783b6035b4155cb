import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';

/*
 * docs/api.md#limits — admission control: "when more than INGEST_BACKLOG_LIMIT KPI day facts
 * wait for the fold, ingest answers 503 SERVICE_UNAVAILABLE + Retry-After until it has caught
 * up."
 *
 * How many facts wait in kpi_pending (modules/kpi/day-sets.sql.ts), counted up to one past the
 * bound: the scan stops there, so a probe costs at most `limit + 1` rows however far behind the
 * fold is, and next to nothing while it keeps up (the queue is then nearly empty).
 */
const sql = `
select count(*)::int as facts
from (select 1 from kpi_pending limit :limit::int + 1) as waiting`;

export interface FoldBacklogRow {
  facts: number;
}

/** Facts waiting for the fold, capped at `limit + 1` (more than the bound). */
export async function getFoldBacklog(em: EntityManager, limit: number): Promise<number> {
  const [row] = await runSql<FoldBacklogRow>(em, sql, { limit }, { name: 'getFoldBacklog' });
  return row?.facts ?? 0;
}
