import type { CombinedError } from '@urql/vue';

/**
 * Share links (docs/api.md#share-links): the pages a link may open — the server's SHARE_PAGES
 * (packages/api/src/modules/shared/access.ts) says the same and refuses any other.
 */
export const SHAREABLE_PAGES = [
  '/open-beta',
  '/closed-beta',
  '/compare',
  '/retention',
  '/funnel',
  '/errors',
  '/traces',
  '/status',
] as const;

export const isShareablePage = (pathname: string) =>
  (SHAREABLE_PAGES as readonly string[]).includes(pathname);

/** Why a shared view ended: the server's code for the link, or a token it never made. */
export type ShareEnd = 'expired' | 'revoked' | 'invalid';

export const SHARE_END_MESSAGES: Record<ShareEnd, string> = {
  expired: 'This link has expired.',
  revoked: 'This link was revoked.',
  invalid: 'This link is not valid.',
};

/** The end a refusal means for a shared view, or null for any other error (a failed read). */
export function shareEnd(error: CombinedError): ShareEnd | null {
  const codes = error.graphQLErrors.map((e) => e.extensions?.code);
  if (codes.includes('SHARE_LINK_EXPIRED')) return 'expired';
  if (codes.includes('SHARE_LINK_REVOKED')) return 'revoked';
  if (codes.includes('UNAUTHENTICATED') || error.response?.status === 401) return 'invalid';
  return null;
}

/** The page part of a shared path: `/open-beta?days=30` → `/open-beta`. */
export const pageOf = (path: string) => path.split('?')[0] ?? path;
