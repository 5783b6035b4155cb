import { type KpiWindow, windowDays } from '../shared/window.js';

/**
 * The periods of retention and lifecycle (docs/kpis.md#5-retention--do-the-users-we-win-stay):
 * UTC days, or ISO weeks (Monday 00:00 UTC to the next Monday). Wire values of the GraphQL
 * enums `RetentionPeriod` and `RetentionType`.
 */
export const RETENTION_PERIODS = ['day', 'week'] as const;
export type RetentionPeriod = (typeof RETENTION_PERIODS)[number];
export const RETENTION_TYPES = ['first_time', 'recurring'] as const;
export type RetentionType = (typeof RETENTION_TYPES)[number];

/** Every period is a whole number of days (an ISO week is seven), so SQL does day arithmetic. */
export const PERIOD_DAYS: Record<RetentionPeriod, number> = { day: 1, week: 7 };

const isMonday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay() === 1;

/** The periods that start within the window, oldest first (`YYYY-MM-DD`); may be none (WEEK). */
export function periodStarts(window: KpiWindow, period: RetentionPeriod): string[] {
  const days = windowDays(window);
  return period === 'day' ? days : days.filter(isMonday);
}
