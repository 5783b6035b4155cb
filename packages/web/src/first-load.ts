import type { LocationQuery } from 'vue-router';
import { loadShare, loadToken } from './auth-storage';
import type {
  BetaDashboardQueryVariables,
  BetaPhase,
  PhaseRangeQueryVariables,
  PreviousWindowQueryVariables,
} from './gql/graphql';
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
 * On the first load of `/open-beta` or `/closed-beta`, a small script inlined into index.html's
 * head (first-load-script.ts, built by vite.config.ts) sends the page's queries, and starts
 * fetching the view's chunks, while the browser still fetches and runs the bundle. The app's urql
 * client then hands that answer to the same request (`takeFirstLoad`, urql.ts) instead of
 * sending it again. The script carries no GraphQL library: vite.config.ts prints the two
 * documents at build time with urql's own printer, as the client prints them, and the variables
 * come from the same function as the app's. A request is taken only if its token, operation,
 * query text and variables are the ones the app sends; any other goes to the network as before.
 */

export const GRAPHQL_URL = '/graphql';

/** The beta dashboards: their paths, phases and titles (router.ts builds their routes). */
export const BETA_PAGES: readonly { path: string; phase: BetaPhase; title: string }[] = [
  { path: '/closed-beta', phase: 'CLOSED_BETA', title: 'Closed beta' },
  { path: '/open-beta', phase: 'OPEN_BETA', title: 'Open beta' },
];

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The fetch options that carry the token (the client's `fetchOptions`, urql.ts). */
export const authorization = (token: string | null): RequestInit =>
  token ? { headers: bearer(token) } : {};

/** The BetaDashboard query's variables: the window asked. */
export const dashboardVariables = (
  phase: BetaPhase,
  params: DashboardParams,
): BetaDashboardQueryVariables => ({
  days: params.days,
  asOf: asOfInstant(params.asOf),
  phase,
  channel: toChannel(params.channel),
});

/** The PreviousWindow query's variables: the window of the same length just before. */
export const previousWindowVariables = (
  phase: BetaPhase,
  params: DashboardParams,
): PreviousWindowQueryVariables =>
  dashboardVariables(phase, { ...params, asOf: previousAsOf(params.days, params.asOf) });

/** A query of a beta page's first load (useBetaDashboard.ts writes the two). */
export type FirstLoadRequest =
  | { operationName: 'BetaDashboard'; variables: BetaDashboardQueryVariables }
  | { operationName: 'PhaseRange'; variables: PhaseRangeQueryVariables };
export type FirstLoadOperation = FirstLoadRequest['operationName'];

/**
 * What a beta page's first load asks before its view is there: the window's KPIs, and where the
 * phase's data lies when the URL names no as-of day (the view needs it to choose the window).
 */
export function firstLoadOperations(phase: BetaPhase, query: LocationQuery): FirstLoadRequest[] {
  const params = parseParams(query, utcToday());
  const operations: FirstLoadRequest[] = [
    { operationName: 'BetaDashboard', variables: dashboardVariables(phase, params) },
  ];
  if (!namesAsOf(query)) operations.push({ operationName: 'PhaseRange', variables: { phase } });
  return operations;
}

declare global {
  interface Window {
    /** The first-load script's requests in flight, by `sentKey`; each taken once. */
    __cortexFirstLoad?: Map<string, Promise<Response>>;
  }
}

/** JSON with every object's keys sorted, so that equal values give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/**
 * A request as the server reads it: token, operation, query text and variables (not the body's
 * bytes: urql orders the variables' keys its own way).
 */
function sentKey(url: string, init: RequestInit): string | null {
  if (typeof init.body !== 'string') return null;
  try {
    const { operationName, query, variables } = JSON.parse(init.body);
    const token = new Headers(init.headers).get('authorization');
    return canonical([url, token, operationName, query, variables ?? null]);
  } catch {
    return null;
  }
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
 * Fetches the beta view's chunks and styles now, not once the bundle has run and the router asks
 * for the view; as Vite's own preload would add them (`crossorigin`, a stylesheet for CSS), so
 * that the router's import finds them there. One insertion for all of them: appended one by one,
 * the links took about twice as long in Chromium (median 8.6 against 4.6 ms for the beta view's
 * chunks), while the page's parser waits for this script.
 */
function preloadAssets(assets: readonly string[]): void {
  const links = document.createDocumentFragment();
  for (const href of assets) {
    const link = document.createElement('link');
    link.rel = href.endsWith('.css') ? 'stylesheet' : 'modulepreload';
    link.crossOrigin = '';
    link.href = href;
    links.append(link);
  }
  document.head.append(links);
}

/**
 * The inline script's work: on a beta page, with a stored token and no share link open (the
 * router would send a share link's tab elsewhere), send the first queries as the app would, each
 * with its printed `queries[operationName]`, and fetch the view's `assets`.
 */
export function sendFirstLoad(
  queries: Record<FirstLoadOperation, string>,
  assets: readonly string[],
): void {
  const path = location.pathname.replace(/\/+$/, '').toLowerCase();
  const page = BETA_PAGES.find((p) => p.path === path);
  const token = loadToken();
  if (!page || !token || loadShare()) return;
  const sent = new Map<string, Promise<Response>>();
  for (const { operationName, variables } of firstLoadOperations(
    page.phase,
    locationQuery(location.search),
  )) {
    const init: RequestInit = {
      method: 'POST',
      headers: {
        // what urql's fetchExchange asks for
        accept:
          'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
        'content-type': 'application/json',
        ...bearer(token),
      },
      body: JSON.stringify({ operationName, query: queries[operationName], variables }),
    };
    const answer = fetch(GRAPHQL_URL, init);
    answer.catch(() => {}); // not taken, its failure is nobody's; taken, the client sees it
    const key = sentKey(GRAPHQL_URL, init);
    if (key) sent.set(key, answer);
  }
  window.__cortexFirstLoad = sent;
  preloadAssets(assets);
}

/**
 * The client's `fetch` (urql.ts) asks here first: the first-load script's answer to exactly this
 * request, once, or undefined.
 */
export function takeFirstLoad(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): Promise<Response> | undefined {
  const sent = window.__cortexFirstLoad;
  if (!sent?.size || typeof input !== 'string' || !init) return undefined;
  const key = sentKey(input, init);
  if (key === null) return undefined;
  const answer = sent.get(key);
  sent.delete(key);
  return answer;
}
