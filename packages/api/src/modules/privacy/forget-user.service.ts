import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { TokenKind } from '../../context.js';
import { inTransaction, runSql } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import { foldCommitLockSql, foldLockSql } from '../kpi/day-sets.sql.js';
import {
  deleteEmptySharesSql,
  deleteUserFailedItemsSql,
  deleteUserRowsSql,
  subtractShareSql,
  USER_SHARES,
} from './forget-user.sql.js';

export interface ForgetUserResult {
  userIdHash: string;
  /** Rows deleted per table, in a fixed order; zeros included, so a repeat reads as done. */
  deleted: { table: string; rows: number }[];
}

const USER_ID_HASH = /^[A-Za-z0-9_.:-]{1,128}$/;
const PIPELINES = ['telemetry_events', 'telemetry_errors', 'telemetry_traces'] as const;

/** A one-way digest for the log: it shows that two requests named the same user, not whom. */
export const userDigest = (userIdHash: string) =>
  createHash('sha256').update(userIdHash).digest('hex').slice(0, 16);

/**
 * Deletes everything stored about one user in one transaction, holding the fold lock so no fold
 * merges the user's pending day facts meanwhile. Idempotent: a repeat deletes nothing.
 */
export async function forgetUser(
  em: EntityManager,
  userIdHash: string,
  asked: { tokenKind: TokenKind | null; logger: Logger },
): Promise<ForgetUserResult> {
  if (!USER_ID_HASH.test(userIdHash)) {
    throw badInput('userIdHash: must be 1–128 characters of [A-Za-z0-9_.:-]', 'userIdHash');
  }
  const deleted = await inTransaction(em, async (transaction) => {
    const run = (name: string, sql: string, values: Record<string, unknown>) =>
      runSql(em, sql, values, { name, result: 'rowCount', transaction });
    const user = { user: userIdHash };
    await runSql(em, foldLockSql, {}, { name: 'foldLock', transaction });
    // the histogram and the cohort cells lose the user's share before their day rows go
    for (const aggregate of USER_SHARES) {
      const rows = await runSql<Record<string, unknown>>(em, aggregate.share, user, {
        name: `getUser${aggregate.name}`,
        transaction,
      });
      if (rows.length === 0) continue;
      const share = { share: JSON.stringify(rows) };
      await run(`subtract${aggregate.name}`, subtractShareSql(aggregate), share);
      await run(`deleteEmpty${aggregate.name}`, deleteEmptySharesSql(aggregate), share);
    }
    const counts: { table: string; rows: number }[] = [];
    for (const table of [...PIPELINES, 'kpi_days', 'kpi_pending']) {
      counts.push({ table, rows: await run('deleteUserRows', deleteUserRowsSql(table), user) });
    }
    counts.push({
      table: 'telemetry_failed_items',
      rows: await run('deleteUserFailedItems', deleteUserFailedItemsSql, {
        quoted: JSON.stringify(userIdHash),
      }),
    });
    // the day sets and the pending facts change together for KPI reads on Citus too
    await runSql(em, foldCommitLockSql, {}, { name: 'foldCommitLock', transaction });
    return counts;
  });
  asked.logger.info(
    {
      user: userDigest(userIdHash),
      tokenKind: asked.tokenKind,
      at: new Date().toISOString(),
      deleted,
    },
    'forgetUser: erased a user',
  );
  return { userIdHash, deleted };
}
