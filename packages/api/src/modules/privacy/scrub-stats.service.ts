import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import { getScrubStatsSql } from './get-scrub-stats.sql.js';

export interface ScrubStat {
  day: string;
  rule: string;
  pipeline: string;
  items: number;
}

const DAY_MS = 86_400_000;
/** A year of days at most: the answer is one row per day, rule and pipeline. */
const MAX_RANGE_DAYS = 366;

export async function getScrubStats(
  em: EntityManager,
  range: { from: Date | null; to: Date | null; now: Date },
): Promise<ScrubStat[]> {
  const to = range.to ?? range.now;
  const from = range.from ?? new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw badInput('from: must be before to', 'from');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw badInput(`from: the range may span at most ${MAX_RANGE_DAYS} days`, 'from');
  }
  return runSql<ScrubStat>(
    em,
    getScrubStatsSql,
    { from: from.toISOString(), to: to.toISOString() },
    { name: 'getScrubStats' },
  );
}
