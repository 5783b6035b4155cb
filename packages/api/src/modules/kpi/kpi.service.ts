import type { EntityManager } from '@mikro-orm/postgresql';
import { type KpiWindow, kpiWindow, windowDays } from '../shared/window.js';
import { type CdrRow, getCdr } from './get-cdr.sql.js';
import { type DauWauRow, getDauWau } from './get-dau-wau.sql.js';
import { getKpiReport, KPI_REPORT_INACTIVE_DAYS } from './get-kpi-report.sql.js';
import { getPaidConversion, type PaidConversionRow } from './get-paid-conversion.sql.js';
import { getResurrection, type ResurrectionRow } from './get-resurrection.sql.js';
import type { KpiFilter } from './query.js';
import { checkInactiveDays } from './window.js';

export interface KpiArgs extends KpiFilter {
  days: number;
  asOf: Date;
}

export interface CdrPoint {
  day: string;
  rate: number | null;
  sessions: number;
  dependentSessions: number;
}
export interface CdrKpi extends Omit<CdrPoint, 'day'> {
  window: KpiWindow;
  series: CdrPoint[];
}

export interface ResurrectionPoint {
  day: string;
  resurrectedUsers: number;
  activeUsers: number;
}
export interface ResurrectionKpi {
  window: KpiWindow;
  inactiveDays: number;
  rate: number | null;
  resurrectedUsers: number;
  activeUsers: number;
  viaContextUsers: number;
  series: ResurrectionPoint[];
}

export interface DauWauPoint {
  day: string;
  dau: number;
  wau: number;
  mau: number;
}
export interface DauWauKpi {
  window: KpiWindow;
  dau: number;
  avgDau: number;
  wau: number;
  mau: number;
  stickiness: number | null;
  series: DauWauPoint[];
}

export interface ConversionPoint {
  day: string;
  conversions: number;
  cancellations: number;
}
export interface PaidConversionKpi {
  window: KpiWindow;
  rate: number | null;
  conversions: number;
  eligibleUsers: number;
  cancellations: number;
  paidUsersAtEnd: number;
  series: ConversionPoint[];
}

export interface KpiReport {
  window: KpiWindow;
  cdr: CdrKpi;
  resurrection: ResurrectionKpi;
  dauWau: DauWauKpi;
  paidConversion: PaidConversionKpi;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const mean = (values: number[]) =>
  values.length > 0 ? values.reduce((sum, v) => sum + v, 0) / values.length : null;

/** One point per day of the window; days the query did not return are zeros. */
function zeroFilled<P extends { day: string }>(
  window: KpiWindow,
  rows: P[],
  zero: (day: string) => P,
): P[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return windowDays(window).map((day) => byDay.get(day) ?? zero(day));
}

export const filterOf = (args: KpiFilter): KpiFilter => ({
  phase: args.phase,
  channel: args.channel,
});

function cdrOf(window: KpiWindow, row: CdrRow) {
  const series = zeroFilled(
    window,
    row.series.map((p) => ({ ...p, rate: ratio(p.dependentSessions, p.sessions) })),
    (day) => ({ day, rate: null, sessions: 0, dependentSessions: 0 }),
  );
  return {
    window,
    rate: ratio(row.dependent_sessions, row.sessions),
    sessions: row.sessions,
    dependentSessions: row.dependent_sessions,
    series,
  } satisfies CdrKpi;
}

function resurrectionOf(window: KpiWindow, inactiveDays: number, row: ResurrectionRow) {
  return {
    window,
    inactiveDays,
    rate: ratio(row.resurrected_users, row.active_users),
    resurrectedUsers: row.resurrected_users,
    activeUsers: row.active_users,
    viaContextUsers: row.via_context_users,
    series: zeroFilled(window, row.series, (day) => ({ day, resurrectedUsers: 0, activeUsers: 0 })),
  } satisfies ResurrectionKpi;
}

function dauWauOf(window: KpiWindow, rows: DauWauRow[]) {
  const series = zeroFilled(window, rows, (day) => ({ day, dau: 0, wau: 0, mau: 0 }));
  const last = series.at(-1) ?? { dau: 0, wau: 0, mau: 0 };
  return {
    window,
    dau: last.dau,
    avgDau: mean(series.map((p) => p.dau)) ?? 0,
    wau: last.wau,
    mau: last.mau,
    stickiness: mean(series.filter((p) => p.wau > 0).map((p) => p.dau / p.wau)),
    series,
  } satisfies DauWauKpi;
}

function paidConversionOf(window: KpiWindow, row: PaidConversionRow) {
  return {
    window,
    rate: ratio(row.conversions, row.eligible_users),
    conversions: row.conversions,
    eligibleUsers: row.eligible_users,
    cancellations: row.cancellations,
    paidUsersAtEnd: row.paid_users_at_end,
    series: zeroFilled(window, row.series, (day) => ({ day, conversions: 0, cancellations: 0 })),
  } satisfies PaidConversionKpi;
}

/**
 * The four KPIs over one window (resurrection with k = 7), in one statement that reads the
 * pending tail once for all four (get-kpi-report.sql.ts).
 */
async function kpiReport(em: EntityManager, args: KpiArgs) {
  const window = kpiWindow(args.days, args.asOf);
  const row = await getKpiReport(em, window, filterOf(args));
  return {
    window,
    cdr: cdrOf(window, row.cdr),
    resurrection: resurrectionOf(window, KPI_REPORT_INACTIVE_DAYS, row.resurrection),
    dauWau: dauWauOf(window, row.dau_wau),
    paidConversion: paidConversionOf(window, row.paid_conversion),
  } satisfies KpiReport;
}

/**
 * The `inactiveDays` values each request has checked: a request asking for `resurrection`
 * several times (aliases) checks each value once, on its EntityManager.
 */
const checkedInactiveDays = new WeakMap<EntityManager, Set<number>>();

function checkInactiveDaysOnce(em: EntityManager, inactiveDays: number): void {
  const checked = checkedInactiveDays.get(em) ?? new Set<number>();
  if (checked.has(inactiveDays)) return;
  checkInactiveDays(inactiveDays);
  checked.add(inactiveDays);
  checkedInactiveDays.set(em, checked);
}

/**
 * The KPI service, the module's one face: resolve the window, then run the queries. A read never
 * folds: each query reads the folded day sets plus the pending tail (day-sets.sql.ts,
 * pendingTailSql) — `report` one tail for its four KPIs — so a batch whose response was sent counts (read-after-write) without waiting
 * for the fold.
 */
export const kpiService = {
  cdr: async (em: EntityManager, args: KpiArgs) => {
    const window = kpiWindow(args.days, args.asOf);
    return cdrOf(window, await getCdr(em, window, filterOf(args)));
  },
  dauWau: async (em: EntityManager, args: KpiArgs) => {
    const window = kpiWindow(args.days, args.asOf);
    return dauWauOf(window, await getDauWau(em, window, filterOf(args)));
  },
  paidConversion: async (em: EntityManager, args: KpiArgs) => {
    const window = kpiWindow(args.days, args.asOf);
    return paidConversionOf(window, await getPaidConversion(em, window, filterOf(args)));
  },
  resurrection: async (em: EntityManager, args: KpiArgs, inactiveDays: number) => {
    checkInactiveDaysOnce(em, inactiveDays);
    const window = kpiWindow(args.days, args.asOf);
    return resurrectionOf(
      window,
      inactiveDays,
      await getResurrection(em, window, inactiveDays, filterOf(args)),
    );
  },
  report: async (em: EntityManager, args: KpiArgs) => kpiReport(em, args),
};
