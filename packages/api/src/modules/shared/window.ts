import { badInput } from '../../errors.js';

/**
 * The two windows the reads take. A KPI window (KPIs, dashboard tables) is whole UTC days ending
 * with `asOf`'s day; an aggregate window (analyst aggregates, dashboard daily counts) is an
 * instant range `[from, to)`.
 */
const DAY_MS = 86_400_000;

/**
 * The KPI window of docs/kpis.md: `windowEnd` is 00:00 UTC of the day after `asOf`'s UTC day
 * (exclusive), `windowStart` is `windowEnd − days`. Days are handed to SQL as `YYYY-MM-DD`
 * so the KPI day sets (keyed by UTC day) and raw timestamps use the same boundaries.
 */
export interface KpiWindow {
  from: Date;
  to: Date;
  days: number;
  /** First day of the window, `YYYY-MM-DD`. */
  startDay: string;
  /** The day after the last day of the window (exclusive), `YYYY-MM-DD`. */
  endDay: string;
}

/** `toISOString` leaves four-digit years outside this range, and PostgreSQL has no year 0. */
const EARLIEST = Date.UTC(1, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

export const isoDay = (instant: Date | number) => new Date(instant).toISOString().slice(0, 10);

/** A whole number argument within bounds, or an error naming the argument and the bounds. */
export function checkIntegerBetween(
  argument: string,
  value: number,
  min: number,
  max: number,
): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(`${argument}: must be between ${min} and ${max} (got ${value})`, argument);
  }
  return value;
}

export const checkDays = (days: number) => checkIntegerBetween('days', days, 1, 366);

export function kpiWindow(days: number, asOf: Date): KpiWindow {
  checkDays(days);
  if (Number.isNaN(asOf.getTime())) throw badInput('asOf: must be a valid instant', 'asOf');
  const asOfDay = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  const to = asOfDay + DAY_MS;
  const from = to - days * DAY_MS;
  if (from < EARLIEST || to > LATEST) {
    throw badInput(
      `asOf: the ${days}-day window must lie between 0001-01-01 and 9999-12-31 (got ${asOf.toISOString()})`,
      'asOf',
    );
  }
  return {
    from: new Date(from),
    to: new Date(to),
    days,
    startDay: isoDay(from),
    endDay: isoDay(to),
  };
}

/** `days` after (negative: before) the given `YYYY-MM-DD`. */
export const shiftDay = (day: string, days: number) => isoDay(Date.parse(day) + days * DAY_MS);

/** Every day of the window, ascending: the x-axis of each series. */
export function windowDays(window: KpiWindow): string[] {
  return Array.from({ length: window.days }, (_, i) => isoDay(window.from.getTime() + i * DAY_MS));
}

export const DEFAULT_WINDOW_DAYS = 30;
/** Aggregates scan every row of the window, so its length is capped (a leap year fits). */
export const MAX_WINDOW_DAYS = 366;

export function checkRange(from: Date | null, to: Date | null): void {
  if (from && to && from.getTime() >= to.getTime()) {
    throw badInput(
      `from: must be before to (got from ${from.toISOString()}, to ${to.toISOString()})`,
      'from',
    );
  }
}

/**
 * The window of an aggregate, `[from, to)`: `to` defaults to now, `from` to 30 days before `to`,
 * so the default is the last 30 days and "since X" reads up to now.
 */
export function aggregateWindow(
  from: Date | null,
  to: Date | null,
  now: Date,
): { from: Date; to: Date } {
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (!to && start.getTime() >= end.getTime()) {
    throw badInput(
      `from: must be before now when to is omitted (got from ${start.toISOString()})`,
      'from',
    );
  }
  checkRange(start, end);
  const days = (end.getTime() - start.getTime()) / DAY_MS;
  if (days > MAX_WINDOW_DAYS) {
    throw badInput(
      `from: the window from..to may span at most ${MAX_WINDOW_DAYS} days (got ${Number(days.toFixed(2))})`,
      'from',
    );
  }
  return { from: start, to: end };
}
