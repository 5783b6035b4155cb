import type { AlertSchedule } from './alert-kinds.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Daily rules run at 01:00 UTC: the previous UTC day is complete and mostly folded by then. */
const DAILY_AT_MS = HOUR_MS;

/** The first scheduled run strictly after `now`: the next full hour, or the next 01:00 UTC. */
export function nextRunAfter(schedule: AlertSchedule, now: Date): Date {
  const t = now.getTime();
  if (schedule === 'hourly') return new Date(Math.floor(t / HOUR_MS) * HOUR_MS + HOUR_MS);
  const today = Math.floor(t / DAY_MS) * DAY_MS + DAILY_AT_MS;
  return new Date(today > t ? today : today + DAY_MS);
}
