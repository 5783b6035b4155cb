import type { EntityManager } from '@mikro-orm/postgresql';
import { type KpiWindow, kpiWindow, windowDays } from '../shared/window.js';
import { getCdr } from './get-cdr.sql.js';
import { getDauWau } from './get-dau-wau.sql.js';
import { getPaidConversion } from './get-paid-conversion.sql.js';
import { getResurrection } from './get-resurrection.sql.js';
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

async function cdr(em: EntityManager, window: KpiWindow, filter: KpiFilter) {
  const row = await getCdr(em, window, filter);
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

async function resurrection(
  em: EntityManager,
  window: KpiWindow,
  inactiveDays: number,
  filter: KpiFilter,
) {
  const row = await getResurrection(em, window, inactiveDays, filter);
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

async function dauWau(em: EntityManager, window: KpiWindow, filter: KpiFilter) {
  const rows = await getDauWau(em, window, filter);
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

async function paidConversion(em: EntityManager, window: KpiWindow, filter: KpiFilter) {
  const row = await getPaidConversion(em, window, filter);
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

/** The four KPIs over one window; independent queries, so they run side by side. */
async function kpiReport(em: EntityManager, args: KpiArgs, inactiveDays: number) {
  const window = kpiWindow(args.days, args.asOf);
  const filter = filterOf(args);
  const [cdrKpi, resurrectionKpi, dauWauKpi, conversionKpi] = await Promise.all([
    cdr(em, window, filter),
    resurrection(em, window, inactiveDays, filter),
    dauWau(em, window, filter),
    paidConversion(em, window, filter),
  ]);
  return {
    window,
    cdr: cdrKpi,
    resurrection: resurrectionKpi,
    dauWau: dauWauKpi,
    paidConversion: conversionKpi,
  } satisfies KpiReport;
}

/**
 * The `inactiveDays` values each request has checked: a request asking for `kpis` and
 * `resurrection` (or several aliases of them) checks each value once, on its EntityManager.
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
 * pendingTailSql), so a batch whose response was sent counts (read-after-write) without waiting
 * for the fold.
 */
export const kpiService = {
  cdr: async (em: EntityManager, args: KpiArgs) =>
    cdr(em, kpiWindow(args.days, args.asOf), filterOf(args)),
  dauWau: async (em: EntityManager, args: KpiArgs) =>
    dauWau(em, kpiWindow(args.days, args.asOf), filterOf(args)),
  paidConversion: async (em: EntityManager, args: KpiArgs) =>
    paidConversion(em, kpiWindow(args.days, args.asOf), filterOf(args)),
  resurrection: async (em: EntityManager, args: KpiArgs, inactiveDays: number) => {
    checkInactiveDaysOnce(em, inactiveDays);
    return resurrection(em, kpiWindow(args.days, args.asOf), inactiveDays, filterOf(args));
  },
  report: async (em: EntityManager, args: KpiArgs, inactiveDays: number) => {
    checkInactiveDaysOnce(em, inactiveDays);
    return kpiReport(em, args, inactiveDays);
  },
};
