import { describe, expect, it } from 'vitest';
import { formatUtc, payloadPreview, prettyPayload, relativeTime } from '../src/format.js';

describe('dashboard formatting', () => {
  it('shows instants in UTC to the second', () => {
    expect(formatUtc('2026-11-26T04:12:33.456Z')).toBe('2026-11-26 04:12:33 UTC');
    expect(formatUtc('2026-11-26T05:12:33+01:00')).toBe('2026-11-26 04:12:33 UTC');
    expect(formatUtc('not a date')).toBe('not a date');
  });

  it('says how long ago, coarsely', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(relativeTime('2026-11-26T11:59:30Z', now)).toBe('just now');
    expect(relativeTime('2026-11-26T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2026-11-26T09:00:00Z', now)).toBe('3 hours ago');
    expect(relativeTime('2026-11-25T12:00:00Z', now)).toBe('yesterday');
  });

  it('previews a payload on one line, cut with an ellipsis', () => {
    expect(payloadPreview('{\n  "a": 1\n}')).toBe('{ "a": 1 }');
    expect(payloadPreview('x'.repeat(10), 5)).toBe('xxxx…');
    expect(payloadPreview('x'.repeat(5), 5)).toBe('xxxxx');
  });

  it('indents JSON payloads and leaves a cut one as received', () => {
    expect(prettyPayload('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyPayload('{"a":"cut her')).toBe('{"a":"cut her');
  });
});
