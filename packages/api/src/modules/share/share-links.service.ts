import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SHARE_TOKEN_PREFIX } from '../../auth.js';
import type { ShareGrant } from '../../context.js';
import { runSql } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import { isSharePage, SHARE_PAGES } from '../shared/access.js';
import {
  getShareLinkByHashSql,
  getShareLinkSql,
  insertShareLinkSql,
  listShareLinksSql,
  revokeShareLinkSql,
  type ShareLinkRow,
} from './share-links.sql.js';

/** A share link as the API answers it (never its token, never its hash). */
export type ShareLink = ShareGrant;

const linkOf = (row: ShareLinkRow): ShareLink => ({
  id: row.id,
  path: row.path,
  label: row.label,
  createdAt: new Date(row.createdAt),
  expiresAt: new Date(row.expiresAt),
  revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt),
});

/** Days a link lasts unless the admin says otherwise, and the most it may last. */
export const SHARE_DAYS_DEFAULT = 7;
export const SHARE_DAYS_MAX = 90;
export const SHARE_LABEL_MAX = 100;
/** The longest `path` (page and URL state) a link keeps. */
export const SHARE_PATH_MAX = 2000;

export const shareTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export type ShareState = 'active' | 'expired' | 'revoked';

/** Revoked wins over expired: the admin's act is the better reason to show. */
export function shareState(
  link: Pick<ShareGrant, 'expiresAt' | 'revokedAt'>,
  now: Date,
): ShareState {
  if (link.revokedAt !== null) return 'revoked';
  return link.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The page and URL state as stored: a path on this dashboard (`/open-beta?days=30`), one of the
 * shareable pages (SHARE_PAGES), no fragment. The query string is kept as given.
 */
export function sharePath(path: string): string {
  const pages = Object.keys(SHARE_PAGES).join(', ');
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('#')) {
    throw badInput(
      'path: must be a dashboard path with its query string, e.g. /open-beta?days=30',
      'path',
    );
  }
  if (path.length > SHARE_PATH_MAX) {
    throw badInput(`path: must be at most ${SHARE_PATH_MAX} characters`, 'path');
  }
  const url = new URL(path, 'http://dashboard.invalid');
  if (!isSharePage(url.pathname) || path.split('?')[0] !== url.pathname) {
    throw badInput(`path: must be one of the shareable pages (${pages})`, 'path');
  }
  return path;
}

export async function listShareLinks(em: EntityManager): Promise<ShareLink[]> {
  const rows = await runSql<ShareLinkRow>(
    em,
    listShareLinksSql,
    {},
    {
      name: 'listShareLinks',
      read: true,
    },
  );
  return rows.map(linkOf);
}

/** The new link and its token: the only time the token is seen (only its hash is stored). */
export async function createShareLink(
  em: EntityManager,
  input: { path: string; expiresInDays?: number | null; label?: string | null },
): Promise<{ link: ShareLink; token: string }> {
  const path = sharePath(input.path);
  const days = input.expiresInDays ?? SHARE_DAYS_DEFAULT;
  if (!Number.isInteger(days) || days < 1 || days > SHARE_DAYS_MAX) {
    throw badInput(
      `expiresInDays: must be a whole number of days from 1 to ${SHARE_DAYS_MAX} (got ${days})`,
      'expiresInDays',
    );
  }
  const label = input.label?.trim() || null;
  if (label !== null && label.length > SHARE_LABEL_MAX) {
    throw badInput(
      `label: must be at most ${SHARE_LABEL_MAX} characters after trimming (got ${label.length})`,
      'label',
    );
  }
  const token = `${SHARE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [link] = await runSql<ShareLinkRow>(
    em,
    insertShareLinkSql,
    { id: randomUUID(), tokenHash: shareTokenHash(token), path, label, days },
    { name: 'insertShareLink' },
  );
  if (!link) throw new Error('insert into share_links answered no row');
  return { link: linkOf(link), token };
}

/** The revoked link, or null when the id names none. */
export async function revokeShareLink(em: EntityManager, id: string): Promise<ShareLink | null> {
  if (!UUID.test(id)) throw badInput('id: must be a share link id (a UUID)', 'id');
  const [revoked] = await runSql<ShareLinkRow>(
    em,
    revokeShareLinkSql,
    { id },
    { name: 'revokeShareLink' },
  );
  // revoked before (or no such link): answered as it is, with its first instant
  const [row] = revoked
    ? [revoked]
    : await runSql<ShareLinkRow>(em, getShareLinkSql, { id }, { name: 'getShareLink' });
  return row ? linkOf(row) : null;
}

/** The link a presented share token opens (expired and revoked ones too), null when none. */
export async function findShareGrant(em: EntityManager, token: string): Promise<ShareGrant | null> {
  const [row] = await runSql<ShareLinkRow>(
    em,
    getShareLinkByHashSql,
    { tokenHash: shareTokenHash(token) },
    { name: 'getShareLinkByHash' },
  );
  return row ? linkOf(row) : null;
}
