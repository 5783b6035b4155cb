import { DateTimeResolver } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { canonicalInstant } from './common.schema.js';
import { isoTimestamp } from './ingest/rows.js';
import { CanonicalInstant } from './shared/instant.js';

describe('canonicalInstant (the DateTime fast path)', () => {
  it('reads what toISOString writes as graphql-scalars does', () => {
    for (const text of [
      '2026-11-25T09:00:00.000Z',
      '2024-02-29T23:59:59.999Z', // a leap day
      '2000-02-29T00:00:00.000Z', // divisible by 400: leap
      '0100-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect(canonicalInstant(text)?.getTime()).toBe(
        (DateTimeResolver.parseValue(text) as Date).getTime(),
      );
    }
  });

  it('keeps the text it read, which is what toISOString writes (ingest stores it as it came)', () => {
    for (const text of ['2026-11-25T09:00:00.000Z', '0100-01-01T00:00:00.000Z']) {
      const instant = canonicalInstant(text);
      expect(instant).toBeInstanceOf(CanonicalInstant);
      expect((instant as CanonicalInstant).text).toBe(text);
      expect(instant?.toISOString()).toBe(text);
      expect(isoTimestamp(instant as Date)).toBe(text);
    }
  });

  it('leaves every other text to graphql-scalars, valid or not', () => {
    for (const text of [
      '2026-11-25T09:00:00Z', // no milliseconds
      '2026-11-25T10:00:00.000+01:00',
      '2026-11-25t09:00:00.000z',
      '0050-01-01T00:00:00.000Z', // Date.UTC would read 1950
      '2025-02-29T00:00:00.000Z', // not a leap year
      '1900-02-29T00:00:00.000Z', // divisible by 100, not by 400
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-11-25T24:00:00.000Z',
      '2026-11-25T09:60:00.000Z',
      '2026-11-25T09:00:60.000Z',
      '2026-11-25T09:00:0a.000Z',
    ]) {
      expect(canonicalInstant(text)).toBeNull();
    }
  });
});
