import type { EntityManager } from '@mikro-orm/postgresql';
import { runSql } from '../../db/sql.js';
import { type KpiWindow, shiftDay } from '../shared/window.js';
import { COMEBACK_DAYS } from './comeback-days.sql.js';
import { pendingTailSql } from './day-sets.sql.js';
import { type CdrRow, cdrCtesSql, cdrSelectSql } from './get-cdr.sql.js';
import { type DauWauRow, dauWauCtesSql, dauWauSelectSql } from './get-dau-wau.sql.js';
import {
  type PaidConversionRow,
  paidConversionCtesSql,
  paidConversionSelectSql,
} from './get-paid-conversion.sql.js';
import {
  comebackResurrectionCtesSql,
  comebackResurrectionSelectSql,
  type ResurrectionRow,
} from './get-resurrection.sql.js';
import { KPI_SETTINGS, type KpiFilter } from './query.js';

/*
 * docs/kpis.md, sections 1–4 — the four KPIs over one window (`kpis`: resurrection with
 * k = 7), each as its own query defines it (get-cdr, get-resurrection, get-dau-wau,
 * get-paid-conversion), in one statement that reads the pending tail once.
 *
 * Why one statement: every KPI adds what the still-pending day facts change (pendingTailSql),
 * and that tail costs in proportion to the fold backlog — under sustained ingest, most of a
 * read. Four statements computed it four times, each holding a connection and a core. Here the
 * tail of every kind the four need is computed once (no `from`: resurrection needs the whole
 * history, and a pending day before a KPI's own `from` changes none of its answers) and each
 * KPI reads the rows of its kinds. One snapshot for all four, so they also agree with each
 * other about what was pending.
 */
const sql = `
with ${pendingTailSql(['active', 'resumed', 'session', 'dependency'])},
${comebackResurrectionCtesSql},
${cdrCtesSql},
${dauWauCtesSql},
${paidConversionCtesSql}
select
  (select row_to_json(r) from (${cdrSelectSql}) as r) as cdr,
  (select row_to_json(r) from (${comebackResurrectionSelectSql}) as r) as resurrection,
  (select json_agg(r order by r.day) from (${dauWauSelectSql}) as r) as dau_wau,
  (select row_to_json(r) from (${paidConversionSelectSql}) as r) as paid_conversion`;

export interface KpiReportRow {
  cdr: CdrRow;
  resurrection: ResurrectionRow;
  dau_wau: DauWauRow[];
  paid_conversion: PaidConversionRow;
}

/** Resurrection's k here is always COMEBACK_DAYS (7), the `kpis` field's. */
export const KPI_REPORT_INACTIVE_DAYS = COMEBACK_DAYS;

export const getKpiReport = async (em: EntityManager, window: KpiWindow, filter: KpiFilter) =>
  (
    await runSql<KpiReportRow>(
      em,
      sql,
      {
        lookbackDay: shiftDay(window.startDay, -29),
        windowStart: window.from.toISOString(),
        windowEnd: window.to.toISOString(),
        startDay: window.startDay,
        endDay: window.endDay,
        inactiveDays: KPI_REPORT_INACTIVE_DAYS,
        ...filter,
      },
      { name: 'getKpiReport', read: true, settings: KPI_SETTINGS },
    )
  )[0] as KpiReportRow;
