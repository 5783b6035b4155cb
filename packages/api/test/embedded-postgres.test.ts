import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WAL_SIZE, sharedBuffersMb } from '../src/db/embedded.js';
import { type PrivatePostgres, startPrivatePostgres } from './helpers/private-postgres.js';

const GiB = 2 ** 30;

describe('the embedded PostgreSQL (pnpm start without DATABASE_URL)', () => {
  it('sizes shared_buffers at a quarter of memory, between 128 MB and 2 GB', () => {
    expect(sharedBuffersMb(4 * GiB)).toBe(1024);
    expect(sharedBuffersMb(6 * GiB)).toBe(1536);
    // a small machine keeps PostgreSQL's default; a large one stops at 2 GB
    expect(sharedBuffersMb(0.25 * GiB)).toBe(128);
    expect(sharedBuffersMb(0.75 * GiB)).toBe(192);
    expect(sharedBuffersMb(24 * GiB)).toBe(2048);
    expect(sharedBuffersMb(8 * GiB + 4 * 2 ** 20)).toBe(2048);
  });

  describe('a server started by it', () => {
    let postgres: PrivatePostgres;
    beforeAll(async () => {
      postgres = await startPrivatePostgres();
    }, 120_000);
    afterAll(async () => postgres?.destroy());

    it('runs with that shared_buffers, and room for the WAL of sustained ingest', async () => {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ mb: number }>(
          "select setting::int * 8 / 1024 as mb from pg_settings where name = 'shared_buffers'",
        );
        expect(rows[0]?.mb).toBe(sharedBuffersMb());
        expect(sharedBuffersMb()).toBeGreaterThan(128); // this machine: more than 512 MB of memory
        const wal = await client.query<{ max_wal_size: string }>('show max_wal_size');
        expect(wal.rows[0]?.max_wal_size).toBe(MAX_WAL_SIZE);
      } finally {
        await client.end();
      }
    });
  });
});
