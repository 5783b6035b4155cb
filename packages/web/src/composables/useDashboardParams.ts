import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { type DashboardParams, paramsQuery, parseParams, utcToday } from '../window';

/** The window, as-of day and channel kept in the URL: a copied link shows the same numbers. */
export function useDashboardParams() {
  const route = useRoute();
  const router = useRouter();
  const today = utcToday();
  const params = computed(() => parseParams(route.query, today));

  function update(change: Partial<DashboardParams>): void {
    void router.push({ query: paramsQuery({ ...params.value, ...change }, today) });
  }

  return { params, update, today };
}
