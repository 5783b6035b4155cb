import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STEPS,
  EVENT_CHOICES,
  funnelQuery,
  parseFunnelParams,
  parseRetentionParams,
  retentionQuery,
} from '../src/cohort-params';

/** The controls of /retention and /funnel as the URL keeps them. */
const TODAY = '2026-11-26';

describe('retention params', () => {
  it('defaults to the API defaults: 90 days, ISO weeks, 12 intervals, first-time, any activity', () => {
    const p = parseRetentionParams({}, TODAY);
    expect(p).toEqual({
      days: 90,
      asOf: TODAY,
      channel: null,
      period: 'WEEK',
      intervals: 12,
      type: 'FIRST_TIME',
      startEvent: null,
      returnEvent: null,
    });
    expect(retentionQuery(p, TODAY)).toEqual({ days: '90' });
  });

  it('reads and writes every control', () => {
    const query = {
      days: '30',
      asOf: '2026-11-20',
      channel: 'server',
      period: 'day',
      intervals: '7',
      type: 'recurring',
      start: 'context_created',
      return: 'context_loaded',
    };
    const p = parseRetentionParams(query, TODAY);
    expect(p).toEqual({
      days: 30,
      asOf: '2026-11-20',
      channel: 'server',
      period: 'DAY',
      intervals: 7,
      type: 'RECURRING',
      startEvent: 'CONTEXT_CREATED',
      returnEvent: 'CONTEXT_LOADED',
    });
    expect(retentionQuery(p, TODAY)).toEqual(query);
  });

  it('falls back per control on malformed values', () => {
    const p = parseRetentionParams(
      { days: '12', intervals: '27', start: 'nope', period: 'month', asOf: '2026-13-01' },
      TODAY,
    );
    expect([p.days, p.intervals, p.startEvent, p.period, p.asOf]).toEqual([
      90,
      12,
      null,
      'WEEK',
      TODAY,
    ]);
    expect(parseRetentionParams({ intervals: '0' }, TODAY).intervals).toBe(12);
    expect(parseRetentionParams({ intervals: '26' }, TODAY).intervals).toBe(26);
  });
});

describe('funnel params', () => {
  it('defaults to the four steps of issue #15 within 14 days over 30 days', () => {
    const p = parseFunnelParams({}, TODAY);
    expect(p.steps).toEqual([
      'EXTENSION_ACTIVATED',
      'CONTEXT_CREATED',
      'CONTEXT_LOADED',
      'PAID_SUBSCRIPTION_STARTED',
    ]);
    expect([p.days, p.windowDays]).toEqual([30, 14]);
    expect(funnelQuery(p, TODAY)).toEqual({ days: '30' });
  });

  it('keeps 2–6 steps, repeats allowed, in the URL as wire names', () => {
    const query = {
      days: '7',
      steps: 'session_started,context_loaded,session_started',
      windowDays: '3',
    };
    const p = parseFunnelParams(query, TODAY);
    expect(p.steps).toEqual(['SESSION_STARTED', 'CONTEXT_LOADED', 'SESSION_STARTED']);
    expect([p.days, p.windowDays]).toEqual([7, 3]);
    expect(funnelQuery(p, TODAY)).toEqual(query);
  });

  it('falls back to the default steps for 1 or 7 steps or an unknown name', () => {
    for (const steps of [
      'context_loaded',
      Array(7).fill('context_loaded').join(','),
      'context_loaded,nope',
    ]) {
      expect(parseFunnelParams({ steps }, TODAY).steps).toEqual(DEFAULT_STEPS);
    }
    expect(parseFunnelParams({ windowDays: '91' }, TODAY).windowDays).toBe(14);
  });

  it('offers the 17 catalog events', () => {
    expect(EVENT_CHOICES).toHaveLength(17);
  });
});
