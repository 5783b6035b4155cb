/** Sorting the per-operation latency table: a pure function, so it is unit-tested. */
export interface OperationStats {
  operationName: string;
  count: number;
  successRate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export type OperationColumn = keyof OperationStats;

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
