import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';

/**
 * Whether any day fact is still pending (not folded): one probe of a table that is empty most of
 * the time. The folder asks before it takes the fold lock; `kpis` asks to choose between one
 * statement with a shared pending tail and four side by side (kpi.service.ts). A hint only: the
 * queries themselves read the tail of their own snapshot, so either choice is exact.
 */
const sql = 'select exists (select 1 from kpi_pending) as pending';

export const getHasPendingDays = async (em: EntityManager): Promise<boolean> =>
  (await runSql<{ pending: boolean }>(em, sql, {}, { name: 'hasPendingDays' }))[0]?.pending ===
  true;
