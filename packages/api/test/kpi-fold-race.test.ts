import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldPendingDays } from '../src/modules/kpi/fold.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ev, record } from './kpi-fixtures.js';

/**
 * Read-after-write under a fold racing every read. A KPI read adds the folded day sets and the
 * pending tail; a fold moves facts from one to the other in one transaction. The read must see
 * each fact exactly once — on Citus too, where one statement can run as several subplans one
 * after another, each of which would otherwise take its own snapshot on the workers.
 */
const KPIS = /* GraphQL */ `
  query ($asOf: DateTime!) {
    dauWau(days: 1, asOf: $asOf) { dau }
    cdr(days: 1, asOf: $asOf) { sessions dependentSessions }
  }`;

const ROUNDS = 150;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('KPI reads while folds run back to back', () => {
  it('count every accepted batch exactly once, in every round', async () => {
    let stop = false;
    let folds = 0;
    const folding = (async () => {
      while (!stop) {
        await foldPendingDays(app.orm.em.fork());
        folds++;
      }
    })();
    const wrong: string[] = [];
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        // a new user per round, active on 11-10 in a new session that loads context: DAU,
        // sessions and dependent sessions of 11-10 each grow by exactly one; a few events of
        // earlier users on 11-09 give each fold more to do without changing 11-10
        const noise = Array.from({ length: 20 }, (_, i) =>
          ev('SERVER_OPERATION_CALLED', '2026-11-09T08:00:00.000Z', `noise-${round}-${i}`, {
            sessionId: `n${i}`,
          }),
        );
        await record(app, [
          ...noise,
          ev('SESSION_STARTED', '2026-11-10T09:00:00.000Z', `u${round}`, { sessionId: 's' }),
          ev('CONTEXT_LOADED', '2026-11-10T09:01:00.000Z', `u${round}`, { sessionId: 's' }),
        ]);
        const res = await app.gql(KPIS, { asOf: '2026-11-10T12:00:00Z' });
        expect(res.errors).toBeUndefined();
        const seen = {
          dau: res.data?.dauWau.dau,
          sessions: res.data?.cdr.sessions,
          dependentSessions: res.data?.cdr.dependentSessions,
        };
        const expected = { dau: round, sessions: round, dependentSessions: round };
        if (JSON.stringify(seen) !== JSON.stringify(expected)) {
          wrong.push(`round ${round}: ${JSON.stringify(seen)}`);
        }
      }
    } finally {
      stop = true;
      await folding;
    }
    // the folds did race the reads (most rounds folded something in between)
    expect(folds).toBeGreaterThan(ROUNDS / 2);
    expect(wrong).toEqual([]);
    // 150 rounds take 45–70 s on Citus on the 2-core machine: a budget, not a speed check
  }, 240_000);
});
