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
});
