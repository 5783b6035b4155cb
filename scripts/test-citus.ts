import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * `pnpm test:citus`: the API's integration suite — ingest, the KPI property and day-set
 * recomputation tests, analyst lists and aggregates, failed items and their replay, privacy — against a Citus
 * coordinator (CITUS_URL, a database of it with the citus extension and at least two active
 * workers). Each test file creates its own cluster database there (packages/api/src/db/
 * create-database.ts), so the tables are distributed by the migrations exactly as in
 * production (docs/scale-out.md). Without CITUS_URL it says so and passes.
 */
const url = process.env.CITUS_URL;
if (!url) {
  console.log(
    'test:citus skipped: CITUS_URL is not set (a Citus coordinator with two or more workers, e.g. postgresql://postgres@127.0.0.1:9700/postgres; docs/scale-out.md)',
  );
  process.exit(0);
}

// `pg` is a dependency of the api package, not of the repo root
const pg = createRequire(new URL('../packages/api/package.json', import.meta.url))('pg') as {
  Client: new (config: {
    connectionString: string;
  }) => {
    connect(): Promise<void>;
    query(text: string): Promise<{ rows: Record<string, unknown>[] }>;
    end(): Promise<void>;
  };
};
const client = new pg.Client({ connectionString: url });
try {
  await client.connect();
  const { rows } = await client.query(
    `select (select extversion from pg_extension where extname = 'citus') as version,
       (select count(*)::int from pg_dist_node where noderole = 'primary' and isactive and groupid <> 0)
         as workers`,
  );
  const { version, workers } = rows[0] as { version: string | null; workers: number };
  if (!version) throw new Error('the citus extension is not installed in that database');
  if (workers < 2) throw new Error(`it has ${workers} active worker(s); the suite needs two`);
  console.log(`test:citus: Citus ${version} with ${workers} workers at ${url}`);
} catch (error) {
  console.error(`test:citus: CITUS_URL=${url} is not a usable Citus coordinator: ${error}`);
  process.exit(1);
} finally {
  await client.end().catch(() => undefined);
}

const run = spawnSync('npx', ['vitest', 'run', 'packages/api/test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: url },
});
process.exit(run.status ?? 1);
