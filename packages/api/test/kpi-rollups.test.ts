import { EVENT_NAMES } from '@cortex-telemetry/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../seed/random.js';
import { foldPendingSql, rebuildDaySetsSql } from '../src/modules/kpi/day-sets.sql.js';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/**
 * The KPI day sets that ingest notes and the fold merges (kpi_days with their previous-day
 * links, and the kpi_day_links histogram) must always equal the same sets recomputed from the
 * raw events, whatever the arrival order, duplicates, batching, concurrency and fold timing. The recomputation is
 * written here on purpose, by hand, from the definitions in modules/kpi/day-sets.sql.ts.
 */
const DAY_SETS_FROM_EVENTS = `
  with facts as (
    select user_id_hash, ("timestamp" at time zone 'UTC')::date as day, phase, channel,
      session_id, event_name
    from telemetry_events
  ),
  kinds as (
    select 'active' as kind, user_id_hash, '' as session_id, day, phase, channel from facts
    where event_name in ('session_started', 'extension_activated', 'server_operation_called',
      'web_view_opened')
    union select 'resumed', user_id_hash, '', day, phase, channel from facts
    where event_name = 'session_resumed_from_context'
    union select 'session', user_id_hash, session_id, day, phase, channel from facts
    where session_id <> ''
    union select 'dependency', user_id_hash, session_id, day, phase, channel from facts
    where session_id <> '' and event_name in ('context_loaded', 'context_resumed')
  ),
  scoped as (
    select kind, '*' as phase_key, '*' as channel_key, user_id_hash, session_id, day from kinds
    union select kind, phase, '*', user_id_hash, session_id, day from kinds
    union select kind, '*', channel, user_id_hash, session_id, day from kinds
    union select kind, phase, channel, user_id_hash, session_id, day from kinds
  ),
  -- comebacks: active days whose previous active day (same scope) is at least 8 days earlier
  days as (
    select * from scoped
    union all
    select 'comeback', phase_key, channel_key, user_id_hash, '', day from scoped a
    where kind = 'active' and (select max(o.day) from scoped o
      where (o.kind, o.phase_key, o.channel_key, o.user_id_hash)
        = (a.kind, a.phase_key, a.channel_key, a.user_id_hash) and o.day < a.day) <= a.day - 8
  )
  select kind, phase_key, channel_key, user_id_hash, session_id, day::text as day,
    coalesce((select max(o.day) from days o
      where (o.kind, o.phase_key, o.channel_key, o.user_id_hash, o.session_id)
        = (s.kind, s.phase_key, s.channel_key, s.user_id_hash, s.session_id)
        and o.day < s.day)::text, '-infinity') as prev_day
  from days s
  order by 1, 2, 3, 4, 5, 6`;
const DAY_SETS = `
  select kind, phase_key, channel_key, user_id_hash, session_id, day::text as day,
    prev_day::text as prev_day
  from kpi_days order by 1, 2, 3, 4, 5, 6`;
const LINKS = `
  select kind, phase_key, channel_key, day::text as day, prev_day::text as prev_day, subjects
  from kpi_day_links where subjects <> 0 order by 1, 2, 3, 4, 5`;

const CELLS = `
  select phase_key, channel_key, period_days, cohort::text as cohort, period::text as period, users
  from kpi_cohort_cells where users <> 0 order by 1, 2, 3, 4, 5`;

/** A day's period start: the day itself, or the Monday of its ISO week. */
const periodStart = (day: string, periodDays: number) => {
  if (periodDays === 1) return day;
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
};

/**
 * The cohort cells the day sets imply (modules/kpi/cohort-cells.sql.ts): per scope and period
 * length, users by (period of their first active day, period they were active in).
 */
function cellsOf(days: Record<string, string>[]) {
  const timelines = new Map<string, string[]>();
  for (const d of days.filter((r) => r.kind === 'active')) {
    const key = [d.phase_key, d.channel_key, d.user_id_hash].join('|');
    timelines.set(key, [...(timelines.get(key) ?? []), d.day!]);
  }
  const counts = new Map<string, number>();
  for (const [key, userDays] of timelines) {
    const [phase_key, channel_key] = key.split('|');
    const first = [...userDays].sort()[0]!;
    for (const periodDays of [1, 7]) {
      const periods = new Set(userDays.map((day) => periodStart(day, periodDays)));
      for (const period of periods) {
        const cell = [phase_key, channel_key, periodDays, periodStart(first, periodDays), period];
        counts.set(cell.join('|'), (counts.get(cell.join('|')) ?? 0) + 1);
      }
    }
  }
  return [...counts.entries()]
    .map(([key, users]) => {
      const [phase_key, channel_key, periodDays, cohort, period] = key.split('|');
      return { phase_key, channel_key, period_days: Number(periodDays), cohort, period, users };
    })
    .sort((a, b) => {
      const x = [a.phase_key, a.channel_key, a.period_days, a.cohort, a.period];
      const y = [b.phase_key, b.channel_key, b.period_days, b.cohort, b.period];
      for (let i = 0; i < x.length; i++) {
        if (x[i]! < y[i]!) return -1;
        if (x[i]! > y[i]!) return 1;
      }
      return 0;
    });
}

/** The histogram the day sets imply: rows per (kind, scope, day, previous day). */
function linksOf(days: Record<string, string>[]) {
  const counts = new Map<string, number>();
  for (const d of days) {
    const key = [d.kind, d.phase_key, d.channel_key, d.day, d.prev_day].join('|');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, subjects]) => {
      const [kind, phase_key, channel_key, day, prev_day] = key.split('|');
      return { kind, phase_key, channel_key, day, prev_day, subjects };
    });
}

const RECORD_EVENTS = /* GraphQL */ `
  mutation ($events: [EventInput!]!) {
    recordEvents(events: $events) { accepted duplicates rejected }
  }`;

type WireEvent = Record<string, string>;

/** ~600 events over 12 days, 6 users, shared and empty session ids, every channel and phase. */
function generate(): WireEvent[] {
  const random = mulberry32(99);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const events: WireEvent[] = [];
  for (let i = 0; i < 600; i++) {
    const day = 1 + Math.floor(random() * 12);
    const ms = Math.floor(random() * 86_400_000);
    const timestamp = new Date(Date.UTC(2026, 8, day) + (random() < 0.05 ? 0 : ms));
    const session = pick(['', '', 's1', 's2', 's3', 'shared']);
    events.push({
      eventId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
      eventName: (random() < 0.4
        ? pick(EVENT_NAMES.slice(10, 15))
        : pick(EVENT_NAMES)
      ).toUpperCase(),
      timestamp: timestamp.toISOString(),
      userIdHash: `user-${Math.floor(random() * 6)}`,
      ...(session === '' && random() < 0.5 ? {} : { sessionId: session }),
      channel: pick(['EXTENSION', 'SERVER', 'WEB']),
      phase: pick(['CLOSED_BETA', 'OPEN_BETA']),
    });
  }
  return events;
}

describe('KPI day sets equal those recomputed from telemetry_events', () => {
  let app: TestApp;
  const events = generate();
  let sent = 0;
  let accepted = 0;
  let duplicates = 0;

  const send = async (batch: WireEvent[]) => {
    const res = await app.gql(RECORD_EVENTS, { events: batch }, INGEST_TOKEN);
    expect(res.errors).toBeUndefined();
    expect(res.data?.recordEvents.rejected).toBe(0);
    sent += batch.length;
    accepted += res.data?.recordEvents.accepted;
    duplicates += res.data?.recordEvents.duplicates;
  };

  const fold = () => foldPendingDays(app.orm.em.fork());

  beforeAll(async () => {
    app = await startTestApp();
    // latest days first, so earlier days arrive late and must be linked in between
    const newestFirst = [...events].sort((a, b) => b.timestamp!.localeCompare(a.timestamp!));
    const firstHalf = newestFirst.slice(0, 300);
    for (let i = 0; i < firstHalf.length; i += 70) {
      const batch = firstHalf.slice(i, i + 70);
      // a twin inside the batch, with a different day and name: only the first copy may count
      const twin = {
        ...batch[0]!,
        timestamp: '2026-09-20T10:00:00.000Z',
        eventName: 'SESSION_STARTED',
      };
      await send([...batch, twin]);
      // folds between some batches, so later folds must re-link days folded earlier
      if (i % 140 === 0) await fold();
    }
    // re-sent: a retry of what was already stored, mixed with new events
    await send([...newestFirst.slice(250, 330), ...newestFirst.slice(0, 40)]);
    // concurrent batches touching the same users and days, with ids claimed by two batches at once
    const rest = newestFirst.slice(330);
    const shared = rest.slice(0, 30);
    // …and folds racing them, of every user or of one lane of two (FOLD_LANES = 2, each lane
    // its share of the users): each fact is folded exactly once, whichever fold claims it, and
    // lanes folding side by side add to the same histogram rows and cohort cells
    const lane = (index: number) => foldPendingDays(app.orm.em.fork(), { index, count: 2 });
    await Promise.all([
      send([...shared, ...rest.slice(30, 120)]),
      lane(0),
      lane(1),
      send([...rest.slice(120, 210), ...shared]),
      fold(),
      lane(1),
      send(rest.slice(210)),
      lane(0),
      lane(1),
    ]);
    await fold();
  });
  afterAll(async () => app?.close());

  it('stores each event id once and counts the rest as duplicates', async () => {
    expect(accepted).toBe(600);
    expect(duplicates).toBe(sent - 600);
    const [stored] = await app.sql<{ n: number }>(
      'select count(*)::int as n from telemetry_events',
    );
    expect(stored?.n).toBe(600);
  });

  it('keeps kpi_days, previous-day links included, equal to the sets of the stored events', async () => {
    const expected = await app.sql(DAY_SETS_FROM_EVENTS);
    expect(expected.length).toBeGreaterThan(400);
    for (const kind of ['active', 'resumed', 'session', 'dependency', 'comeback']) {
      expect(expected.some((r) => r.kind === kind)).toBe(true);
    }
    expect(expected.some((r) => r.session_id === 'shared')).toBe(true);
    expect(await app.sql(DAY_SETS)).toEqual(expected);
  });

  it('keeps kpi_day_links equal to the histogram of those links', async () => {
    const expected = linksOf(await app.sql(DAY_SETS_FROM_EVENTS));
    expect(await app.sql(LINKS)).toEqual(expected);
  });

  it('keeps kpi_cohort_cells equal to the cohort cells of the active sets', async () => {
    const expected = cellsOf(await app.sql(DAY_SETS_FROM_EVENTS));
    // late days re-linked as some user's first: cohorts before the period of a later first day
    expect(new Set(expected.map((c) => c.cohort)).size).toBeGreaterThan(1);
    expect(expected.some((c) => c.period_days === 7 && c.cohort !== c.period)).toBe(true);
    expect(await app.sql(CELLS)).toEqual(expected);
  });

  it('leaves nothing pending, and a fold that does not commit leaves its facts pending', async () => {
    expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 0 }]);
    const days = await app.sql(DAY_SETS);
    // a re-sent batch stores nothing, so it notes nothing
    await send(events.slice(0, 5));
    expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 0 }]);
    // one new event of user-0 (an activity on a day of its own): one pending fact
    await send([
      {
        eventId: '00000000-0000-4000-8000-100000000000',
        eventName: 'SESSION_STARTED',
        timestamp: '2026-09-30T12:00:00.000Z',
        userIdHash: 'user-0',
        channel: 'WEB',
        phase: 'CLOSED_BETA',
      },
    ]);
    expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 1 }]);
    // the fold's transaction fails after its claim: the claim is undone with it
    const connection = app.orm.em.fork().getConnection();
    await expect(
      connection.transactional(async (trx) => {
        await connection.execute(foldPendingSql, [], 'all', trx);
        throw new Error('crash after the fold statement');
      }),
    ).rejects.toThrow('crash after the fold statement');
    expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 1 }]);
    expect(await app.sql(DAY_SETS)).toEqual(days);
    // folded: 4 scopes of user-0's activity on 09-30 (09-30 is after every generated day), and
    // in each a comeback: user-0's latest earlier activity is on 09-20 at the latest, 9+ idle days
    expect((await fold()).facts).toBe(1);
    const added = (await app.sql(DAY_SETS)).length - days.length;
    expect(added).toBe(8);
    expect(await app.sql(DAY_SETS)).toEqual(await app.sql(DAY_SETS_FROM_EVENTS));
    expect(await app.sql(LINKS)).toEqual(linksOf(await app.sql(DAY_SETS_FROM_EVENTS)));
    expect(await app.sql(CELLS)).toEqual(cellsOf(await app.sql(DAY_SETS_FROM_EVENTS)));
  });

  it('is what the migration backfill and the benchmark load rebuild from raw events', async () => {
    const days = await app.sql(DAY_SETS);
    const links = await app.sql(LINKS);
    const cells = await app.sql(CELLS);
    for (const statement of rebuildDaySetsSql) await app.sql(statement);
    expect(await app.sql(DAY_SETS)).toEqual(days);
    expect(await app.sql(LINKS)).toEqual(links);
    expect(await app.sql(CELLS)).toEqual(cells);
  });
});
