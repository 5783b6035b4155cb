import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Orm } from '../../src/orm.js';
import { createTestDatabase } from './database.js';

export const INGEST_TOKEN = 'test-ingest-token';
export const ADMIN_TOKEN = 'test-admin-token';
export const VIEWER_TOKEN = 'test-viewer-token';
/** Fixed for every test: events from this instant on are stamped `open_beta`. */
export const OPEN_BETA_STARTS_AT = '2026-10-01';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** The batch mutation of each pipeline, for fixtures that must go in whole. */
const RECORD_BATCH = {
  recordEvents: ['events', 'EventInput'],
  recordErrors: ['errors', 'ErrorInput'],
  recordTraces: ['traces', 'TraceInput'],
} as const;

export interface TestApp {
  orm: Orm;
  baseUrl: string;
  gql: <T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ) => Promise<GraphQLResponse<T>>;
  /** Sends fixtures through the real batch mutation with the ingest token; all must be stored. */
  record: (mutation: keyof typeof RECORD_BATCH, items: object[]) => Promise<void>;
  /** Raw rows (timestamps come back as text); `any` keeps fixtures terse in assertions. */
  sql: <T = any>(query: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

/** The real server (HTTP on a random port) on a fresh database of its own. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({ OPEN_BETA_STARTS_AT, SEED_DEMO: '0', ...env });
  const { server } = createApp({
    orm: db.orm,
    config,
    tokens: { ingest: [INGEST_TOKEN], admin: [ADMIN_TOKEN], viewer: [VIEWER_TOKEN] },
    logger: pino({ level: 'silent' }),
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app: TestApp = {
    orm: db.orm,
    baseUrl,
    gql: async (query, variables = {}, token = ADMIN_TOKEN) => {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, ...body } as GraphQLResponse<any>;
    },
    record: async (mutation, items) => {
      const [arg, type] = RECORD_BATCH[mutation];
      const res = await app.gql(
        `mutation ($items: [${type}!]!) { ${mutation}(${arg}: $items) { accepted rejected errors { index message } } }`,
        { items },
        INGEST_TOKEN,
      );
      const result = res.data?.[mutation];
      if (res.errors || result?.accepted !== items.length) {
        throw new Error(`fixture not stored: ${JSON.stringify(res.errors ?? result)}`);
      }
    },
    sql: (query, params = []) => db.orm.em.getConnection().execute(query, params),
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await db.drop();
    },
  };
  return app;
}
