import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './packages/api/src/db/embedded.js';
import './packages/api/test/helpers/provided.js';

/**
 * Tests use the PostgreSQL of `DATABASE_URL` when set (CI: the machine's own server); else they
 * start an embedded one, so `pnpm test` works on a machine with nothing but Node.js. Each test
 * file then creates its own database on that server (see packages/api/test/helpers).
 */

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL);
    return;
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: join(import.meta.dirname, '.test-data'),
  });
  project.provide('databaseUrl', embedded.url('postgres'));
  return async () => embedded.stop();
}
