import { checkIntegerBetween } from '../shared/window.js';

/** The KPI-only rule on top of the shared KPI window (modules/shared/window.ts). */
export const checkInactiveDays = (k: number) => checkIntegerBetween('inactiveDays', k, 1, 365);
