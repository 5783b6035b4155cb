import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { type DashboardParams, namesAsOf, paramsQuery, parseParams, utcToday } from '../window';

/** The window, as-of day and channel kept in the URL: a copied link shows the same numbers. */
export function useDashboardParams() {
  const route = useRoute();
  const router = useRouter();
  const today = utcToday();
  const params = computed(() => parseParams(route.query, today));
  /** The URL names its as-of day (else it is today, or an ended phase's last day). */
  const explicitAsOf = computed(() => namesAsOf(route.query));

  /** A day named once stays named, so "today" on an ended phase is not moved back again. */
  const query = (change: Partial<DashboardParams>) =>
    paramsQuery(
      { ...params.value, ...change },
      today,
      explicitAsOf.value || change.asOf !== undefined,
    );

  /** A change the user made: a new history entry. */
  function update(change: Partial<DashboardParams>): void {
    void router.push({ query: query(change) });
  }

  /** A default the page settled on (an ended phase's last window): no extra Back step. */
  function settle(change: Partial<DashboardParams>): void {
    void router.replace({ query: query(change) });
  }

  return { params, explicitAsOf, update, settle, today };
}
