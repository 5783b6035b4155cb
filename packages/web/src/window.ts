import type { LocationQuery } from 'vue-router';
import type { Channel } from './gql/graphql';

/**
 * The dashboard controls as the URL keeps them (`?days=30&asOf=2026-09-30&channel=server`), so a
 * link shows the same numbers; and the UTC windows they stand for (docs/kpis.md: a window ends
 * at midnight UTC after `asOf`'s day and starts `days` days earlier).
 */
export const WINDOW_CHOICES = [7, 14, 30, 90] as const;
export const CHANNEL_CHOICES = ['extension', 'server', 'web'] as const;
export type ChannelChoice = (typeof CHANNEL_CHOICES)[number];

export interface DashboardParams {
  days: number;
  /** `YYYY-MM-DD`, a UTC day. */
  asOf: string;
  channel: ChannelChoice | null;
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export const utcToday = (now: number = Date.now()) => new Date(now).toISOString().slice(0, 10);
export const shiftDay = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The first value of a URL query parameter, or null. */
export const first = (value: LocationQuery[string] | undefined) =>
  (Array.isArray(value) ? value[0] : value) ?? null;

const validDay = (value: string | null): value is string =>
  value != null && ISO_DAY.test(value) && !Number.isNaN(Date.parse(value));

/** Whether the URL names the as-of day itself (a malformed one counts as not named). */
export const namesAsOf = (query: LocationQuery) => validDay(first(query.asOf));

/**
 * Unknown or malformed values fall back to the defaults (30 days unless the page says otherwise,
 * today, every channel).
 */
export function parseParams(
  query: LocationQuery,
  today: string,
  defaultDays = 30,
): DashboardParams {
  const days = Number(first(query.days));
  const asOf = first(query.asOf);
  const channel = first(query.channel);
  return {
    days: (WINDOW_CHOICES as readonly number[]).includes(days) ? days : defaultDays,
    asOf: validDay(asOf) ? asOf : today,
    channel: (CHANNEL_CHOICES as readonly string[]).includes(channel ?? '')
      ? (channel as ChannelChoice)
      : null,
  };
}

/**
 * The URL query for the params; defaults are left out so plain links stay short, except an
 * as-of day chosen on purpose (`keepAsOf`): "up to today" on an ended phase must stay today.
 */
export function paramsQuery(
  p: DashboardParams,
  today: string,
  keepAsOf = false,
): Record<string, string> {
  return {
    days: String(p.days),
    ...(keepAsOf || p.asOf !== today ? { asOf: p.asOf } : {}),
    ...(p.channel ? { channel: p.channel } : {}),
  };
}

/** The channel filter as the API's enum (`server` → `SERVER`); null for every channel. */
export const toChannel = (channel: string | null) =>
  channel ? (channel.toUpperCase() as Channel) : null;

/** The instant sent as `asOf`: noon of the day, far from either midnight. */
export const asOfInstant = (day: string) => `${day}T12:00:00.000Z`;

export interface UtcWindow {
  /** First day, inclusive. */
  firstDay: string;
  /** Last day, inclusive. */
  lastDay: string;
  from: string;
  to: string;
}

export function utcWindow(days: number, asOf: string): UtcWindow {
  const firstDay = shiftDay(asOf, 1 - days);
  return {
    firstDay,
    lastDay: asOf,
    from: `${firstDay}T00:00:00.000Z`,
    to: `${shiftDay(asOf, 1)}T00:00:00.000Z`,
  };
}

/** The window of the same length just before: what every card's change compares against. */
export const previousAsOf = (days: number, asOf: string) => shiftDay(asOf, -days);

/**
 * The as-of day a phase opens on when the URL names none: its last day with data once that lies
 * before yesterday (an ended phase, such as the closed beta), else null (today, the default).
 * Yesterday still counts as running: just after midnight UTC a live phase has no event today.
 */
export function endedPhaseAsOf(
  range: { firstDay?: string | null; lastDay?: string | null },
  today: string,
): string | null {
  const lastDay = range.lastDay;
  return lastDay && lastDay < shiftDay(today, -1) ? lastDay : null;
}
