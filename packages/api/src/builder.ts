import type { EntityManager } from '@mikro-orm/postgresql';
import SchemaBuilder from '@pothos/core';
import type { Logger } from 'pino';
import type { Config } from './config.js';

export type TokenKind = 'admin' | 'ingest';

export interface Context {
  /** Forked per request: a resolver never touches the global EntityManager. */
  em: EntityManager;
  /** Null only for a request that slipped past the token check; execution refuses it. */
  tokenKind: TokenKind | null;
  /** Server clock at ingest (`received_at`, docs/api.md#pipelines), one instant for the whole request. */
  receivedAt: Date;
  config: Config;
  /** The server's logger, for what a request must leave on record (e.g. an erasure). */
  logger: Logger;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
}>({ defaultFieldNullability: false });

builder.queryType({ description: 'Reads: KPIs and analyst queries (admin tokens only).' });
builder.mutationType({
  description: 'Writes: the `record*` ingest mutations (ingest or admin tokens).',
});
