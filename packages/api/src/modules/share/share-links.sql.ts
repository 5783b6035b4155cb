/**
 * Share links (docs/api.md#share-links): read-only links to one dashboard page. A reference
 * table on Citus (no user column, a few rows), so every statement here runs as on one node. The
 * token is never stored: `token_hash` is its SHA-256 in hex.
 */

/** The row every statement answers; never the hash, never the token. Timestamps as text. */
export interface ShareLinkRow {
  id: string;
  path: string;
  label: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

const COLUMNS = `id, path, label, created_at as "createdAt", expires_at as "expiresAt",
  revoked_at as "revokedAt"`;

/** No parameters. Newest first: the links an admin just made are the ones looked for. */
export const listShareLinksSql = `
select ${COLUMNS} from share_links order by created_at desc, id`;

/** Parameter `:tokenHash` (hex SHA-256 of the presented token). One row or none. */
export const getShareLinkByHashSql = `
select ${COLUMNS} from share_links where token_hash = :tokenHash`;

/**
 * Parameters `:id` (given by the server), `:tokenHash`, `:path`, `:label`, `:days`. The expiry
 * is counted from the database's clock, the same clock as `created_at`.
 */
export const insertShareLinkSql = `
insert into share_links (id, token_hash, path, label, expires_at)
values (:id::uuid, :tokenHash, :path, :label, now() + make_interval(days => :days::int))
returning ${COLUMNS}`;

/**
 * Parameter `:id`. Revoking twice keeps the first instant. Answers the link, none when there is
 * no such link. `least` skips a null and keeps the earlier instant, so it says "the first
 * revocation" as `coalesce(revoked_at, now())` would; Citus refuses `coalesce`/`case` around
 * `now()` in an UPDATE of a reference table ("non-IMMUTABLE functions are not allowed in CASE or
 * COALESCE statements"), and `least` it allows.
 */
export const revokeShareLinkSql = `
update share_links set revoked_at = least(revoked_at, now()) where id = :id::uuid
returning ${COLUMNS}`;
