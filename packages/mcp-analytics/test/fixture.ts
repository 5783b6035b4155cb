/**
 * The MCP test's data, small enough to work every number by hand (the test does, beside each
 * assertion). Events before OPEN_BETA_STARTS_AT (2026-10-01) are stamped closed beta, later ones
 * open beta; everything is on the server channel unless it says otherwise.
 */
const ev = (eventName: string, timestamp: string, userIdHash: string, sessionId: string) => ({
  eventName,
  timestamp,
  userIdHash,
  sessionId,
  channel: 'SERVER',
});
export const EVENTS = [
  // closed beta: its last day with events is 09-30
  ev('SESSION_STARTED', '2026-09-28T10:00:00Z', 'ana', 's1'),
  ev('CONTEXT_LOADED', '2026-09-28T10:01:00Z', 'ana', 's1'),
  ev('SERVER_OPERATION_CALLED', '2026-09-29T10:00:00Z', 'ben', 's3'),
  ev('SESSION_STARTED', '2026-09-30T10:00:00Z', 'ana', 's2'),
  // open beta
  ev('SESSION_STARTED', '2026-11-10T10:00:00Z', 'ana', 's4'),
  ev('SESSION_RESUMED_FROM_CONTEXT', '2026-11-10T10:00:01Z', 'ana', 's4'),
  ev('CONTEXT_RESUMED', '2026-11-10T10:00:02Z', 'ana', 's4'),
  { ...ev('WEB_VIEW_OPENED', '2026-11-11T10:00:00Z', 'cy', 's5'), channel: 'WEB' },
  ev('SESSION_STARTED', '2026-11-12T10:00:00Z', 'cy', 's6'),
  ev('PAID_SUBSCRIPTION_STARTED', '2026-11-12T10:05:00Z', 'cy', 's6'),
  ev('SERVER_OPERATION_CALLED', '2026-11-12T11:00:00Z', 'dan', 's7'),
  ev('CONTEXT_LOADED', '2026-11-12T11:00:01Z', 'dan', 's7'),
];
const er = (timestamp: string, userIdHash: string, stackHash: string, extra: object) => ({
  timestamp,
  userIdHash,
  stackHash,
  channel: 'SERVER',
  ...extra,
});
export const ERRORS = [
  er('2026-11-02T10:00:00Z', 'u_a', 'h1', {
    errorType: 'TypeError',
    severity: 'WARNING',
    errorMessage: 'old',
  }),
  er('2026-11-03T10:00:00Z', 'u_c', 'h2', {
    errorType: 'RangeError',
    severity: 'ERROR',
    errorMessage: 'r1',
  }),
  er('2026-11-05T10:00:00Z', 'u_b', 'h1', {
    errorType: 'TypeError',
    severity: 'CRITICAL',
    errorMessage: 'mid',
  }),
  er('2026-11-07T10:00:00Z', 'u_a', 'h1', {
    errorType: 'TypeError',
    severity: 'INFO',
    errorMessage: 'latest h1 message',
    stackTrace: 'TypeError: latest h1 message\n    at load (index.js:1:1)',
  }),
];
const tr = (operationName: string, durationMs: number, success: boolean, timestamp: string) => ({
  timestamp,
  operationName,
  durationMs,
  success,
  userIdHash: 'u_t',
  channel: 'SERVER',
});
export const TRACES = [
  tr('search_context', 40, true, '2026-11-15T12:00:00Z'),
  tr('search_context', 10, true, '2026-11-15T12:00:01Z'),
  tr('search_context', 30, false, '2026-11-16T12:00:00Z'),
  tr('search_context', 20, true, '2026-11-16T12:00:01Z'),
  tr('rag_search', 7.5, false, '2026-11-16T13:00:00Z'),
];
