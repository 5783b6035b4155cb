import { computed, readonly, ref } from 'vue';
import {
  KIND_KEY,
  loadKind,
  loadShare,
  loadToken,
  type SharedView,
  type SignedInKind,
  STORAGE_KEY,
  saveShare,
} from '../auth-storage';
import { forgetExplorerToken } from '../explorer';
import type { ShareEnd } from '../share';

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
