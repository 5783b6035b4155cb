import { describe, expect, it } from 'vitest';
import { bindNamed } from '../../db/sql.js';
import { kpiWindow, shiftDay, windowDays } from '../shared/window.js';

describe('kpiWindow', () => {
  it('ends at 00:00 UTC after the UTC day of asOf, whatever the offset of asOf', () => {
    // 23:30 at UTC−05:00 is 04:30 UTC on 11-11: the window ends at 11-12 00:00 UTC.
    const w = kpiWindow(3, new Date('2026-11-10T23:30:00-05:00'));
    expect(w.from.toISOString()).toBe('2026-11-09T00:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-11-12T00:00:00.000Z');
    expect([w.startDay, w.endDay]).toEqual(['2026-11-09', '2026-11-12']);
    expect(windowDays(w)).toEqual(['2026-11-09', '2026-11-10', '2026-11-11']);
  });

  it('treats asOf at 00:00 exactly as part of its own day', () => {
    const w = kpiWindow(1, new Date('2026-11-10T00:00:00.000Z'));
    expect([w.startDay, w.endDay]).toEqual(['2026-11-10', '2026-11-11']);
  });

  it('rejects fractional and out-of-range days', () => {
    expect(() => kpiWindow(1.5, new Date())).toThrow('days: must be between 1 and 366 (got 1.5)');
    expect(() => kpiWindow(0, new Date())).toThrow('days: must be between 1 and 366 (got 0)');
  });

  it('shifts days across month and year ends', () => {
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDay('2026-11-10', -29)).toBe('2026-10-12');
  });
});

describe('bindNamed', () => {
  it('turns :name into positional ? and leaves ::casts alone', () => {
    expect(bindNamed('select :a::date, :b, :a::text, x::int', { a: '2026-01-01', b: 7 })).toEqual([
      'select ?::date, ?, ?::text, x::int',
      ['2026-01-01', 7, '2026-01-01'],
    ]);
  });

  it('fails loudly on a parameter without value', () => {
    expect(() => bindNamed('select :missing', {})).toThrow('SQL parameter :missing');
  });
});
