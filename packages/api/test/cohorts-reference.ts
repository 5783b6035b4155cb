import { ACTIVITY_EVENTS } from '@cortex-telemetry/events';
import { isoDay, type RefEvent } from './kpi-reference.js';

/**
 * The test oracle of retention, lifecycle and funnels: docs/kpis.md sections 5–7 written out with
 * plain loops over an in-memory event list — no day sets, no links, no SQL. Days are integers
 * (days since the epoch) inside and `YYYY-MM-DD` outside. `Broken` switches one rule off at a
 * time, so the property test can show that breaking it is caught.
 */
export interface CohortEvent extends RefEvent {
  eventId: string;
}

export interface CohortQuery {
  days: number;
  asOf: Date;
  phase?: string;
  channel?: string;
}

/** One rule each, deliberately wrong (see cohorts-property.test.ts). */
export type Broken =
  | 'cohort-boundary' // an event at a period's first instant counts in the period before
  | 'week-start' // ISO weeks start on Sunday
  | 'dormant' // dormant = active at any earlier time, not just the period before
  | 'greedy' // a step takes the latest candidate, not the earliest
  | 'window-cut'; // an event at exactly the window's end still counts

const DAY_MS = 86_400_000;
const dayOf = (t: number) => Math.floor(t / DAY_MS);
const isActivity = (e: RefEvent) => (ACTIVITY_EVENTS as readonly string[]).includes(e.eventName);

function scope(all: readonly CohortEvent[], q: CohortQuery, broken?: Broken) {
  const lastDay = dayOf(q.asOf.getTime());
  const end = (lastDay + 1) * DAY_MS;
  const firstDay = lastDay - q.days + 1;
  const events = all.filter(
    (e) =>
      (q.phase === undefined || e.phase === q.phase) &&
      (q.channel === undefined || e.channel === q.channel) &&
      (e.timestamp.getTime() < end || (broken === 'window-cut' && e.timestamp.getTime() === end)),
  );
  const window = {
    from: new Date(firstDay * DAY_MS).toISOString(),
    to: new Date(end).toISOString(),
    days: q.days,
  };
  return { events, firstDay, lastDay, start: firstDay * DAY_MS, end, window };
}

/** The day an event counts on; 'cohort-boundary' moves an event at 00:00 to the day before. */
const eventDay = (e: RefEvent, broken?: Broken) =>
  dayOf(e.timestamp.getTime() - (broken === 'cohort-boundary' ? 1 : 0));

/** Period → its first day; ISO weeks start on Monday (epoch day 0, 1970-01-01, was a Thursday). */
function periodStart(day: number, period: 'day' | 'week', broken?: Broken): number {
  if (period === 'day') return day;
  const weekday = (((day + 4) % 7) + 7) % 7; // 0 = Sunday … 6 = Saturday
  const sinceStart = broken === 'week-start' ? weekday : (weekday + 6) % 7;
  return day - sinceStart;
}

/** The periods that start within [firstDay, lastDay], oldest first. */
function periodsIn(firstDay: number, lastDay: number, period: 'day' | 'week', broken?: Broken) {
  const starts: number[] = [];
  for (let d = firstDay; d <= lastDay; d++)
    if (periodStart(d, period, broken) === d) starts.push(d);
  return starts;
}

/** user → the periods (first days) in which `matches` holds for one of their events. */
function periodsByUser(
  events: readonly RefEvent[],
  matches: (e: RefEvent) => boolean,
  period: 'day' | 'week',
  broken?: Broken,
) {
  const byUser = new Map<string, Set<number>>();
  for (const e of events) {
    if (!matches(e)) continue;
    const set = byUser.get(e.userIdHash) ?? new Set<number>();
    byUser.set(e.userIdHash, set);
    set.add(periodStart(eventDay(e, broken), period, broken));
  }
  return byUser;
}

export interface RetentionRefQuery extends CohortQuery {
  period: 'day' | 'week';
  intervals: number;
  type: 'first_time' | 'recurring';
  startEvent?: string;
  returnEvent?: string;
}

export function referenceRetention(
  all: readonly CohortEvent[],
  q: RetentionRefQuery,
  broken?: Broken,
) {
  const s = scope(all, q, broken);
  const starts = periodsIn(s.firstDay, s.lastDay, q.period, broken);
  const n = q.period === 'day' ? 1 : 7;
  const isStart = (e: RefEvent) =>
    q.startEvent === undefined ? isActivity(e) : e.eventName === q.startEvent;
  const isReturn = (e: RefEvent) =>
    q.returnEvent === undefined ? isActivity(e) : e.eventName === q.returnEvent;
  const started = periodsByUser(s.events, isStart, q.period, broken);
  const returned = periodsByUser(s.events, isReturn, q.period, broken);
  const asOfPeriod = periodStart(s.lastDay, q.period, broken);

  const cohorts = starts.map((start) => {
    const members = [...started.entries()]
      .filter(([, periods]) =>
        q.type === 'first_time' ? Math.min(...periods) === start : periods.has(start),
      )
      .map(([user]) => user);
    const length = Math.min(q.intervals, (asOfPeriod - start) / n) + 1;
    const values = Array.from({ length }, (_, k) =>
      k === 0 ? members.length : members.filter((u) => returned.get(u)?.has(start + k * n)).length,
    );
    return {
      start: isoDay(start),
      size: members.length,
      values,
      incomplete: start + (length - 1) * n === asOfPeriod,
    };
  });
  const longest = Math.max(0, ...cohorts.map((c) => c.values.length));
  const average = Array.from({ length: longest }, (_, k) => {
    let back = 0;
    let sizes = 0;
    for (const c of cohorts) {
      if (c.values.length <= k) continue;
      back += c.values[k]!;
      sizes += c.size;
    }
    return sizes === 0 ? null : back / sizes;
  });
  return {
    window: s.window,
    period: q.period.toUpperCase(),
    type: q.type.toUpperCase(),
    intervals: q.intervals,
    startEvent: q.startEvent?.toUpperCase() ?? null,
    returnEvent: q.returnEvent?.toUpperCase() ?? null,
    cohorts,
    average: { values: average },
  };
}

export function referenceLifecycle(
  all: readonly CohortEvent[],
  q: CohortQuery & { period: 'day' | 'week' },
  broken?: Broken,
) {
  const s = scope(all, q, broken);
  const n = q.period === 'day' ? 1 : 7;
  const active = new Map<string, Set<number>>(); // user → active days
  for (const e of s.events) {
    if (!isActivity(e)) continue;
    const days = active.get(e.userIdHash) ?? new Set<number>();
    active.set(e.userIdHash, days);
    days.add(eventDay(e, broken));
  }
  const activeIn = (days: Set<number>, from: number, to: number) =>
    [...days].some((d) => d >= from && d < to);
  const periods = periodsIn(s.firstDay, s.lastDay, q.period, broken).map((start) => {
    let fresh = 0;
    let returning = 0;
    let resurrecting = 0;
    let dormant = 0;
    for (const days of active.values()) {
      const now = activeIn(days, start, start + n);
      const before = activeIn(days, start - n, start);
      const earlier = [...days].some((d) => d < start);
      const first = Math.min(...days);
      if (now && first >= start) fresh++;
      else if (now && before) returning++;
      else if (now && earlier) resurrecting++;
      if (!now && (broken === 'dormant' ? earlier : before)) dormant++;
    }
    return {
      start: isoDay(start),
      new: fresh,
      returning,
      resurrecting,
      dormant,
      active: fresh + returning + resurrecting,
    };
  });
  return { window: s.window, period: q.period.toUpperCase(), periods };
}

export interface FunnelRefQuery extends CohortQuery {
  steps: string[];
  windowDays: number;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function referenceFunnel(all: readonly CohortEvent[], q: FunnelRefQuery, broken?: Broken) {
  const s = scope(all, q, broken);
  const inWindow = s.events.filter((e) => e.timestamp.getTime() >= s.start);
  const reached = q.steps.map(() => 0);
  const gaps: number[][] = q.steps.map(() => []);
  for (const user of new Set(inWindow.map((e) => e.userIdHash))) {
    const mine = inWindow.filter((e) => e.userIdHash === user);
    const time = (e: CohortEvent) => e.timestamp.getTime();
    const earliest = (candidates: CohortEvent[]) =>
      candidates.reduce<CohortEvent | undefined>(
        (best, e) => (best === undefined || time(e) < time(best) ? e : best),
        undefined,
      );
    const entry = earliest(mine.filter((e) => e.eventName === q.steps[0]));
    if (!entry) continue;
    const used = new Set<CohortEvent>([entry]);
    const deadline = time(entry) + q.windowDays * DAY_MS;
    reached[0]!++;
    let previous = entry;
    for (let i = 1; i < q.steps.length; i++) {
      const candidates = mine.filter(
        (e) =>
          e.eventName === q.steps[i] &&
          !used.has(e) &&
          time(e) >= time(previous) &&
          time(e) <= deadline,
      );
      const next =
        broken === 'greedy'
          ? candidates.reduce<CohortEvent | undefined>(
              (best, e) => (best === undefined || time(e) > time(best) ? e : best),
              undefined,
            )
          : earliest(candidates);
      if (!next) break;
      used.add(next);
      reached[i]!++;
      gaps[i]!.push((time(next) - time(previous)) / 1000);
      previous = next;
    }
  }
  const ratio = (a: number, b: number | undefined) => (b ? a / b : null);
  return {
    window: s.window,
    windowDays: q.windowDays,
    steps: q.steps.map((name, i) => ({
      eventName: name.toUpperCase(),
      users: reached[i]!,
      conversionFromStart: ratio(reached[i]!, reached[0]),
      conversionFromPrevious: i === 0 ? null : ratio(reached[i]!, reached[i - 1]),
      medianSecondsFromPrevious: i === 0 ? null : median(gaps[i]!),
    })),
  };
}
