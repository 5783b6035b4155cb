import { EVENT_NAMES } from '@cortex-telemetry/events';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoItems, ERROR_TEMPLATES, type SeedSummary, seedDemoIfEmpty } from '../seed/index.js';
import { loadConfig } from '../src/config.js';
import { ingestItems } from '../src/modules/ingest/ingest.service.js';
import { rebuildDaySetsSql } from '../src/modules/kpi/day-sets.sql.js';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import type { Orm } from '../src/orm.js';
import { createTestDatabase } from './helpers/database.js';

/**
 * The demo seed on a fresh database: the population the dashboards promise (~40 closed-beta
 * testers, ~1,500 open-beta users), every catalog event, real error groups and traces, a no-op
 * second run, and KPI rollups that agree with the raw events they were maintained from.
 */
const NOW = new Date('2026-11-26T12:00:00.000Z');
/**
 * The demo stamps phases itself: the 90 days start 2026-08-29 (89 days before the 26th) and the
 * closed beta has the first 45 of them, so the open beta starts 2026-08-29 + 45 = 2026-10-13
 * (Aug 29 → Sep 29 is 31 days, → Oct 13 another 14). The configured start is years away on
 * purpose: the demo must not depend on it.
 */
const DEMO_OPEN_BETA = '2026-10-13T00:00:00.000Z';
const config = loadConfig({ OPEN_BETA_STARTS_AT: '2030-01-01', SEED_DEMO: '1' });
const logger = pino({ level: 'silent' });

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
let summary: SeedSummary;
const sql = <T = Record<string, any>>(query: string, params: unknown[] = []) =>
  orm.em.fork().getConnection().execute<T[]>(query, params);

beforeAll(async () => {
  db = await createTestDatabase();
  orm = db.orm;
  summary = await seedDemoIfEmpty({ orm, config, ingest: ingestItems }, logger, { now: NOW });
}, 180_000);
afterAll(async () => db?.drop());

describe('seedDemoIfEmpty', () => {
  it('seeds a modest demo through the ingest path, nothing rejected', async () => {
    expect(summary.seeded).toBe(true);
    expect(summary.events).toBeGreaterThan(100_000);
    expect(summary.events + summary.errors + summary.traces).toBeLessThan(300_000);
    const [failed] = await sql('select count(*)::int as n from telemetry_failed_items');
    expect(failed?.n).toBe(0);
  });

  it('has ~40 closed-beta and ~1,500 open-beta users, phases split at day 45', async () => {
    const rows = await sql<{ phase: string; users: number }>(
      'select phase, count(distinct user_id_hash)::int as users from telemetry_events group by phase',
    );
    const users = Object.fromEntries(rows.map((r) => [r.phase, r.users]));
    expect(users.closed_beta).toBeGreaterThanOrEqual(35);
    expect(users.closed_beta).toBeLessThanOrEqual(45);
    expect(users.open_beta).toBeGreaterThanOrEqual(1_400);
    expect(users.open_beta).toBeLessThanOrEqual(1_600);
    const [misfiled] = await sql(
      `select count(*)::int as n from telemetry_events
       where phase <> case when "timestamp" >= ?::timestamptz then 'open_beta' else 'closed_beta' end`,
      [DEMO_OPEN_BETA],
    );
    expect(misfiled?.n).toBe(0);
    // some testers stay on after the closed beta ends
    const [carried] = await sql(
      `select count(*)::int as n from (select user_id_hash from telemetry_events
         group by 1 having count(distinct phase) = 2) both_phases`,
    );
    expect(carried?.n).toBeGreaterThanOrEqual(15);
    expect(carried?.n).toBeLessThan(users.closed_beta ?? 0);
  });

  it('covers the last 90 days up to now, never the future', async () => {
    const [span] = await sql(
      `select min("timestamp") as first, max("timestamp") as last, count(distinct received_at)::int as received
       from telemetry_events`,
    );
    expect(new Date(span?.last).getTime()).toBeLessThanOrEqual(NOW.getTime());
    const days = (NOW.getTime() - new Date(span?.first).getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(80);
    expect(days).toBeLessThan(90);
    expect(span?.received).toBe(1);
  });

  it('uses every one of the 17 catalog events', async () => {
    const rows = await sql<{ event_name: string }>(
      'select distinct event_name from telemetry_events order by 1',
    );
    expect(rows.map((r) => r.event_name)).toEqual([...EVENT_NAMES].sort());
  });

  it('has resurrections, conversions and some cancellations', async () => {
    const [r] = await sql(
      `select
         count(distinct user_id_hash) filter (where event_name = 'session_resumed_from_context')::int as resumed,
         count(distinct user_id_hash) filter (where event_name = 'paid_subscription_started')::int as converted,
         count(distinct user_id_hash) filter (where event_name = 'paid_subscription_canceled')::int as canceled
       from telemetry_events`,
    );
    expect(r?.resumed).toBeGreaterThan(50);
    expect(r?.converted).toBeGreaterThan(30);
    expect(r?.converted).toBeLessThan(300);
    expect(r?.canceled).toBeGreaterThan(0);
    expect(r?.canceled).toBeLessThan(r?.converted);
  });

  it('groups errors into a few recurring stack hashes with several severities', async () => {
    const [e] = await sql(
      `select count(*)::int as errors, count(distinct stack_hash)::int as groups,
         count(distinct severity)::int as severities, count(distinct client_version)::int as versions
       from telemetry_errors`,
    );
    expect(e?.errors).toBeGreaterThan(200);
    // each bug recurs across releases and machines yet stays one group
    expect(e?.groups).toBe(ERROR_TEMPLATES.length);
    expect(e?.severities).toBe(4);
    expect(e?.versions).toBeGreaterThan(3);
  });

  it('has traces of the MCP tools with realistic latencies', async () => {
    const rows = await sql<{ operation_name: string; p50: number; p95: number }>(
      `select operation_name,
         percentile_cont(0.5) within group (order by duration_ms) as p50,
         percentile_cont(0.95) within group (order by duration_ms) as p95
       from telemetry_traces group by 1`,
    );
    const byTool = Object.fromEntries(rows.map((r) => [r.operation_name, r]));
    expect(Object.keys(byTool)).toEqual(
      expect.arrayContaining(['search_context', 'get_active_summary', 'update_memory']),
    );
    expect(byTool.search_context?.p50).toBeGreaterThan(80);
    expect(byTool.search_context?.p50).toBeLessThan(250);
    expect(byTool.search_context?.p95).toBeGreaterThan(byTool.search_context?.p50 ?? 0);
    expect(byTool.sync_to_cloud?.p50).toBeGreaterThan(byTool.list_contexts?.p50 ?? Infinity);
  });

  it('keeps the KPI day sets equal to a rebuild from the raw events', async () => {
    const days = `select kind, phase_key, channel_key, user_id_hash, session_id, day, prev_day
      from kpi_days`;
    const links =
      'select kind, phase_key, channel_key, day, prev_day, subjects from kpi_day_links where subjects <> 0';
    // the seed writes through ingest, which leaves day facts pending until a fold (or KPI read)
    await foldPendingDays(orm.em.fork());
    await sql(`create temp table seeded_days as ${days}`);
    await sql(`create temp table seeded_links as ${links}`);
    for (const statement of rebuildDaySetsSql) await sql(statement);
    for (const [maintained, rebuilt] of [
      ['seeded_days', days],
      ['seeded_links', links],
    ] as const) {
      const [diff] = await sql(
        `select (select count(*) from (select * from ${maintained} except ${rebuilt}) a)::int as stale,
                (select count(*) from (${rebuilt} except select * from ${maintained}) b)::int as missing,
                (select count(*) from ${maintained})::int as rows`,
      );
      expect(diff).toMatchObject({ stale: 0, missing: 0 });
      expect(diff?.rows).toBeGreaterThan(1_000);
    }
  });

  it('does nothing the second time', async () => {
    const count = async () =>
      sql(`select (select count(*) from telemetry_events)::int as events,
             (select count(*) from telemetry_errors)::int as errors,
             (select count(*) from telemetry_traces)::int as traces,
             (select count(*) from kpi_days)::int as day_rows,
             (select sum(subjects) from kpi_day_links)::int as linked_days`);
    const before = await count();
    const again = await seedDemoIfEmpty({ orm, config, ingest: ingestItems }, logger, { now: NOW });
    expect(again.seeded).toBe(false);
    expect(await count()).toEqual(before);
    expect(before[0]).toMatchObject({
      events: summary.events,
      errors: summary.errors,
      traces: summary.traces,
    });
  });
});

describe('demoItems', () => {
  const small = { closed: 3, open: 25 };
  const generate = (seed: number, now = NOW) => [...demoItems({ now, seed, users: small })];

  it('is deterministic for a seed and a day, and differs between seeds', () => {
    const first = generate(7);
    expect(first.length).toBeGreaterThan(100);
    expect(generate(7)).toEqual(first);
    expect(generate(8)).not.toEqual(first);
  });

  it('stamps every item with its phase, whatever today is', () => {
    // a year later: the split moves with "now" (2027-11-26 − 89 days = 2027-08-29, + 45 = 10-13)
    const later = new Date('2027-11-26T12:00:00.000Z');
    const split = Date.parse('2027-10-13T00:00:00.000Z');
    const items = generate(7, later);
    const phases = new Set(items.map((i) => i.item.phase));
    expect(phases).toEqual(new Set(['closed_beta', 'open_beta']));
    const misfiled = items.filter(
      (i) =>
        ((i.item.timestamp as Date).getTime() >= split ? 'open_beta' : 'closed_beta') !==
        i.item.phase,
    );
    expect(misfiled).toEqual([]);
  });
});
