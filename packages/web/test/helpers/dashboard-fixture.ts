import type { TestApp } from '../../../api/test/helpers/app.js';

/**
 * The browser tests' dataset, small enough to work by hand. Closed beta: the docs/kpis.md worked
 * example (ana, ben, cy; its data ends on 2026-11-12). Open beta: dan and eve in the week to
 * 2026-11-25 (dan on the server, eve in the extension, eve converts), one error group and one
 * operation with two traces (100 ms ok, 200 ms failed).
 */
const ev = (
  user: string,
  at: string,
  eventName: string,
  sessionId: string | null,
  channel: string,
  phase: string,
) => ({
  eventName,
  timestamp: `2026-11-${at}Z`,
  userIdHash: user,
  channel,
  phase,
  ...(sessionId ? { sessionId } : {}),
});
const closed = (user: string, at: string, name: string, session: string | null, ch = 'SERVER') =>
  ev(user, at, name, session, ch, 'CLOSED_BETA');
const open = (user: string, at: string, name: string, session: string | null, ch = 'SERVER') =>
  ev(user, at, name, session, ch, 'OPEN_BETA');

export async function recordDashboardFixture(app: TestApp): Promise<void> {
  await app.record('recordEvents', [
    closed('ana', '02T09:00:00', 'SESSION_STARTED', 's1'),
    closed('ana', '10T09:00:00', 'SESSION_STARTED', 's2'),
    closed('ana', '10T09:05:00', 'CONTEXT_LOADED', 's2'),
    closed('ana', '11T09:00:00', 'SESSION_STARTED', 's3'),
    closed('ben', '10T10:00:00', 'SERVER_OPERATION_CALLED', 's4'),
    closed('ben', '10T11:00:00', 'PAID_SUBSCRIPTION_STARTED', null, 'WEB'),
    closed('ben', '12T10:00:00', 'CONTEXT_RESUMED', 's4'),
    closed('cy', '12T08:00:00', 'CONTEXT_LOADED', null, 'WEB'),
    open('dan', '24T09:00:00', 'SESSION_STARTED', 'd1'),
    open('dan', '24T09:10:00', 'CONTEXT_LOADED', 'd1'),
    open('dan', '25T09:00:00', 'SESSION_STARTED', 'd2'),
    open('eve', '25T10:00:00', 'EXTENSION_ACTIVATED', 'e1', 'EXTENSION'),
    open('eve', '25T10:00:01', 'SESSION_STARTED', 'e1', 'EXTENSION'),
    open('eve', '25T10:05:00', 'CONTEXT_RESUMED', 'e1', 'EXTENSION'),
    open('eve', '25T15:00:00', 'PAID_SUBSCRIPTION_STARTED', null, 'WEB'),
  ]);
  await app.record('recordErrors', [
    {
      timestamp: '2026-11-25T10:06:00Z',
      errorType: 'TypeError',
      errorMessage: 'ctx is undefined',
      stackTrace: 'TypeError: ctx is undefined\n    at load (/srv/cortex/dist/index.js:10:5)',
      severity: 'ERROR',
      userIdHash: 'eve',
      channel: 'EXTENSION',
      phase: 'OPEN_BETA',
    },
  ]);
  await app.record('recordTraces', [
    {
      timestamp: '2026-11-24T09:01:00Z',
      operationName: 'search_context',
      durationMs: 100,
      success: true,
      userIdHash: 'dan',
      channel: 'SERVER',
      phase: 'OPEN_BETA',
    },
    {
      timestamp: '2026-11-24T09:02:00Z',
      operationName: 'search_context',
      durationMs: 200,
      success: false,
      userIdHash: 'dan',
      channel: 'SERVER',
      phase: 'OPEN_BETA',
    },
  ]);
}
