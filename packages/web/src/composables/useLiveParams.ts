import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { type LiveParams, liveParamsQuery, parseLiveParams } from '../live';

/** The live page's filters and pause kept in the URL: a copied link opens the same view. */
export function useLiveParams() {
  const route = useRoute();
  const router = useRouter();
  const params = computed(() => parseLiveParams(route.query));

  function update(change: Partial<LiveParams>): void {
    void router.push({ query: liveParamsQuery({ ...params.value, ...change }) });
  }

  return { params, update };
}
