import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuth } from './composables/useAuth';
import { BETA_PAGES } from './first-load';
import type { BetaPhase } from './gql/graphql';
import { pageOf } from './share';

/**
 * One view per route; everything but sign-in needs an admin or viewer token (`adminOnly`: an
 * admin token). Every view is a chunk of its own, loaded on first visit
 * (`component: () => import(...)`): a new page follows the same form, so the first load carries
 * only the router, the header and the page asked for. The chart library is another chunk, loaded
 * by the first chart (components/ChartPanel.vue).
 */
const BetaDashboardView = () => import('./views/BetaDashboardView.vue');

/** A beta dashboard: its phase is the view's prop and the route's `meta.phase` (main.ts). */
const betaDashboard = (path: string, phase: BetaPhase, title: string): RouteRecordRaw => ({
  path,
  component: BetaDashboardView,
  props: { phase },
  meta: { title, phase },
});

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/open-beta' },
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./views/SignInView.vue'),
    meta: { public: true, title: 'Sign in' },
  },
  {
    path: '/s/:token',
    name: 'share',
    component: () => import('./views/ShareOpenView.vue'),
    meta: { public: true, title: 'Shared view' },
  },
  ...BETA_PAGES.map(({ path, phase, title }) => betaDashboard(path, phase, title)),
  {
    path: '/compare',
    component: () => import('./views/CompareView.vue'),
    meta: { title: 'Compare' },
  },
  {
    path: '/retention',
    component: () => import('./views/RetentionView.vue'),
    meta: { title: 'Retention' },
  },
  {
    path: '/funnel',
    component: () => import('./views/FunnelView.vue'),
    meta: { title: 'Funnel' },
  },
  { path: '/live', component: () => import('./views/LiveView.vue'), meta: { title: 'Live' } },
  { path: '/errors', component: () => import('./views/ErrorsView.vue'), meta: { title: 'Errors' } },
  {
    path: '/traces',
    component: () => import('./views/TracesView.vue'),
    meta: { title: 'Performance' },
  },
  // not `adminOnly`: a viewer who opens it is told why there is nothing to see
  { path: '/alerts', component: () => import('./views/AlertsView.vue'), meta: { title: 'Alerts' } },
  {
    path: '/failed',
    component: () => import('./views/FailedView.vue'),
    meta: { title: 'Rejected items', adminOnly: true },
  },
  { path: '/status', component: () => import('./views/StatusView.vue'), meta: { title: 'Status' } },
  {
    path: '/:unknown(.*)*',
    component: () => import('./views/NotFoundView.vue'),
    meta: { title: 'Not found' },
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach((to) => {
  const { signedIn, isAdmin, shared, sharedPath, token } = useAuth();
  if (to.name === 'share') return true;
  // a share link's tab shows its page (any URL state) and nothing else; before the server has
  // said which page, the link is asked again
  if (shared.value) {
    if (sharedPath.value === null) return { name: 'share', params: { token: token.value } };
    return to.path === pageOf(sharedPath.value) ? true : sharedPath.value;
  }
  if (to.meta.public)
    return signedIn.value && to.name === 'sign-in' ? redirectTarget(to.query) : true;
  if (!signedIn.value) return { name: 'sign-in', query: { redirect: to.fullPath } };
  // a viewer token may not read these pages' data: the page would only show a refusal
  if (to.meta.adminOnly && !isAdmin.value) return '/open-beta';
  return true;
});

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? 'Dashboard')} · Cortex Telemetry`;
});

/** Where sign-in leads: back to the page that asked for it, never off-site. */
export function redirectTarget(query: Record<string, unknown>): string {
  const target = query.redirect;
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//')
    ? target
    : '/open-beta';
}
