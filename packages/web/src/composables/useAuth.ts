import { computed, readonly, ref } from 'vue';
import { forgetExplorerToken } from '../explorer';

/** What the server said the token is (`tokenKind`); a viewer sees the read-only pages. */
export type SignedInKind = 'ADMIN' | 'VIEWER';

/**
 * The admin or viewer token the dashboard sends as `Authorization: Bearer …`. Kept in localStorage so a
 * reload stays signed in; a refusal from the server (401) clears it and sends the user back to
 * the sign-in form with `notice` saying why.
 */
const STORAGE_KEY = 'cortex-telemetry.admin-token';
const KIND_KEY = 'cortex-telemetry.token-kind';

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

const token = ref<string | null>(loadToken());
const kind = ref<SignedInKind>(loadKind());
const notice = ref<string | null>(null);

export function useAuth() {
  return {
    token: readonly(token),
    signedIn: computed(() => token.value !== null),
    kind: readonly(kind),
    /** Only an admin sees admin-only pages and actions (rejected items, erasure, forms). */
    isAdmin: computed(() => token.value !== null && kind.value === 'ADMIN'),
    notice: readonly(notice),
    signIn(value: string, as: SignedInKind = 'ADMIN') {
      token.value = value;
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
      token.value = null;
      notice.value = reason;
      try {
        localStorage.removeItem(STORAGE_KEY);
        localStorage.removeItem(KIND_KEY);
        forgetExplorerToken(localStorage);
      } catch {
        // nothing stored
      }
    },
  };
}
