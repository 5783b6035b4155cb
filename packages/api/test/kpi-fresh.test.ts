import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaySetFolder, startDaySetFolder } from '../src/modules/kpi/fold.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, query, record } from './kpi-fixtures.js';

/**
 * Read-after-write: ingest only notes day facts, and the fold runs later — yet a KPI asked
 * after a batch's response counts that batch, whether the background folder has got to it,
 * is folding it right now, or has not started.
 */
const DAU = /* GraphQL */ `
  query ($asOf: DateTime!) { dauWau(days: 1, asOf: $asOf) { dau series { day dau } } }`;

let app: TestApp;
let folder: DaySetFolder | undefined;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await folder?.stop();
  await app?.close();
});

describe('a KPI read right after a batch', () => {
  it('counts the batch, with no folder running, then with the background folder racing it', async () => {
    for (let round = 0; round < 6; round++) {
      // rounds 0–2: only the read itself can fold; from round 3 on, a folder as eager as it
      // gets, so reads keep meeting folds in progress
      if (round === 3) {
        folder = startDaySetFolder(() => app.orm.em.fork(), { intervalMs: 1, busyIntervalMs: 0 });
      }
      // one new user active on 11-10, beside 150 events of other users on 11-01 (so folds have
      // work): DAU of 11-10 grows by exactly one per round
      const noise = Array.from({ length: 150 }, (_, i) =>
        ev('SERVER_OPERATION_CALLED', '2026-11-01T08:00:00.000Z', `noise-${round}-${i % 50}`, {
          sessionId: `s${i % 7}`,
        }),
      );
      await record(app, [...noise, ev('SESSION_STARTED', '2026-11-10T09:00:00.000Z', `u${round}`)]);
      const kpi = await query(app, DAU, { asOf: '2026-11-10T12:00:00Z' });
      expect(kpi).toEqual({ dau: round + 1, series: [{ day: '2026-11-10', dau: round + 1 }] });
    }
    const stats = folder!.takeStats();
    // every note was folded exactly once, by the folder or by a read: nothing is left
    expect(await app.sql('select count(*)::int as n from kpi_pending')).toEqual([{ n: 0 }]);
    // notes per round: 150 (user i % 50, session i % 7) pairs — distinct, as lcm(50, 7) > 150 —
    // plus u<round>'s; of rounds 3–5 the folder folded some, the reads the rest, none twice
    expect(stats.facts).toBeLessThanOrEqual(3 * 151);
  });
});
