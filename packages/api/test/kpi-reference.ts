import {
  ACTIVITY_EVENTS,
  DEPENDENCY_SIGNAL_EVENTS,
  RESURRECTION_SIGNAL_EVENTS,
  SUBSCRIPTION_CANCEL,
  SUBSCRIPTION_START,
} from '@cortex-telemetry/events';

/**
 * The test oracle: docs/kpis.md written out with plain loops over an in-memory event list, with no
 * rollups, no SQL and no cleverness, so it can be read side by side with the definitions. The
 * KPI engine and the bench's naive SQL are both checked against it. Days are integers (days
 * since the epoch) inside and `YYYY-MM-DD` strings outside, like the GraphQL `Date` scalar.
 */
export interface RefEvent {
  eventName: string;
  timestamp: Date;
  userIdHash: string;
  sessionId: string;
  channel: string;
  phase: string;
}

export interface RefQuery {
  days: number;
  asOf: Date;
  /** Wire values (`open_beta`, `server`), or undefined for no filter. */
  phase?: string;
  channel?: string;
  inactiveDays?: number;
}

export interface RefWindow {
  from: string;
  to: string;
  days: number;
}

const DAY_MS = 86_400_000;
const dayOf = (t: Date) => Math.floor(t.getTime() / DAY_MS);
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

const isActivity = (e: RefEvent) => (ACTIVITY_EVENTS as readonly string[]).includes(e.eventName);
const isDependency = (e: RefEvent) =>
  (DEPENDENCY_SIGNAL_EVENTS as readonly string[]).includes(e.eventName);
const isResumedFromContext = (e: RefEvent) =>
  (RESURRECTION_SIGNAL_EVENTS as readonly string[]).includes(e.eventName);

/** windowEnd = 00:00 UTC of the day after asOf's day (exclusive); windowStart = end − days. */
function windowOf(q: RefQuery) {
  const lastDay = dayOf(q.asOf);
  const firstDay = lastDay - q.days + 1;
  const days: number[] = [];
  for (let d = firstDay; d <= lastDay; d++) days.push(d);
  const window: RefWindow = {
    from: new Date(firstDay * DAY_MS).toISOString(),
    to: new Date((lastDay + 1) * DAY_MS).toISOString(),
    days: q.days,
  };
  return { firstDay, lastDay, days, window, start: firstDay * DAY_MS, end: (lastDay + 1) * DAY_MS };
}

/** Filters come first: everything below only ever sees the matching events. */
function filtered(events: readonly RefEvent[], q: RefQuery): RefEvent[] {
  return events.filter(
    (e) =>
      (q.phase === undefined || e.phase === q.phase) &&
      (q.channel === undefined || e.channel === q.channel),
  );
}

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** user → the set of days they were active on (activity set only). */
function activeDaysByUser(events: readonly RefEvent[]): Map<string, Set<number>> {
  const byUser = new Map<string, Set<number>>();
  for (const e of events) {
    if (!isActivity(e)) continue;
    const days = byUser.get(e.userIdHash) ?? new Set<number>();
    byUser.set(e.userIdHash, days);
    days.add(dayOf(e.timestamp));
  }
  return byUser;
}

/** Users active on any day of [from, to] (inclusive day numbers). */
function activeBetween(active: Map<string, Set<number>>, from: number, to: number): number {
  let users = 0;
  for (const days of active.values()) {
    for (let d = from; d <= to; d++) {
      if (days.has(d)) {
        users++;
        break;
      }
    }
  }
  return users;
}

export function referenceDauWau(all: readonly RefEvent[], q: RefQuery) {
  const w = windowOf(q);
  const active = activeDaysByUser(filtered(all, q));
  const series = w.days.map((d) => ({
    day: isoDay(d),
    dau: activeBetween(active, d, d),
    wau: activeBetween(active, d - 6, d),
    mau: activeBetween(active, d - 29, d),
  }));
  const last = series[series.length - 1]!;
  const ratios = series.filter((p) => p.wau > 0).map((p) => p.dau / p.wau);
  return {
    window: w.window,
    dau: last.dau,
    avgDau: series.reduce((sum, p) => sum + p.dau, 0) / series.length,
    wau: last.wau,
    mau: last.mau,
    stickiness: ratios.length === 0 ? null : ratios.reduce((a, b) => a + b, 0) / ratios.length,
    series,
  };
}

export function referenceCdr(all: readonly RefEvent[], q: RefQuery) {
  const w = windowOf(q);
  const events = filtered(all, q).filter((e) => e.sessionId !== '');
  // A session is (user, session id): the same id under two users is two sessions.
  const key = (e: RefEvent) => JSON.stringify([e.userIdHash, e.sessionId]);
  const count = (from: number, to: number) => {
    const sessions = new Set<string>();
    const dependent = new Set<string>();
    for (const e of events) {
      const d = dayOf(e.timestamp);
      if (d < from || d > to) continue;
      sessions.add(key(e));
      if (isDependency(e)) dependent.add(key(e));
    }
    return { sessions: sessions.size, dependentSessions: dependent.size };
  };
  const total = count(w.firstDay, w.lastDay);
  return {
    window: w.window,
    rate: rate(total.dependentSessions, total.sessions),
    ...total,
    series: w.days.map((d) => {
      const day = count(d, d);
      return { day: isoDay(d), rate: rate(day.dependentSessions, day.sessions), ...day };
    }),
  };
}

export function referenceResurrection(all: readonly RefEvent[], q: RefQuery) {
  const w = windowOf(q);
  const k = q.inactiveDays ?? 7;
  const events = filtered(all, q);
  const active = activeDaysByUser(events);

  /** Resurrected on d: active on d, and the latest earlier active day p has d − p − 1 ≥ k. */
  const resurrectedOn = (user: string, d: number): boolean => {
    const days = active.get(user);
    if (!days?.has(d)) return false;
    let latestEarlier: number | undefined;
    for (const p of days)
      if (p < d && (latestEarlier === undefined || p > latestEarlier)) latestEarlier = p;
    return latestEarlier !== undefined && d - latestEarlier - 1 >= k;
  };

  const resurrected = new Set<string>();
  const viaContext = new Set<string>();
  for (const user of active.keys()) {
    for (const d of w.days) {
      if (!resurrectedOn(user, d)) continue;
      resurrected.add(user);
      const resumedThatDay = events.some(
        (e) => e.userIdHash === user && isResumedFromContext(e) && dayOf(e.timestamp) === d,
      );
      if (resumedThatDay) viaContext.add(user);
    }
  }
  const activeUsers = activeBetween(active, w.firstDay, w.lastDay);
  return {
    window: w.window,
    inactiveDays: k,
    rate: rate(resurrected.size, activeUsers),
    resurrectedUsers: resurrected.size,
    activeUsers,
    viaContextUsers: viaContext.size,
    series: w.days.map((d) => ({
      day: isoDay(d),
      resurrectedUsers: [...active.keys()].filter((u) => resurrectedOn(u, d)).length,
      activeUsers: activeBetween(active, d, d),
    })),
  };
}

export function referencePaidConversion(all: readonly RefEvent[], q: RefQuery) {
  const w = windowOf(q);
  const events = filtered(all, q);
  const monetization = events.filter(
    (e) => e.eventName === SUBSCRIPTION_START || e.eventName === SUBSCRIPTION_CANCEL,
  );
  const inWindow = (e: RefEvent) =>
    e.timestamp.getTime() >= w.start && e.timestamp.getTime() < w.end;

  /** Latest monetization event strictly before t is a start; at equal timestamps the cancel is later. */
  const paidAt = (user: string, t: number): boolean => {
    let latest: RefEvent | undefined;
    for (const e of monetization) {
      if (e.userIdHash !== user || e.timestamp.getTime() >= t) continue;
      const later =
        latest === undefined ||
        e.timestamp.getTime() > latest.timestamp.getTime() ||
        (e.timestamp.getTime() === latest.timestamp.getTime() &&
          e.eventName === SUBSCRIPTION_CANCEL);
      if (later) latest = e;
    }
    return latest?.eventName === SUBSCRIPTION_START;
  };

  const users = new Set(events.map((e) => e.userIdHash));
  const firstStartDay = new Map<string, number>();
  const cancelDays = new Map<number, Set<string>>();
  const cancelled = new Set<string>();
  for (const e of monetization) {
    if (!inWindow(e)) continue;
    const d = dayOf(e.timestamp);
    if (e.eventName === SUBSCRIPTION_START) {
      const first = firstStartDay.get(e.userIdHash);
      if (first === undefined || d < first) firstStartDay.set(e.userIdHash, d);
    } else {
      cancelled.add(e.userIdHash);
      if (!cancelDays.has(d)) cancelDays.set(d, new Set());
      cancelDays.get(d)!.add(e.userIdHash);
    }
  }

  const activeInWindow = new Set(
    events.filter((e) => isActivity(e) && inWindow(e)).map((e) => e.userIdHash),
  );
  const eligible = [...users].filter(
    (u) => (activeInWindow.has(u) || firstStartDay.has(u)) && !paidAt(u, w.start),
  );
  const converted = eligible.filter((u) => firstStartDay.has(u));
  return {
    window: w.window,
    rate: rate(converted.length, eligible.length),
    conversions: converted.length,
    eligibleUsers: eligible.length,
    cancellations: cancelled.size,
    paidUsersAtEnd: [...users].filter((u) => paidAt(u, w.end)).length,
    series: w.days.map((d) => ({
      day: isoDay(d),
      conversions: converted.filter((u) => firstStartDay.get(u) === d).length,
      cancellations: cancelDays.get(d)?.size ?? 0,
    })),
  };
}

/** `kpis`: the four KPIs over one window (resurrection with its default inactiveDays). */
export function referenceKpis(all: readonly RefEvent[], q: RefQuery) {
  const common = { ...q, inactiveDays: undefined };
  return {
    window: windowOf(q).window,
    cdr: referenceCdr(all, common),
    resurrection: referenceResurrection(all, common),
    dauWau: referenceDauWau(all, common),
    paidConversion: referencePaidConversion(all, common),
  };
}
