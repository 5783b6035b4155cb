import { computed } from 'vue';
import { useRoute } from 'vue-router';
import { namesAsOf, paramsQuery, parseParams } from '../window';
import { useUrlParams } from './useUrlParams';

/** The window, as-of day and channel kept in the URL: a copied link shows the same numbers. */
export function useDashboardParams() {
  const route = useRoute();
  /** The URL names its as-of day (else it is today, or an ended phase's last day). */
  const explicitAsOf = computed(() => namesAsOf(route.query));
  const url = useUrlParams(
    (query, today) => parseParams(query, today),
    // a day named once stays named, so "today" on an ended phase is not moved back again
    (p, today, change) => paramsQuery(p, today, explicitAsOf.value || change.asOf !== undefined),
  );
  return { ...url, explicitAsOf };
}
