import type { TraceStatsOverviewQuery } from './gql/graphql';

/** One operation's row as the performance page's `TraceStatsOverview` query returns it. */
export type OperationStats = TraceStatsOverviewQuery['traceStats'][number];

export type OperationColumn = keyof OperationStats;

/** Sorting the per-operation latency table: a pure function, so it is unit-tested. */
export function sortOperations(
  rows: readonly OperationStats[],
  column: OperationColumn,
  descending: boolean,
): OperationStats[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[column];
    const y = b[column];
    const order =
      typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : Number(x) - Number(y);
    return sign * order || a.operationName.localeCompare(b.operationName);
  });
}
