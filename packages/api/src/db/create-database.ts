import pg from 'pg';

/**
 * Test and benchmark databases: one fresh database per test file or run, on the server of an
 * admin URL (its `postgres` database, say). On a Citus coordinator — the `citus` extension
 * installed in the admin database — a new database must become a cluster database of its own:
 * Citus keeps its node list per database. So there it is created on every node (Citus
 * propagates CREATE DATABASE when asked to), the extension is installed on every node, and the
 * coordinator's node list is copied in from the admin database.
 */

/** Serialises database set-up on a Citus cluster: concurrent node registrations conflict. */
const CITUS_SETUP_LOCK = 4242_0001;

interface CitusNode {
  nodename: string;
  nodeport: number;
  coordinator: boolean;
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // a connection the server ends surfaces as the failed query's error, not as an uncaught one
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The cluster's nodes when `client` is connected to a Citus coordinator, else null. */
async function citusNodes(client: pg.Client): Promise<CitusNode[] | null> {
  const { rowCount } = await client.query("select 1 from pg_extension where extname = 'citus'");
  if (!rowCount) return null;
  const { rows } = await client.query<CitusNode>(
    `select nodename, nodeport, groupid = 0 as coordinator from pg_dist_node
     where noderole = 'primary' and isactive order by groupid`,
  );
  return rows;
}

async function setUpCitusDatabase(
  url: string,
  name: string,
  nodes: CitusNode[],
  shardCount: number | undefined,
): Promise<void> {
  await withClient(url, async (db) => {
    // before any table exists: the shards each distributed table is split into
    if (shardCount) {
      await db.query(
        `alter database ${db.escapeIdentifier(name)} set citus.shard_count = ${shardCount}`,
      );
    }
    await db.query('create extension if not exists citus');
    const workers = nodes.filter((n) => !n.coordinator);
    const { rows } = await db.query<{ success: boolean; node_name: string; result: string }>(
      'select * from master_run_on_worker($1::text[], $2::int[], $3::text[], true)',
      [
        workers.map((w) => w.nodename),
        workers.map((w) => w.nodeport),
        workers.map(() => 'create extension if not exists citus'),
      ],
    );
    const failed = rows.find((r) => !r.success);
    if (failed) throw new Error(`citus on ${failed.node_name}: ${failed.result}`);
    const coordinator = nodes.find((n) => n.coordinator);
    if (coordinator) {
      await db.query('select citus_set_coordinator_host($1, $2)', [
        coordinator.nodename,
        coordinator.nodeport,
      ]);
    }
    for (const w of workers) {
      await db.query('select citus_add_node($1, $2)', [w.nodename, w.nodeport]);
    }
  });
}

/**
 * Creates `name` on the server of `adminUrl` unless it exists (PostgreSQL has no IF NOT EXISTS).
 * On Citus, `shardCount` sets how many shards its distributed tables get (Citus's default: 32).
 */
export async function ensureDatabase(
  adminUrl: string,
  name: string,
  options: { shardCount?: number } = {},
): Promise<void> {
  await withClient(adminUrl, async (admin) => {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return;
    const nodes = await citusNodes(admin);
    if (!nodes) {
      await admin.query(`create database ${admin.escapeIdentifier(name)}`);
      return;
    }
    // held until this session ends
    await admin.query('select pg_advisory_lock($1)', [CITUS_SETUP_LOCK]);
    // one statement per query: CREATE DATABASE refuses to run in a multi-statement string
    await admin.query('set citus.enable_create_database_propagation = on');
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
    await setUpCitusDatabase(withDatabase(adminUrl, name), name, nodes, options.shardCount);
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let citus = false;
    try {
      // a fresh session per attempt: a failed one may have lost its connection
      await withClient(adminUrl, async (admin) => {
        citus = (await citusNodes(admin)) !== null;
        const target = admin.escapeIdentifier(name);
        if (citus) {
          await admin.query('set citus.enable_create_database_propagation = on');
          // the other nodes' maintenance daemons reconnect unless refused; but a database a
          // failed drop left invalid (datconnlimit -2) can only be dropped: altering it ends
          // the session
          const { rows } = await admin.query<{ limit: number }>(
            'select datconnlimit as limit from pg_database where datname = $1',
            [name],
          );
          if (rows[0] && rows[0].limit !== -2) {
            await admin.query(`alter database ${target} with allow_connections false`);
          }
        }
        await admin.query(`drop database if exists ${target} with (force)`);
      });
      return;
    } catch (error) {
      // an earlier attempt dropped it on some nodes: Citus reports the ones where it is gone
      if (citus && /does not exist/.test(String(error))) return;
      if (!citus || attempt >= 5) throw error;
      await new Promise((done) => setTimeout(done, 500 * attempt));
    }
  }
}

/** The same server's URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
