import { paramsQuery, parseParams } from '../window';
import { useUrlParams } from './useUrlParams';

/** The window, as-of day and channel kept in the URL: a copied link shows the same numbers. */
export function useDashboardParams() {
  return useUrlParams((query, today) => parseParams(query, today), paramsQuery);
}
