import { computed, readonly, ref } from 'vue';
import { forgetExplorerToken } from '../explorer';
import type { ShareEnd } from '../share';

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
const STORAGE_KEY = 'cortex-telemetry.admin-token';
const KIND_KEY = 'cortex-telemetry.token-kind';
const SHARE_KEY = 'cortex-telemetry.share';

function loadToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode): the user signs in on every load
  }
}

function loadKind(): SignedInKind {
  try {
    // a session from before viewer tokens could only have signed in with an admin token
    return localStorage.getItem(KIND_KEY) === 'VIEWER' ? 'VIEWER' : 'ADMIN';
  } catch {
    return 'ADMIN';
  }
}

/** The share link this tab opened: its token, and its page once the server said which. */
interface SharedView {
  token: string;
  path: string | null;
  expiresAt: string | null;
}

function loadShare(): SharedView | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SHARE_KEY) ?? 'null') as SharedView | null;
    return typeof saved?.token === 'string' ? saved : null;
  } catch {
    return null;
  }
}

function saveShare(view: SharedView | null): void {
  try {
    if (view) sessionStorage.setItem(SHARE_KEY, JSON.stringify(view));
    else sessionStorage.removeItem(SHARE_KEY);
  } catch {
    // kept in memory for this page load only
  }
}

const signedInToken = ref<string | null>(loadToken());
const kind = ref<SignedInKind>(loadKind());
const notice = ref<string | null>(null);
const share = ref<SharedView | null>(loadShare());
const shareEnded = ref<ShareEnd | null>(null);

export function useAuth() {
  const token = computed(() => share.value?.token ?? signedInToken.value);
  return {
    token,
    signedIn: computed(() => token.value !== null),
    kind: readonly(kind),
    /** Only an admin sees admin-only pages and actions (rejected items, erasure, forms). */
    isAdmin: computed(
      () => share.value === null && signedInToken.value !== null && kind.value === 'ADMIN',
    ),
    notice: readonly(notice),
    /** A share link's view: one page, read-only, no navigation. */
    shared: computed(() => share.value !== null),
    sharedPath: computed(() => share.value?.path ?? null),
    sharedExpiresAt: computed(() => share.value?.expiresAt ?? null),
    /** Why the shared view ended (expired, revoked, unknown link); the page says so. */
    shareEnded: readonly(shareEnded),
    signIn(value: string, as: SignedInKind = 'ADMIN') {
      signedInToken.value = value;
      kind.value = as;
      notice.value = null;
      try {
        localStorage.setItem(STORAGE_KEY, value);
        localStorage.setItem(KIND_KEY, as);
      } catch {
        // keep the token for this tab only
      }
    },
    signOut(reason: string | null = null) {
      signedInToken.value = null;
      notice.value = reason;
      try {
        localStorage.removeItem(STORAGE_KEY);
        localStorage.removeItem(KIND_KEY);
        forgetExplorerToken(localStorage);
      } catch {
        // nothing stored
      }
    },
    /** `/s/<token>` opened: this tab reads with the link's token from now on. */
    openShare(value: string) {
      share.value = { token: value, path: null, expiresAt: null };
      shareEnded.value = null;
      saveShare(share.value);
    },
    /** The server said which page the link opens. */
    setSharedPage(path: string, expiresAt: string) {
      if (!share.value) return;
      share.value = { ...share.value, path, expiresAt };
      saveShare(share.value);
    },
    endShare(reason: ShareEnd) {
      shareEnded.value = reason;
    },
  };
}
