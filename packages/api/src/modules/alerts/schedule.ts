import type { AlertSchedule } from './alert-kinds.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Daily rules run at 01:00 UTC: the previous UTC day is complete and mostly folded by then. */
const DAILY_AT_MS = HOUR_MS;
/** The weekly digest goes out on Mondays at 08:00 UTC, over the week that ended on Sunday. */
const WEEKLY_AT_MS = 8 * HOUR_MS;
/** 1970-01-01 was a Thursday: Monday 1970-01-05 starts the weeks counted from the epoch. */
const FIRST_MONDAY_MS = 4 * DAY_MS;
const WEEK_MS = 7 * DAY_MS;

/**
 * The first scheduled run strictly after `now`: the next full hour, the next 01:00 UTC, or the
 * next Monday 08:00 UTC.
 */
export function nextRunAfter(schedule: AlertSchedule, now: Date): Date {
  const t = now.getTime();
  if (schedule === 'hourly') return new Date(Math.floor(t / HOUR_MS) * HOUR_MS + HOUR_MS);
  if (schedule === 'weekly') {
    const thisWeek =
      Math.floor((t - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS + FIRST_MONDAY_MS + WEEKLY_AT_MS;
    return new Date(thisWeek > t ? thisWeek : thisWeek + WEEK_MS);
  }
  const today = Math.floor(t / DAY_MS) * DAY_MS + DAILY_AT_MS;
  return new Date(today > t ? today : today + DAY_MS);
}
