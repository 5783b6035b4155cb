import { computed, readonly, ref } from 'vue';
import { forgetExplorerToken } from '../explorer';

/**
 * The admin token the dashboard sends as `Authorization: Bearer …`. Kept in localStorage so a
 * reload stays signed in; a refusal from the server (401) clears it and sends the user back to
 * the sign-in form with `notice` saying why.
 */
const STORAGE_KEY = 'cortex-telemetry.admin-token';

function loadToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode): the user signs in on every load
  }
}

const token = ref<string | null>(loadToken());
const notice = ref<string | null>(null);

export function useAuth() {
  return {
    token: readonly(token),
    signedIn: computed(() => token.value !== null),
    notice: readonly(notice),
    signIn(value: string) {
      token.value = value;
      notice.value = null;
      try {
        localStorage.setItem(STORAGE_KEY, value);
      } catch {
        // keep the token for this tab only
      }
    },
    signOut(reason: string | null = null) {
      token.value = null;
      notice.value = reason;
      try {
        localStorage.removeItem(STORAGE_KEY);
        forgetExplorerToken(localStorage);
      } catch {
        // nothing stored
      }
    },
  };
}
