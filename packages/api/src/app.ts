import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createRestHandler } from './admin-rest.js';
import type { TokenSet } from './auth.js';
import type { Config } from './config.js';
import { createGraphQL } from './graphql.js';
import { createHttpServer } from './http.js';
import { createLimits } from './limits.js';
import { getFoldBacklog } from './modules/ingest/get-fold-backlog.sql.js';
import { createOtlpHandler } from './modules/otlp/otlp.http.js';
import { isReady, type Orm } from './orm.js';

export interface App {
  yoga: ReturnType<typeof createGraphQL>;
  server: Server;
}

/** Wires GraphQL and HTTP on an initialised ORM; used by `main.ts` and by the tests. */
export function createApp(options: {
  orm: Orm;
  config: Config;
  tokens: TokenSet;
  logger: Logger;
  webDir?: string;
}): App {
  const yoga = createGraphQL(options);
  const server = createHttpServer({
    yoga,
    rest: createRestHandler(yoga, options.tokens),
    ready: () => isReady(options.orm),
    logger: options.logger,
    config: options.config,
    tokens: options.tokens,
    limits: createLimits(options.config, (limit) => getFoldBacklog(options.orm.em.fork(), limit)),
    otlp: createOtlpHandler(options),
    webDir: options.webDir,
  });
  return { yoga, server };
}
