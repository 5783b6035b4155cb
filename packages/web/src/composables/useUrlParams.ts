import { computed } from 'vue';
import { type LocationQuery, useRoute, useRouter } from 'vue-router';
import { utcToday } from '../window';

/**
 * A page's controls kept in the URL through its parse/serialise pair (window.ts for the beta
 * dashboards, cohort-params.ts for /retention and /funnel): a copied link shows the same numbers.
 */
export function useUrlParams<P extends object>(
  parse: (query: LocationQuery, today: string) => P,
  toQuery: (params: P, today: string) => Record<string, string>,
) {
  const route = useRoute();
  const router = useRouter();
  const today = utcToday();
  const params = computed(() => parse(route.query, today));

  function update(change: Partial<P>): void {
    void router.push({ query: toQuery({ ...params.value, ...change }, today) });
  }

  return { params, update, today };
}
