/** Display helpers for the dashboard; pure so they are tested without a browser. */

/** `2026-11-26 04:12:33 UTC`: the KPIs count UTC days, so the dashboard shows UTC throughout. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * Each formatter made once, on first use: `toLocaleString` builds a new Intl formatter on every
 * call (as `new Intl.…` in a function does), and a dashboard page formats hundreds of values on
 * its first render (a profile of the first load showed it as the costliest function of the app's
 * own code). Same output by definition.
 */
const once = <T>(make: () => T) => {
  let made: T | undefined;
  return () => {
    made ??= make();
    return made;
  };
};
const relative = once(() => new Intl.RelativeTimeFormat('en', { numeric: 'auto' }));
const counts = once(() => new Intl.NumberFormat('en-US'));
const decimals = once(
  () => new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
);
const days = once(
  () =>
    new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }),
);

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** `5 minutes ago`, `just now`; coarse on purpose (a hint next to the exact time). */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const elapsed = now - new Date(iso).getTime();
  if (Number.isNaN(elapsed)) return '';
  for (const [unit, ms] of UNITS) {
    if (Math.abs(elapsed) >= ms) return relative().format(-Math.round(elapsed / ms), unit);
  }
  return 'just now';
}

/** One line of the payload, cut to `max` characters, for the table cell. */
export function payloadPreview(payload: string, max = 96): string {
  const line = payload.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The payload indented for reading; as received when it is not JSON (cut at 64 KiB). */
export function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/** A rate in [0, 1] as the dashboard shows it: a percentage to one decimal, `—` when null. */
export function formatPercent(rate: number | null | undefined): string {
  return rate == null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** Counts with thousands separators; fractional values (average DAU) to one decimal. */
export function formatCount(value: number | null | undefined): string {
  if (value == null) return '—';
  return Number.isInteger(value) ? counts().format(value) : decimals().format(value);
}

/** `2026-11-26` → `26 Nov 2026`: unambiguous in every locale. */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return days().format(date);
}

/** Milliseconds as people read latencies: `87 ms`, `1.24 s`. */
export function formatMs(ms: number): string {
  if (ms === 0) return '0 ms';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}
