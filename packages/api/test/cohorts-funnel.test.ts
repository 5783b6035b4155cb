import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, query, queryError, record } from './kpi-fixtures.js';

/** Funnel (docs/kpis.md#7-funnel--where-do-they-drop-off-on-the-way-to-value), the document's worked example. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  const at = (user: string, name: string, timestamp: string, channel = 'SERVER') =>
    ev(name, timestamp, user, { channel });
  await record(app, [
    at('ana', 'EXTENSION_ACTIVATED', '2026-11-08T00:00:00.000Z'), // the window's first instant
    at('ana', 'CONTEXT_CREATED', '2026-11-08T01:00:00.000Z'),
    at('ana', 'CONTEXT_LOADED', '2026-11-08T03:00:00.000Z'),
    at('ben', 'EXTENSION_ACTIVATED', '2026-11-07T23:59:59.999Z'), // before the window
    at('ben', 'EXTENSION_ACTIVATED', '2026-11-09T10:00:00.000Z'),
    at('ben', 'CONTEXT_CREATED', '2026-11-09T10:00:00.000Z'), // the same instant counts
    at('ben', 'CONTEXT_LOADED', '2026-11-11T10:00:00.000Z'), // exactly entry + 48 h counts
    at('cy', 'EXTENSION_ACTIVATED', '2026-11-10T00:00:00.000Z'),
    at('cy', 'CONTEXT_LOADED', '2026-11-10T01:00:00.000Z'), // before her context_created
    at('cy', 'CONTEXT_CREATED', '2026-11-10T02:00:00.000Z'),
    at('cy', 'CONTEXT_LOADED', '2026-11-12T00:00:00.001Z'), // 1 ms past entry + 48 h
    at('dee', 'EXTENSION_ACTIVATED', '2026-11-12T00:00:00.000Z'),
    at('dee', 'EXTENSION_ACTIVATED', '2026-11-13T00:00:00.000Z'), // a second entry does not restart
    at('dee', 'CONTEXT_CREATED', '2026-11-14T00:00:00.001Z'),
    at('eve', 'CONTEXT_CREATED', '2026-11-09T00:00:00.000Z'), // never entered
    at('fay', 'EXTENSION_ACTIVATED', '2026-11-14T20:00:00.000Z', 'WEB'),
    at('fay', 'CONTEXT_CREATED', '2026-11-15T00:00:00.000Z', 'WEB'), // the window's end: ignored
    at('gus', 'CONTEXT_LOADED', '2026-11-10T05:00:00.000Z'),
    at('gus', 'CONTEXT_LOADED', '2026-11-10T05:00:00.000Z'), // a second event, same instant
    at('hal', 'CONTEXT_LOADED', '2026-11-10T05:00:00.000Z'),
    at('ivy', 'CONTEXT_LOADED', '2026-11-10T05:00:00.000Z'),
    at('ivy', 'CONTEXT_LOADED', '2026-11-11T05:00:00.000Z'),
    // September, outside the other cases' windows: a repeated step with another one between
    at('jo', 'CONTEXT_LOADED', '2026-09-10T10:00:00.000Z'),
    at('jo', 'CONTEXT_CREATED', '2026-09-10T10:00:00.000Z'),
    at('jo', 'CONTEXT_LOADED', '2026-09-10T10:00:00.000Z'), // a second load, the same instant
    at('kim', 'CONTEXT_LOADED', '2026-09-10T10:00:00.000Z'),
    at('kim', 'CONTEXT_CREATED', '2026-09-10T10:00:00.000Z'), // no second load
    at('lou', 'CONTEXT_LOADED', '2026-09-10T10:00:00.000Z'),
    at('lou', 'CONTEXT_CREATED', '2026-09-10T11:00:00.000Z'),
    at('lou', 'CONTEXT_LOADED', '2026-09-11T10:00:00.000Z'), // exactly entry + 24 h
    at('max', 'CONTEXT_CREATED', '2026-09-10T09:00:00.000Z'), // before his entry
    at('max', 'CONTEXT_LOADED', '2026-09-10T10:00:00.000Z'),
    at('max', 'CONTEXT_LOADED', '2026-09-10T12:00:00.000Z'),
  ]);
});
afterAll(async () => app?.close());

const FUNNEL = /* GraphQL */ `
  query ($steps: [CortexEventName!]!, $windowDays: Int, $days: Int, $asOf: DateTime, $channel: Channel) {
    funnel(steps: $steps, windowDays: $windowDays, days: $days, asOf: $asOf, channel: $channel) {
      window { from to days } windowDays
      steps { eventName users conversionFromStart conversionFromPrevious medianSecondsFromPrevious }
    }
  }`;
const week = { days: 7, asOf: '2026-11-14T12:00:00.000Z' };
const ONBOARDING = ['EXTENSION_ACTIVATED', 'CONTEXT_CREATED', 'CONTEXT_LOADED'];
const step = (
  eventName: string,
  users: number,
  conversionFromStart: number | null,
  conversionFromPrevious: number | null,
  medianSecondsFromPrevious: number | null,
) => ({
  eventName,
  users,
  conversionFromStart,
  conversionFromPrevious,
  medianSecondsFromPrevious,
});

describe('funnel', () => {
  it('is the worked example of docs/kpis.md: greedy, ties included, cut by the window', async () => {
    const f = await query(app, FUNNEL, { ...week, steps: ONBOARDING, windowDays: 2 });
    expect(f).toEqual({
      window: { from: '2026-11-08T00:00:00.000Z', to: '2026-11-15T00:00:00.000Z', days: 7 },
      windowDays: 2,
      steps: [
        step('EXTENSION_ACTIVATED', 5, 1, null, null), // ana, ben, cy, dee, fay
        step('CONTEXT_CREATED', 3, 3 / 5, 3 / 5, 3600), // ana 3600 s, ben 0 s, cy 7200 s
        step('CONTEXT_LOADED', 2, 2 / 5, 2 / 3, (7200 + 172_800) / 2), // ana, ben
      ],
    });
  });

  it('matches each event once when a step repeats', async () => {
    const f = await query(app, FUNNEL, {
      ...week,
      steps: ['CONTEXT_LOADED', 'CONTEXT_LOADED'],
      windowDays: 1,
    });
    // entered: ana, ben, cy, gus, hal, ivy; again: gus (a second event, 0 s), ivy (exactly 24 h)
    expect(f.steps).toEqual([
      step('CONTEXT_LOADED', 6, 1, null, null),
      step('CONTEXT_LOADED', 2, 2 / 6, 2 / 6, 43_200),
    ]);
  });

  it('matches a repeated step after another one with an event the entry did not take', async () => {
    const f = await query(app, FUNNEL, {
      days: 7,
      asOf: '2026-09-12T12:00:00.000Z',
      steps: ['CONTEXT_LOADED', 'CONTEXT_CREATED', 'CONTEXT_LOADED'],
      windowDays: 1,
    });
    // entered: jo, kim, lou, max; created: jo 0 s, kim 0 s, lou 3600 s (max's is before entry);
    // loaded again: jo (his second load, same instant: 0 s), lou (at the deadline: 23 h); kim's
    // only load is her entry
    expect(f.steps).toEqual([
      step('CONTEXT_LOADED', 4, 1, null, null),
      step('CONTEXT_CREATED', 3, 3 / 4, 3 / 4, 0),
      step('CONTEXT_LOADED', 2, 2 / 4, 2 / 3, 82_800 / 2),
    ]);
  });

  it('drops the other channels first; rates over nobody are null', async () => {
    const f = await query(app, FUNNEL, { ...week, steps: ONBOARDING, channel: 'WEB' });
    expect(f.steps).toEqual([
      step('EXTENSION_ACTIVATED', 1, 1, null, null), // fay; her context_created is at the end
      step('CONTEXT_CREATED', 0, 0, 0, null),
      step('CONTEXT_LOADED', 0, 0, null, null),
    ]);
    const empty = await query(app, FUNNEL, {
      days: 1,
      asOf: '2026-10-01T00:00:00Z',
      steps: ONBOARDING,
    });
    expect(empty.steps.map((s: { conversionFromStart: unknown }) => s.conversionFromStart)).toEqual(
      [null, null, null],
    );
  });

  it('defaults to 14 window days over 30 days', async () => {
    const f = await query(app, FUNNEL, { asOf: '2026-11-14T12:00:00Z', steps: ONBOARDING });
    expect([f.windowDays, f.window.days]).toEqual([14, 30]);
    // 14 days reach dee's context_created (2 days + 1 ms) and cy's last load; ben enters on 11-07
    expect(f.steps.map((s: { users: number }) => s.users)).toEqual([5, 4, 3]);
  });

  it('rejects bad arguments naming them', async () => {
    expect(await queryError(app, FUNNEL, { steps: ['CONTEXT_LOADED'] })).toEqual({
      message: 'steps: must list 2 to 6 events (got 1)',
      code: 'BAD_USER_INPUT',
    });
    expect(
      await queryError(app, FUNNEL, { steps: Array.from({ length: 7 }, () => 'CONTEXT_LOADED') }),
    ).toEqual({ message: 'steps: must list 2 to 6 events (got 7)', code: 'BAD_USER_INPUT' });
    for (const windowDays of [0, 91]) {
      expect(await queryError(app, FUNNEL, { steps: ONBOARDING, windowDays })).toEqual({
        message: `windowDays: must be between 1 and 90 (got ${windowDays})`,
        code: 'BAD_USER_INPUT',
      });
    }
  });
});
