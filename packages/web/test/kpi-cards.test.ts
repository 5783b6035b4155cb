import { describe, expect, it } from 'vitest';
import { compareRows } from '../src/compare';
import {
  countDelta,
  isEmptyWindow,
  type KpiSummaries,
  kpiCards,
  PLACEHOLDER_CARDS,
  rateDelta,
} from '../src/kpi-cards';

/** The cards and their changes, worked by hand from small summaries. */
const summaries = (over: Partial<Record<keyof KpiSummaries, object>> = {}): KpiSummaries =>
  ({
    cdr: { rate: 2 / 3, sessions: 3, dependentSessions: 2 },
    resurrection: { rate: 0.5, resurrectedUsers: 1, activeUsers: 2, viaContextUsers: 0 },
    dauWau: { dau: 0, avgDau: 1, wau: 2, mau: 2, stickiness: 0.5 },
    paidConversion: {
      rate: 0.5,
      conversions: 1,
      eligibleUsers: 2,
      cancellations: 0,
      paidUsersAtEnd: 1,
    },
    ...over,
  }) as KpiSummaries;

describe('rateDelta', () => {
  it('gives percentage points to one decimal, with sign and arrow in text', () => {
    // 0.5 → 0.6667: +16.666… pp → +16.7
    expect(rateDelta(2 / 3, 0.5)).toEqual({ direction: 'up', text: '▲ +16.7 pp' });
    // 0.25 → 0.2: −5 pp
    expect(rateDelta(0.2, 0.25)).toEqual({ direction: 'down', text: '▼ −5.0 pp' });
    expect(rateDelta(0.5, 0.5)).toEqual({ direction: 'flat', text: '● no change' });
    // a change below the shown precision is no change: 0.50004 − 0.5 = 0.004 pp → 0.0
    expect(rateDelta(0.50004, 0.5).direction).toBe('flat');
    expect(rateDelta(null, 0.5)).toEqual({ direction: 'none', text: 'no data in this window' });
    expect(rateDelta(0.5, null).direction).toBe('none');
  });
});

describe('countDelta', () => {
  it('gives the difference and the relative change', () => {
    // 40 → 50: +10, +25.0%
    expect(countDelta(50, 40)).toEqual({ direction: 'up', text: '▲ +10 (+25.0%)' });
    // 1,200 → 1,000: −200, −16.7%
    expect(countDelta(1000, 1200)).toEqual({ direction: 'down', text: '▼ −200 (−16.7%)' });
    // averages keep one decimal: 10.25 → 12.5 is +2.25 → +2.3 (rounded), 21.95…% → 22.0%
    expect(countDelta(12.5, 10.25).text).toBe('▲ +2.3 (+22.0%)');
    // from zero there is no relative change to give
    expect(countDelta(3, 0)).toEqual({ direction: 'up', text: '▲ +3' });
    expect(countDelta(7, 7).direction).toBe('flat');
    expect(countDelta(7, null).direction).toBe('none');
  });
});

describe('kpiCards', () => {
  it('shows the docs/kpis.md worked example as four cards, in order', () => {
    const previous = summaries({
      cdr: { rate: 0.5, sessions: 2, dependentSessions: 1 },
      dauWau: { dau: 1, avgDau: 2, wau: 3, mau: 3, stickiness: 0.4 },
    });
    const cards = kpiCards(summaries(), previous);
    expect(cards.map((c) => [c.id, c.value, c.delta.text])).toEqual([
      ['cdr', '66.7%', '▲ +16.7 pp'],
      ['resurrection', '50.0%', '● no change'],
      ['dau', '1', '▼ −1 (−50.0%)'],
      ['paid-conversion', '50.0%', '● no change'],
    ]);
    expect(cards[0]?.details).toEqual(['2 of 3 sessions loaded or resumed a context']);
    expect(cards[2]?.details).toEqual([
      'Last day: DAU 0 · WAU 2 · MAU 2',
      'Stickiness (DAU/WAU) 50.0%',
    ]);
  });

  it('shows — for a rate without a denominator, and no change without a previous window', () => {
    const cards = kpiCards(
      summaries({ cdr: { rate: null, sessions: 0, dependentSessions: 0 } }),
      null,
    );
    expect(cards[0]?.value).toBe('—');
    expect(cards.every((c) => c.delta.direction === 'none')).toBe(true);
  });

  it('shows no change, not −100%, when either window has no data', () => {
    const empty = summaries({
      cdr: { rate: null, sessions: 0, dependentSessions: 0 },
      resurrection: { rate: null, resurrectedUsers: 0, activeUsers: 0, viaContextUsers: 0 },
      dauWau: { dau: 0, avgDau: 0, wau: 0, mau: 2, stickiness: null },
      paidConversion: {
        rate: null,
        conversions: 0,
        eligibleUsers: 0,
        cancellations: 0,
        paidUsersAtEnd: 1,
      },
    });
    // after the phase ended: average DAU 0 against 1 would read ▼ −1 (−100.0%)
    expect(kpiCards(empty, summaries()).map((c) => [c.value, c.delta])).toEqual([
      ['—', { direction: 'none', text: 'no data in this window' }],
      ['—', { direction: 'none', text: 'no data in this window' }],
      ['0', { direction: 'none', text: 'no data in this window' }],
      ['—', { direction: 'none', text: 'no data in this window' }],
    ]);
    // the first window of a phase: average DAU 1 against 0 would read ▲ +1
    expect(kpiCards(summaries(), empty).map((c) => c.delta)).toEqual(
      Array(4).fill({ direction: 'none', text: 'no earlier data' }),
    );
  });

  it('shows the numbers while the previous window is still asked, their changes as comparing', () => {
    const cards = kpiCards(summaries(), 'comparing');
    expect(cards.map((c) => [c.value, c.delta])).toEqual([
      ['66.7%', { direction: 'none', text: 'comparing…' }],
      ['50.0%', { direction: 'none', text: 'comparing…' }],
      ['1', { direction: 'none', text: 'comparing…' }],
      ['50.0%', { direction: 'none', text: 'comparing…' }],
    ]);
    // an empty window has nothing to compare, whatever the previous one holds
    const empty = summaries({
      cdr: { rate: null, sessions: 0, dependentSessions: 0 },
      resurrection: { rate: null, resurrectedUsers: 0, activeUsers: 0, viaContextUsers: 0 },
    });
    expect(kpiCards(empty, 'comparing')[0]?.delta.text).toBe('no data in this window');
    // the previous window failed to load: the numbers stand, the changes say so
    expect(kpiCards(summaries(), 'failed').map((c) => [c.value, c.delta.text])).toEqual([
      ['66.7%', 'change not loaded'],
      ['50.0%', 'change not loaded'],
      ['1', 'change not loaded'],
      ['50.0%', 'change not loaded'],
    ]);
  });

  it('knows an empty window', () => {
    const empty = summaries({
      cdr: { rate: null, sessions: 0, dependentSessions: 0 },
      resurrection: { rate: null, resurrectedUsers: 0, activeUsers: 0, viaContextUsers: 0 },
      // MAU still counts users of the days before the window: that is not data in it
      dauWau: { dau: 0, avgDau: 0, wau: 0, mau: 2, stickiness: null },
    });
    expect(isEmptyWindow(empty)).toBe(true);
    expect(isEmptyWindow(summaries())).toBe(false);
  });
});

describe('PLACEHOLDER_CARDS', () => {
  it('reserves the lines of a filled card of typical figures, one card per id', () => {
    expect(PLACEHOLDER_CARDS.cdr.details).toEqual([
      '1,141 of 2,480 sessions loaded or resumed a context',
    ]);
    // 0.069 against 0.061: +0.8 pp
    expect(PLACEHOLDER_CARDS.resurrection.delta.text).toBe('▲ +0.8 pp');
    expect(PLACEHOLDER_CARDS.resurrection.details).toEqual([
      '86 of 1,240 active users came back after 7+ idle days',
      '31 through “resume from context”',
    ]);
    // 396.1 → 412.3: +16.2, +4.1% (16.2 / 396.1 = 0.0409)
    expect(PLACEHOLDER_CARDS.dau.delta.text).toBe('▲ +16.2 (+4.1%)');
    expect(PLACEHOLDER_CARDS.dau.details).toEqual([
      'Last day: DAU 405 · WAU 980 · MAU 1,460',
      'Stickiness (DAU/WAU) 41.3%',
    ]);
    expect(PLACEHOLDER_CARDS['paid-conversion'].details).toEqual([
      '38 of 1,020 eligible users started paying',
      '4 cancellations · 212 paying at the end',
    ]);
  });
});

describe('compareRows', () => {
  it('puts both betas side by side with open − closed', () => {
    const closed = summaries();
    const open = summaries({
      cdr: { rate: 0.75, sessions: 8, dependentSessions: 6 },
      dauWau: { dau: 4, avgDau: 5, wau: 9, mau: 12, stickiness: 0.45 },
    });
    const rows = compareRows(closed, open);
    const byKpi = Object.fromEntries(
      rows.map((r) => [r.kpi, [r.closed, r.open, r.difference.text]]),
    );
    // 2/3 → 0.75: +8.333… pp → +8.3
    expect(byKpi['Context Dependency Rate']).toEqual(['66.7%', '75.0%', '▲ +8.3 pp']);
    // 3 → 8 sessions: +5, +166.7%
    expect(byKpi.Sessions).toEqual(['3', '8', '▲ +5 (+166.7%)']);
    expect(byKpi['Stickiness (DAU/WAU)']).toEqual(['50.0%', '45.0%', '▼ −5.0 pp']);
    expect(rows.find((r) => r.kpi === 'Average DAU')?.raw).toEqual([1, 5]);
  });
});
