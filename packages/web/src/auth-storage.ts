/**
 * Where the dashboard keeps its token between loads, apart from the reactive session
 * (composables/useAuth.ts) so that the first-load script (first-load.ts), which runs before
 * Vue, reads the same keys.
 */

/** What the server said the token is (`tokenKind`); a viewer sees the read-only pages. */
export type SignedInKind = 'ADMIN' | 'VIEWER';

/**
 * The admin or viewer token the dashboard sends as `Authorization: Bearer …`. Kept in localStorage so a
 * reload stays signed in; a refusal from the server (401) clears it and sends the user back to
 * the sign-in form with `notice` saying why.
 *
 * A share link (`/s/<token>`, docs/api.md#share-links) puts its token in sessionStorage instead:
 * that browser tab then sends it in place of any signed-in token and shows the link's page only,
 * until the tab is closed.
 */
export const STORAGE_KEY = 'cortex-telemetry.admin-token';
export const KIND_KEY = 'cortex-telemetry.token-kind';
const SHARE_KEY = 'cortex-telemetry.share';

export function loadToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode): the user signs in on every load
  }
}

export function loadKind(): SignedInKind {
  try {
    // a session from before viewer tokens could only have signed in with an admin token
    return localStorage.getItem(KIND_KEY) === 'VIEWER' ? 'VIEWER' : 'ADMIN';
  } catch {
    return 'ADMIN';
  }
}

/** The share link this tab opened: its token, and its page once the server said which. */
export interface SharedView {
  token: string;
  path: string | null;
  expiresAt: string | null;
}

export function loadShare(): SharedView | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SHARE_KEY) ?? 'null') as SharedView | null;
    return typeof saved?.token === 'string' ? saved : null;
  } catch {
    return null;
  }
}

export function saveShare(view: SharedView | null): void {
  try {
    if (view) sessionStorage.setItem(SHARE_KEY, JSON.stringify(view));
    else sessionStorage.removeItem(SHARE_KEY);
  } catch {
    // kept in memory for this page load only
  }
}
