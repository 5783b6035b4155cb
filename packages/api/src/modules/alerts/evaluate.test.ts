import { describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from './delivery.js';
import { alertWindow, conditionHolds, previousWindow, readable } from './evaluate.js';

describe('readable', () => {
  it('shortens what a person reads, never into a false equality with the threshold', () => {
    expect(readable(0.7782978723404256)).toBe('0.7783');
    expect(readable(2 / 7)).toBe('0.2857');
    expect(readable(1234567.891)).toBe('1234567.89');
    expect(readable(20)).toBe('20');
    expect(readable(0.49996, 0.5)).toBe('0.49996');
    expect(readable(0.4996, 0.5)).toBe('0.4996');
  });
  it('is what the sentences use', () => {
    expect(
      conditionHolds({ condition: 'below', threshold: 0.5, changeMode: null }, 0.49996, null),
    ).toEqual({ firing: true, message: '0.49996 is below 0.5' });
    expect(
      conditionHolds({ condition: 'increase', threshold: 0.5, changeMode: 'absolute' }, 2 / 7, 0)
        .message,
    ).toBe('rose by 0.2857 (from 0 to 0.2857; threshold 0.5)');
    expect(
      conditionHolds({ condition: 'decrease', threshold: 0.1, changeMode: 'absolute' }, 0.5, 0.6)
        .message,
    ).toBe('fell by 0.1 (from 0.6 to 0.5; threshold 0.1)');
  });
});

describe('conditionHolds', () => {
  const abs = (condition: 'increase' | 'decrease', threshold: number) => ({
    condition,
    threshold,
    changeMode: 'absolute' as const,
  });
  it('ABOVE and BELOW are strict', () => {
    expect(
      conditionHolds({ condition: 'below', threshold: 0.5, changeMode: null }, 0.5, null),
    ).toEqual({
      firing: false,
      message: '0.5 is not below 0.5',
    });
    expect(conditionHolds({ condition: 'above', threshold: 10, changeMode: null }, 11, 3)).toEqual({
      firing: true,
      message: '11 is above 10',
    });
  });
  it('INCREASE/DECREASE compare with the previous window, absolute or relative', () => {
    // 0.6 → 0.5 fell by 0.1, though floating point says 0.09999999999999998
    expect(conditionHolds(abs('decrease', 0.1), 0.5, 0.6).firing).toBe(true);
    expect(conditionHolds(abs('decrease', 0.11), 0.5, 0.6).firing).toBe(false);
    expect(conditionHolds(abs('increase', 0.1), 0.5, 0.6).firing).toBe(false);
    expect(conditionHolds(abs('increase', 2), 12, 10)).toEqual({
      firing: true,
      message: 'rose by 2 (from 10 to 12; threshold 2)',
    });
    // 40 → 30 is a 25% fall
    const relative = {
      condition: 'decrease' as const,
      threshold: 0.25,
      changeMode: 'relative' as const,
    };
    expect(conditionHolds(relative, 30, 40)).toEqual({
      firing: true,
      message: 'fell by 0.25 of 40 (from 40 to 30; threshold 0.25)',
    });
    expect(conditionHolds(relative, 31, 40).firing).toBe(false);
    expect(conditionHolds(relative, 5, 0)).toEqual({
      firing: false,
      message: 'the previous window is 0: no relative change',
    });
  });
  it('no data never fires', () => {
    expect(conditionHolds({ condition: 'below', threshold: 1, changeMode: null }, null, 1)).toEqual(
      {
        firing: false,
        message: 'no data in the window',
      },
    );
    expect(conditionHolds(abs('increase', 0), 3, null)).toEqual({
      firing: false,
      message: 'no data in the previous window',
    });
  });
});

describe('alert windows', () => {
  it('end yesterday unless includeToday; the previous window has the same length', () => {
    const now = new Date('2026-11-10T01:00:00.000Z');
    const w = alertWindow({ days: 7, includeToday: false }, now);
    expect([w.startDay, w.endDay]).toEqual(['2026-11-03', '2026-11-10']);
    const today = alertWindow({ days: 7, includeToday: true }, now);
    expect([today.startDay, today.endDay]).toEqual(['2026-11-04', '2026-11-11']);
    const p = previousWindow(w);
    expect([p.startDay, p.endDay, p.days]).toEqual(['2026-10-27', '2026-11-03', 7]);
  });
});

describe('retries', () => {
  it('back off exponentially from 30 s, capped at 1 h', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map(backoffMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
  });
  it('read Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-11-10T10:00:00.000Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Tue, 10 Nov 2026 10:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});
