import { computed } from 'vue';
import { type LocationQuery, useRoute, useRouter } from 'vue-router';
import { utcToday } from '../window';

/**
 * A page's controls kept in the URL through its parse/serialise pair (window.ts for the beta
 * dashboards, cohort-params.ts for /retention and /funnel): a copied link shows the same numbers.
 * `toQuery` also sees the change being made, for a rule such as "a day named once stays named".
 */
export function useUrlParams<P extends object>(
  parse: (query: LocationQuery, today: string) => P,
  toQuery: (params: P, today: string, change: Partial<P>) => Record<string, string>,
) {
  const route = useRoute();
  const router = useRouter();
  const today = utcToday();
  const params = computed(() => parse(route.query, today));
  const query = (change: Partial<P>) => toQuery({ ...params.value, ...change }, today, change);

  /** A change the user made: a new history entry. */
  function update(change: Partial<P>): void {
    void router.push({ query: query(change) });
  }

  /** A default the page settled on (an ended phase's last window): no extra Back step. */
  function settle(change: Partial<P>): void {
    void router.replace({ query: query(change) });
  }

  return { params, update, settle, today };
}
