import { formatCount, formatPercent } from './format';
import { countDelta, type Delta, type KpiSummaries, rateDelta } from './kpi-cards';

/** The comparison table: every KPI of both betas side by side with the difference. */
export interface CompareRow {
  kpi: string;
  closed: string;
  open: string;
  difference: Delta;
  /** The API's values, for the CSV. */
  raw: [number | null, number | null];
}

type Pick = (k: KpiSummaries) => number | null;

const METRICS: { kpi: string; rate: boolean; pick: Pick }[] = [
  { kpi: 'Context Dependency Rate', rate: true, pick: (k) => k.cdr.rate },
  { kpi: 'Sessions', rate: false, pick: (k) => k.cdr.sessions },
  { kpi: 'Resurrection rate', rate: true, pick: (k) => k.resurrection.rate },
  { kpi: 'Resurrected users', rate: false, pick: (k) => k.resurrection.resurrectedUsers },
  { kpi: 'Active users', rate: false, pick: (k) => k.resurrection.activeUsers },
  { kpi: 'Average DAU', rate: false, pick: (k) => k.dauWau.avgDau },
  { kpi: 'WAU (last day)', rate: false, pick: (k) => k.dauWau.wau },
  { kpi: 'MAU (last day)', rate: false, pick: (k) => k.dauWau.mau },
  { kpi: 'Stickiness (DAU/WAU)', rate: true, pick: (k) => k.dauWau.stickiness },
  { kpi: 'Paid conversion', rate: true, pick: (k) => k.paidConversion.rate },
  { kpi: 'Conversions', rate: false, pick: (k) => k.paidConversion.conversions },
  { kpi: 'Cancellations', rate: false, pick: (k) => k.paidConversion.cancellations },
];

export function compareRows(closed: KpiSummaries, open: KpiSummaries): CompareRow[] {
  return METRICS.map(({ kpi, rate, pick }) => {
    const a = pick(closed);
    const b = pick(open);
    const show = rate ? formatPercent : formatCount;
    return {
      kpi,
      closed: show(a),
      open: show(b),
      difference: rate ? rateDelta(b, a) : b == null ? countDelta(0, null) : countDelta(b, a),
      raw: [a, b],
    };
  });
}
