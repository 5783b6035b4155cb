import type { Scrubber } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

/**
 * The kinds of bearer token (docs/api.md#access). An admin token may call every field; what any
 * other kind may call is declared on the fields themselves (modules/shared/access.ts). A `share`
 * token is not configured but made by an admin (a share link, docs/api.md#share-links) and
 * stored as a hash; it reads one dashboard page.
 */
export const TOKEN_KINDS = ['admin', 'viewer', 'ingest', 'share'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * What a resolver gets per request. It holds values, not the configuration: the schema's base
 * does not import config.ts (graphql.ts picks what is needed from it).
 */
export interface Context {
  /** Forked per request: a resolver never touches the global EntityManager. */
  em: EntityManager;
  /** Null only for a request that slipped past the token check; execution refuses it. */
  tokenKind: TokenKind | null;
  /** Server clock at ingest (`received_at`, docs/api.md#pipelines), one instant for the whole request. */
  receivedAt: Date;
  /** `OPEN_BETA_STARTS_AT`: ingest stamps the phase from it when a client does not say. */
  openBetaStartsAt: Date;
  /** Removes secrets and personal data before anything is stored (docs/privacy.md). */
  scrubber: Scrubber;
  /** The server's logger, for what a request must leave on record (e.g. an erasure). */
  logger: Logger;
  /** What alert rules need from the configuration (docs/alerts.md). */
  alerts: AlertSettings;
  /** The share link a `share` token opens (found by its hash), null for every other request. */
  share: ShareGrant | null;
}

/** A share link as the request sees it: which page it opens, and whether it still does. */
export interface ShareGrant {
  id: string;
  /** The page and its URL state, e.g. `/open-beta?days=30&channel=web`. */
  path: string;
  label: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** `ALERT_ALLOW_PRIVATE_URLS` and the dashboard's address, for alert rules and notifications. */
export interface AlertSettings {
  /** Loopback, link-local and private destinations allowed (tests, local setups). */
  allowPrivateUrls: boolean;
  /** Where the dashboard is reached, for the link in every notification. */
  dashboardUrl: string;
}
