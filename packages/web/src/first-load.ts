import { createRequest, formatDocument, type GraphQLRequest, makeOperation } from '@urql/core';
import { makeFetchBody, makeFetchOptions } from '@urql/core/internal';
import type { LocationQuery } from 'vue-router';
import { loadShare, loadToken } from './auth-storage';
// the generated documents themselves, not `graphql()` (gql.ts): that map holds every document
// of the dashboard, and this module is inlined into index.html. The same objects:
// useBetaDashboard.ts writes the two queries, codegen turns them into these.
import { BetaDashboardDocument, type BetaPhase, PhaseRangeDocument } from './gql/graphql';
import {
  asOfInstant,
  type DashboardParams,
  namesAsOf,
  parseParams,
  previousAsOf,
  toChannel,
  utcToday,
} from './window';

/**
 * A beta dashboard's first queries, sent before the app's bundle has loaded.
 *
 * On the first load of `/open-beta` or `/closed-beta`, a few lines inlined into index.html's
 * head (first-load-script.ts, built by vite.config.ts) send the page's queries while the browser
 * still fetches and runs the bundle. The app's urql client then hands that answer to the same
 * request (`takeFirstLoad`, urql.ts) instead of sending it again. The bodies are built by urql's
 * own functions from the same documents and variables as the app's, so a request is taken only
 * if it is byte for byte the one the app sends; any other goes to the network as before.
 */

export const GRAPHQL_URL = '/graphql';

/** The beta dashboards: their paths, phases and titles (router.ts builds their routes). */
export const BETA_PAGES: readonly { path: string; phase: BetaPhase; title: string }[] = [
  { path: '/closed-beta', phase: 'CLOSED_BETA', title: 'Closed beta' },
  { path: '/open-beta', phase: 'OPEN_BETA', title: 'Open beta' },
];

/** The fetch options that carry the token (the client's `fetchOptions`, urql.ts). */
export const authorization = (token: string | null): RequestInit =>
  token ? { headers: { authorization: `Bearer ${token}` } } : {};

/** The BetaDashboard query's variables: the window asked, and the one just before it. */
export const dashboardVariables = (phase: BetaPhase, params: DashboardParams) => ({
  days: params.days,
  asOf: asOfInstant(params.asOf),
  previousAsOf: asOfInstant(previousAsOf(params.days, params.asOf)),
  phase,
  channel: toChannel(params.channel),
});

/**
 * What a beta page's first load asks before its view is there: the window's KPIs, and where the
 * phase's data lies when the URL names no as-of day (the view needs it to choose the window).
 */
export function firstLoadRequests(phase: BetaPhase, query: LocationQuery): GraphQLRequest[] {
  const params = parseParams(query, utcToday());
  const requests: GraphQLRequest[] = [
    createRequest(BetaDashboardDocument, dashboardVariables(phase, params)),
  ];
  if (!namesAsOf(query)) requests.push(createRequest(PhaseRangeDocument, { phase }));
  return requests;
}

declare global {
  interface Window {
    /** The first-load script's requests in flight, by `sentKey`; each taken once. */
    __cortexFirstLoad?: Map<string, Promise<Response>>;
  }
}

/** A request as the network sees it: address, token and body. */
function sentKey(url: string, init: RequestInit): string {
  const token = new Headers(init.headers).get('authorization') ?? '';
  return `${url}\n${token}\n${String(init.body)}`;
}

/** A URL's query as vue-router parses it (a repeated key gives a list). */
function locationQuery(search: string): LocationQuery {
  const query: LocationQuery = {};
  for (const [key, value] of new URLSearchParams(search)) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

/**
 * The inline script's work: on a beta page, with a stored token and no share link open (the
 * router would send a share link's tab elsewhere), send the first queries as the app would.
 */
export function sendFirstLoad(): void {
  const path = location.pathname.replace(/\/+$/, '').toLowerCase();
  const page = BETA_PAGES.find((p) => p.path === path);
  const token = loadToken();
  if (!page || !token || loadShare()) return;
  const sent = new Map<string, Promise<Response>>();
  for (const request of firstLoadRequests(page.phase, locationQuery(location.search))) {
    // as the client's exchanges shape it: `__typename` added (cacheExchange), then fetchExchange
    const operation = makeOperation(
      'query',
      { ...request, query: formatDocument(request.query) },
      { url: GRAPHQL_URL, requestPolicy: 'network-only', fetchOptions: authorization(token) },
    );
    const init = makeFetchOptions(operation, makeFetchBody(operation));
    const answer = fetch(GRAPHQL_URL, init);
    answer.catch(() => {}); // not taken, its failure is nobody's; taken, the client sees it
    sent.set(sentKey(GRAPHQL_URL, init), answer);
  }
  window.__cortexFirstLoad = sent;
}

/**
 * The client's `fetch` (urql.ts) asks here first: the first-load script's answer to exactly this
 * request, once, or undefined.
 */
export function takeFirstLoad(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): Promise<Response> | undefined {
  const sent = typeof window === 'undefined' ? undefined : window.__cortexFirstLoad;
  if (!sent || typeof input !== 'string' || !init) return undefined;
  const key = sentKey(input, init);
  const answer = sent.get(key);
  sent.delete(key);
  return answer;
}
