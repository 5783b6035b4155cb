/**
 * The analyst explorer is Yoga's GraphiQL at `/graphql`. GraphiQL keeps its editors in
 * localStorage under the `graphiql:` namespace (@graphiql/toolkit's StorageAPI; keys from
 * @graphiql/react's STORAGE_KEY): it opens with `graphiql:headers` in the header editor, and
 * saved tabs (`graphiql:tabState`) carry headers of their own. The dashboard shares the origin,
 * so it writes the admin token into both before opening the page: the token never travels in a
 * URL.
 */
export const GRAPHIQL_HEADERS_KEY = 'graphiql:headers';
export const GRAPHIQL_TABS_KEY = 'graphiql:tabState';
export const GRAPHIQL_PERSIST_KEY = 'graphiql:shouldPersistHeaders';

export const explorerHeaders = (token: string) =>
  JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);

interface StoredTabs {
  tabs?: { headers?: string | null }[];
}

/** Puts the token into GraphiQL's stored headers, keeping the analyst's saved tabs. */
export function storeExplorerToken(storage: Storage, token: string): void {
  const headers = explorerHeaders(token);
  storage.setItem(GRAPHIQL_HEADERS_KEY, headers);
  // persisted headers survive a reload of the explorer tab, like the dashboard's own token
  storage.setItem(GRAPHIQL_PERSIST_KEY, 'true');
  const saved = storage.getItem(GRAPHIQL_TABS_KEY);
  if (!saved) return;
  try {
    const state = JSON.parse(saved) as StoredTabs;
    for (const tab of state.tabs ?? []) tab.headers = headers;
    storage.setItem(GRAPHIQL_TABS_KEY, JSON.stringify(state));
  } catch {
    storage.removeItem(GRAPHIQL_TABS_KEY); // unreadable: GraphiQL would start afresh anyway
  }
}

/** Signing out takes the token out of the explorer too. */
export function forgetExplorerToken(storage: Storage): void {
  storage.removeItem(GRAPHIQL_HEADERS_KEY);
  const saved = storage.getItem(GRAPHIQL_TABS_KEY);
  if (!saved) return;
  try {
    const state = JSON.parse(saved) as StoredTabs;
    for (const tab of state.tabs ?? []) tab.headers = null;
    storage.setItem(GRAPHIQL_TABS_KEY, JSON.stringify(state));
  } catch {
    storage.removeItem(GRAPHIQL_TABS_KEY);
  }
}
