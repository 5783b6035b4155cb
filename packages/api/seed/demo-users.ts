import type { Channel } from '@cortex-telemetry/events';
import { Random } from './random.js';

/**
 * Who uses the demo product and on which days: ~40 closed-beta testers who were there from
 * the start of the 90-day window, and ~1,500 open-beta users who sign up from the open-beta
 * launch on (a launch spike, then a steady trickle). Users churn, take holidays and some come
 * back after a week or more, which is what the resurrection KPI is about.
 */
export const WINDOW_DAYS = 90;
export const DAY_MS = 86_400_000;

export interface DemoTimeline {
  now: Date;
  /** 00:00 UTC of the first of the 90 days; the last day is today. */
  windowStartMs: number;
  /** First day index of the open beta: the closed beta has the first half of the 90 days. */
  splitDay: number;
  /** 00:00 UTC of that day; every demo item carries its phase from this instant. */
  openBetaStartsAt: Date;
}

/**
 * The demo stamps its own phases instead of relying on `OPEN_BETA_STARTS_AT`, so both beta
 * dashboards are full whatever today's date is: the closed beta ends halfway, the open beta
 * runs from then until today.
 */
export function demoTimeline(now: Date): DemoTimeline {
  const todayMs = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const windowStartMs = todayMs - (WINDOW_DAYS - 1) * DAY_MS;
  const splitDay = WINDOW_DAYS >> 1;
  return {
    now,
    windowStartMs,
    splitDay,
    openBetaStartsAt: new Date(windowStartMs + splitDay * DAY_MS),
  };
}

export type Cohort = 'closed' | 'open';

export interface DemoUser {
  userIdHash: string;
  cohort: Cohort;
  rng: Random;
  /** Day indices (0…89) on which the user shows up, ascending. */
  activeDays: number[];
  sessionsPerDay: number;
  actionsPerSession: number;
  primaryChannel: Channel;
  /** Usual working hour (UTC), so sessions cluster the way a time zone makes them. */
  hourUtc: number;
  convertDay: number | null;
  cancelDay: number | null;
  /** Days a user waits before installing a new release. */
  versionLag: number;
  osUser: string;
  projects: string[];
}

interface Segment {
  share: number;
  activeChance: number;
  sessionsPerDay: number;
  actionsPerSession: number;
  /** Mean days until churn (Infinity: stays). */
  lifetime: number;
  conversion: number;
}

const OPEN_SEGMENTS: Record<'power' | 'regular' | 'casual' | 'tryOut', Segment> = {
  power: {
    share: 0.1,
    activeChance: 0.72,
    sessionsPerDay: 1.9,
    actionsPerSession: 6,
    lifetime: Infinity,
    conversion: 0.3,
  },
  regular: {
    share: 0.3,
    activeChance: 0.42,
    sessionsPerDay: 1.4,
    actionsPerSession: 4.5,
    lifetime: 45,
    conversion: 0.12,
  },
  casual: {
    share: 0.35,
    activeChance: 0.18,
    sessionsPerDay: 1.1,
    actionsPerSession: 3.5,
    lifetime: 25,
    conversion: 0.03,
  },
  tryOut: {
    share: 0.25,
    activeChance: 0.5,
    sessionsPerDay: 1.1,
    actionsPerSession: 3,
    lifetime: 2,
    conversion: 0.005,
  },
};

const CHANNEL_MIX = { server: 0.6, extension: 0.3, web: 0.1 } as const;
const FIRST_NAMES = ['alex', 'sam', 'kim', 'noor', 'lea', 'tomas', 'yuki', 'ravi', 'ines', 'ola'];

/** Days from `from` to `to` on which the user is active; holidays leave gaps of a week or more. */
function planDays(
  rng: Random,
  t: DemoTimeline,
  from: number,
  to: number,
  chance: number,
): number[] {
  const days: number[] = [];
  for (let d = from; d <= to; d++) {
    if (days.length > 0 && rng.chance(0.012)) {
      d += rng.int(7, 16);
      continue;
    }
    const weekday = new Date(t.windowStartMs + d * DAY_MS).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    if (d === from || rng.chance(weekend ? chance * 0.45 : chance)) days.push(d);
  }
  return days;
}

/** A churned user sometimes returns after a long break (and is resurrected). */
function comeback(rng: Random, t: DemoTimeline, lastDay: number, chance: number): number[] {
  if (!rng.chance(0.25)) return [];
  const back = lastDay + rng.int(8, 25);
  if (back >= WINDOW_DAYS) return [];
  return planDays(rng, t, back, Math.min(WINDOW_DAYS - 1, back + rng.int(0, 9)), chance);
}

function baseUser(
  rng: Random,
  cohort: Cohort,
): Omit<
  DemoUser,
  'activeDays' | 'sessionsPerDay' | 'actionsPerSession' | 'convertDay' | 'cancelDay'
> {
  return {
    userIdHash: rng.hex(24),
    cohort,
    rng,
    primaryChannel: rng.weighted(CHANNEL_MIX),
    hourUtc: rng.pick([7, 8, 9, 10, 13, 14, 15, 16, 18, 21]) + rng.next(),
    versionLag: rng.int(0, 8),
    osUser: `${rng.pick(FIRST_NAMES)}${rng.int(1, 99)}`,
    projects: Array.from({ length: rng.int(1, 3) }, () => `prj_${rng.hex(8)}`),
  };
}

function conversion(rng: Random, days: number[], earliest: number, rate: number) {
  const candidates = days.filter((d) => d >= earliest + 2);
  if (candidates.length === 0 || !rng.chance(rate)) return { convertDay: null, cancelDay: null };
  const convertDay = candidates[Math.min(candidates.length - 1, rng.int(1, 8))]!;
  const cancel = convertDay + rng.int(6, 30);
  return { convertDay, cancelDay: rng.chance(0.22) && cancel < WINDOW_DAYS ? cancel : null };
}

export function closedBetaTester(rng: Random, t: DemoTimeline): DemoUser {
  const join = rng.int(0, 5);
  const chance = 0.55 + rng.next() * 0.3;
  const staysForOpenBeta = rng.chance(0.65);
  const before = planDays(
    rng,
    t,
    join,
    t.splitDay - 1 - (staysForOpenBeta ? 0 : rng.int(0, 6)),
    chance,
  );
  const after = staysForOpenBeta ? planDays(rng, t, t.splitDay, WINDOW_DAYS - 1, chance * 0.8) : [];
  const activeDays = [...before, ...after];
  return {
    ...baseUser(rng, 'closed'),
    activeDays,
    sessionsPerDay: 1.6 + rng.next(),
    actionsPerSession: 5 + rng.int(0, 4),
    // pricing launches with the open beta, so testers can only convert from then on
    ...conversion(rng, after, t.splitDay - 2, 0.35),
  };
}

export function openBetaUser(rng: Random, t: DemoTimeline): DemoUser {
  const length = WINDOW_DAYS - t.splitDay;
  const join = t.splitDay + (rng.chance(0.35) ? rng.int(0, 6) : rng.int(0, length - 1));
  const segment =
    OPEN_SEGMENTS[rng.weighted({ power: 0.1, regular: 0.3, casual: 0.35, tryOut: 0.25 })];
  const lifetime = Number.isFinite(segment.lifetime)
    ? Math.round(-Math.log(1 - rng.next()) * segment.lifetime)
    : WINDOW_DAYS;
  const last = Math.min(WINDOW_DAYS - 1, join + lifetime);
  const days = planDays(rng, t, join, last, segment.activeChance);
  const activeDays =
    last < WINDOW_DAYS - 1 ? [...days, ...comeback(rng, t, last, segment.activeChance)] : days;
  return {
    ...baseUser(rng, 'open'),
    activeDays,
    sessionsPerDay: segment.sessionsPerDay,
    actionsPerSession: segment.actionsPerSession,
    ...conversion(rng, activeDays, join, segment.conversion),
  };
}

export function demoUsers(
  seed: number,
  t: DemoTimeline,
  counts = { closed: 40, open: 1500 },
): DemoUser[] {
  const root = new Random(seed);
  const users: DemoUser[] = [];
  for (let i = 0; i < counts.closed; i++) users.push(closedBetaTester(root.fork(`closed:${i}`), t));
  for (let i = 0; i < counts.open; i++) users.push(openBetaUser(root.fork(`open:${i}`), t));
  return users;
}
