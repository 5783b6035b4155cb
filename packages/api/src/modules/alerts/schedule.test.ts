import { describe, expect, it } from 'vitest';
import { nextRunAfter } from './schedule.js';

describe('nextRunAfter', () => {
  it('hourly: the next full hour, strictly after now', () => {
    expect(nextRunAfter('hourly', new Date('2026-11-10T10:20:00Z')).toISOString()).toBe(
      '2026-11-10T11:00:00.000Z',
    );
    expect(nextRunAfter('hourly', new Date('2026-11-10T11:00:00Z')).toISOString()).toBe(
      '2026-11-10T12:00:00.000Z',
    );
  });
  it('daily: 01:00 UTC today if still ahead, else tomorrow', () => {
    expect(nextRunAfter('daily', new Date('2026-11-10T00:59:59Z')).toISOString()).toBe(
      '2026-11-10T01:00:00.000Z',
    );
    expect(nextRunAfter('daily', new Date('2026-11-10T01:00:00Z')).toISOString()).toBe(
      '2026-11-11T01:00:00.000Z',
    );
    expect(nextRunAfter('daily', new Date('2026-12-31T23:00:00Z')).toISOString()).toBe(
      '2027-01-01T01:00:00.000Z',
    );
  });
  it('weekly: Monday 08:00 UTC, strictly after now', () => {
    // 2026-12-07 is a Monday
    const next = (at: string) => nextRunAfter('weekly', new Date(at)).toISOString();
    expect(next('2026-12-06T23:00:00Z')).toBe('2026-12-07T08:00:00.000Z'); // Sunday
    expect(next('2026-12-07T07:59:59.999Z')).toBe('2026-12-07T08:00:00.000Z');
    expect(next('2026-12-07T08:00:00Z')).toBe('2026-12-14T08:00:00.000Z');
    expect(next('2026-12-10T12:00:00Z')).toBe('2026-12-14T08:00:00.000Z'); // Thursday
    expect(next('2026-12-28T09:00:00Z')).toBe('2027-01-04T08:00:00.000Z');
  });
});
