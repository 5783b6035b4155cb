import urql from '@urql/vue';
import { createApp } from 'vue';
import { START_LOCATION } from 'vue-router';
import App from './App.vue';
import { prefetchBetaDashboard } from './composables/useBetaDashboard';
import type { BetaPhase } from './gql/graphql';
import { router } from './router';
import { createUrqlClient } from './urql';
import './styles.css';

const client = createUrqlClient();
// the first page load of a beta dashboard: its queries leave now, not after the view's chunk
// (registered after the sign-in guard, so a redirected navigation sends nothing)
router.beforeEach((to, from) => {
  const phase = to.meta.phase as BetaPhase | undefined;
  if (from === START_LOCATION && phase) prefetchBetaDashboard(client, phase, to.query);
});
createApp(App).use(router).use(urql, client).mount('#app');
