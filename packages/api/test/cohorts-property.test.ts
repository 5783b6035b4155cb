import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import {
  type Broken,
  type CohortEvent,
  referenceFunnel,
  referenceLifecycle,
  referenceRetention,
} from './cohorts-reference.js';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/**
 * Property test of retention, lifecycle and funnels: fast-check histories (fixed seed) of a few
 * users over four weeks on a coarse clock — so events share instants, sit on midnights, on
 * Mondays and exactly windowDays × 24 h apart — go in through the real `recordEvents`, half of
 * them folded into the day sets and half left pending, and every answer must equal the in-memory
 * reference of docs/kpis.md (cohorts-reference.ts). The same runs then show that a reference
 * with one rule broken (cohort boundary, week start, dormant, greedy matching, window cut)
 * disagrees with the engine: each rule is one the test can see. The benchmark's naive SQL over
 * raw events (bench/cohorts-naive.sql.ts, the baseline `bench:kpi` times) must give the engine's
 * answers exactly on the same data, so the baseline the speed-ups are measured against is right.
 */
const SEED = Number(process.env.COHORT_PROPERTY_SEED ?? 2026);
const RUNS = Number(process.env.COHORT_PROPERTY_RUNS ?? 30);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BASE_DAY = Date.UTC(2026, 9, 3) / DAY_MS; // a Saturday: weeks cut the history anywhere
const NAMES = [
  'session_started',
  'extension_activated',
  'web_view_opened',
  'context_created',
  'context_loaded',
] as const;

const eventArb = fc.record({
  user: fc.integer({ min: 0, max: 3 }),
  day: fc.integer({ min: 0, max: 27 }),
  at: fc.constantFrom(0, 6 * HOUR_MS, 12 * HOUR_MS, 23 * HOUR_MS, DAY_MS - 1),
  eventName: fc.constantFrom(...NAMES),
  channel: fc.constantFrom('server', 'web'),
  phase: fc.constantFrom('closed_beta', 'open_beta'),
});
const queryArb = fc.record({
  asOfDay: fc.integer({ min: 0, max: 30 }),
  asOfAt: fc.constantFrom(0, 12 * HOUR_MS, DAY_MS - 1),
  days: fc.constantFrom(1, 3, 7, 10, 15, 30),
  phase: fc.option(fc.constantFrom('closed_beta', 'open_beta'), { nil: undefined }),
  channel: fc.option(fc.constantFrom('server', 'web'), { nil: undefined }),
  period: fc.constantFrom('day' as const, 'week' as const),
  type: fc.constantFrom('first_time' as const, 'recurring' as const),
  intervals: fc.integer({ min: 1, max: 6 }),
  startEvent: fc.option(fc.constantFrom('context_created', 'session_started'), { nil: undefined }),
  returnEvent: fc.option(fc.constantFrom('context_loaded', 'web_view_opened'), { nil: undefined }),
  steps: fc.array(fc.constantFrom(...NAMES), { minLength: 2, maxLength: 4 }),
  windowDays: fc.integer({ min: 1, max: 4 }),
});
type Query = typeof queryArb extends fc.Arbitrary<infer T> ? T : never;

const RECORD_EVENTS = /* GraphQL */ `
  mutation ($events: [EventInput!]!) { recordEvents(events: $events) { accepted rejected } }`;
const COHORTS = /* GraphQL */ `
  query ($days: Int, $asOf: DateTime, $phase: BetaPhase, $channel: Channel,
    $period: RetentionPeriod, $type: RetentionType, $intervals: Int,
    $startEvent: CortexEventName, $returnEvent: CortexEventName,
    $steps: [CortexEventName!]!, $windowDays: Int) {
    retention(days: $days, asOf: $asOf, phase: $phase, channel: $channel, period: $period,
      type: $type, intervals: $intervals, startEvent: $startEvent, returnEvent: $returnEvent) {
      window { from to days } period type intervals startEvent returnEvent
      cohorts { start size values incomplete } average { values }
    }
    lifecycle(days: $days, asOf: $asOf, phase: $phase, channel: $channel, period: $period) {
      window { from to days } period periods { start new returning resurrecting dormant active }
    }
    funnel(days: $days, asOf: $asOf, phase: $phase, channel: $channel, steps: $steps,
      windowDays: $windowDays) {
      window { from to days } windowDays
      steps { eventName users conversionFromStart conversionFromPrevious medianSecondsFromPrevious }
    }
  }`;

/** Rates and medians are compared to 12 significant digits, counts and days exactly. */
function closeFloats(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value)) {
    return expect.closeTo(value, 12 - Math.ceil(Math.log10(Math.abs(value) + 1)));
  }
  if (Array.isArray(value)) return value.map(closeFloats);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closeFloats(v)]));
  }
  return value;
}
const same = (a: unknown, b: unknown) => {
  try {
    expect(a).toEqual(closeFloats(b));
    return true;
  } catch {
    return false;
  }
};

function reference(history: CohortEvent[], q: Query, broken?: Broken) {
  const common = {
    days: q.days,
    asOf: new Date((BASE_DAY + q.asOfDay) * DAY_MS + q.asOfAt),
    phase: q.phase,
    channel: q.channel,
  };
  return {
    retention: referenceRetention(
      history,
      {
        ...common,
        period: q.period,
        type: q.type,
        intervals: q.intervals,
        startEvent: q.startEvent,
        returnEvent: q.returnEvent,
      },
      broken,
    ),
    lifecycle: referenceLifecycle(history, { ...common, period: q.period }, broken),
    funnel: referenceFunnel(
      history,
      { ...common, steps: [...q.steps], windowDays: q.windowDays },
      broken,
    ),
  };
}

/** The bench's naive SQL (bench/ is outside this package's rootDir: loaded at run time). */
type NaiveCohort =
  | {
      kind: 'retention';
      period: 'DAY' | 'WEEK';
      intervals: number;
      type: 'FIRST_TIME' | 'RECURRING';
      startEvent: string | null;
      returnEvent: string | null;
    }
  | { kind: 'lifecycle'; period: 'DAY' | 'WEEK' }
  | { kind: 'funnel'; steps: string[]; windowDays: number };
interface NaiveSql {
  naiveCohort: (db: pg.Pool, q: NaiveCohort, p: Record<string, unknown>) => Promise<unknown>;
}
interface NaiveWindow {
  naiveWindow: (asOf: Date, days: number) => { windowStart: Date; windowEnd: Date };
}
const bench = (file: string) => new URL(`../../../bench/${file}`, import.meta.url).href;
const loadNaiveSql = async () => ({
  ...((await import(bench('cohorts-naive.sql.ts'))) as NaiveSql),
  ...((await import(bench('kpi-naive.sql.ts'))) as NaiveWindow),
});

/** The naive scans' answers to a query, in the GraphQL shape of the fields they return. */
async function naiveAnswers(pool: pg.Pool, q: Query, asOf: Date) {
  const { naiveCohort, naiveWindow } = await loadNaiveSql();
  const period = q.period === 'day' ? 'DAY' : 'WEEK';
  const params = {
    ...naiveWindow(asOf, q.days),
    phase: q.phase ?? null,
    channel: q.channel ?? null,
    inactiveDays: 7,
  };
  return {
    retention: await naiveCohort(
      pool,
      {
        kind: 'retention',
        period,
        intervals: q.intervals,
        type: q.type === 'first_time' ? 'FIRST_TIME' : 'RECURRING',
        startEvent: q.startEvent ?? null,
        returnEvent: q.returnEvent ?? null,
      },
      params,
    ),
    lifecycle: await naiveCohort(pool, { kind: 'lifecycle', period }, params),
    funnel: await naiveCohort(
      pool,
      { kind: 'funnel', steps: [...q.steps], windowDays: q.windowDays },
      params,
    ),
  };
}

// each run loads a history and asks nine engine and nine naive questions: seconds a run on a busy
// machine or a Citus cluster, so the budget grows with the runs asked for
const BUDGET = { timeout: 10_000 * RUNS };

let app: TestApp;
let pool: pg.Pool;
beforeAll(async () => {
  app = await startTestApp();
  pool = new pg.Pool({ connectionString: app.orm.config.get('clientUrl'), max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
});

describe('retention, lifecycle and funnel = docs/kpis.md reference = naive raw-event SQL', () => {
  it(`on ${RUNS} fast-check histories (seed ${SEED}), half of them pending`, BUDGET, async () => {
    const BROKEN: Broken[] = ['cohort-boundary', 'week-start', 'dormant', 'greedy', 'window-cut'];
    const caught = new Set<Broken>();
    let sawPending = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 20, maxLength: 120, size: 'max' }),
        fc.array(queryArb, { minLength: 3, maxLength: 3 }),
        async (generated, queries) => {
          await app.sql(
            'truncate telemetry_events, kpi_days, kpi_day_links, kpi_pending, kpi_cohort_cells',
          );
          const history: CohortEvent[] = generated.map((g, i) => ({
            eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            eventName: g.eventName,
            timestamp: new Date((BASE_DAY + g.day) * DAY_MS + g.at),
            userIdHash: `u${g.user}`,
            sessionId: '',
            channel: g.channel,
            phase: g.phase,
          }));
          const wire = history.map((e) => ({
            eventId: e.eventId,
            eventName: e.eventName.toUpperCase(),
            timestamp: e.timestamp.toISOString(),
            userIdHash: e.userIdHash,
            channel: e.channel.toUpperCase(),
            phase: e.phase.toUpperCase(),
          }));
          for (const part of [0, 1]) {
            const events = wire.filter((_, i) => i % 2 === part);
            if (events.length > 0) {
              const res = await app.gql(RECORD_EVENTS, { events }, INGEST_TOKEN);
              expect(res.data?.recordEvents).toEqual({ accepted: events.length, rejected: 0 });
            }
            if (part === 0) await foldPendingDays(app.orm.em.fork());
          }
          const [pending] = await app.sql<{ n: number }>(
            'select count(*)::int as n from kpi_pending',
          );
          if ((pending?.n ?? 0) > 0) sawPending++;

          for (const q of queries) {
            const asOf = new Date((BASE_DAY + q.asOfDay) * DAY_MS + q.asOfAt);
            const res = await app.gql(COHORTS, {
              days: q.days,
              asOf: asOf.toISOString(),
              phase: q.phase?.toUpperCase(),
              channel: q.channel?.toUpperCase(),
              period: q.period.toUpperCase(),
              type: q.type.toUpperCase(),
              intervals: q.intervals,
              startEvent: q.startEvent?.toUpperCase(),
              returnEvent: q.returnEvent?.toUpperCase(),
              steps: q.steps.map((s) => s.toUpperCase()),
              windowDays: q.windowDays,
            });
            expect(res.errors).toBeUndefined();
            expect(res.data).toEqual(closeFloats(reference(history, q)));
            // the naive scans answer the same numbers, to the last bit (both divide and take
            // medians in float8 the same way), pending days included
            const { retention, lifecycle, funnel } = res.data ?? {};
            expect(await naiveAnswers(pool, q, asOf)).toStrictEqual({
              retention: { cohorts: retention.cohorts, average: retention.average },
              lifecycle: { periods: lifecycle.periods },
              funnel: { steps: funnel.steps },
            });
            for (const broken of BROKEN) {
              if (!same(res.data, reference(history, q, broken))) caught.add(broken);
            }
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(sawPending).toBeGreaterThan(RUNS / 2);
    // every rule is one these runs depend on: a reference that breaks it disagrees with the engine
    expect([...caught].sort()).toEqual([...BROKEN].sort());
  });
});
