import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/modules/shared/cursor.js';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/** Runs the query as admin and returns its only error, which must be a BAD_USER_INPUT. */
async function badInput(query: string, variables: Record<string, unknown> = {}) {
  const res = await app.gql(query, variables);
  expect(res.errors).toHaveLength(1);
  const [error] = res.errors ?? [];
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  return { message: error?.message, field: error?.extensions?.field };
}

const SAME = '2026-11-10T00:00:00.000Z';

describe('argument rules of the analyst queries', () => {
  it.each([
    ['events', 0],
    ['errors', 501],
    ['traces', -3],
  ])('%s: first out of 1–500 (%i)', async (field, first) => {
    expect(await badInput(`{ ${field}(first: ${first}) { nodes { id } } }`)).toEqual({
      message: `first: must be between 1 and 500 (got ${first})`,
      field: 'first',
    });
  });

  it('errorGroups: first out of 1–500', async () => {
    expect(await badInput('{ errorGroups(first: 0) { count } }')).toEqual({
      message: 'first: must be between 1 and 500 (got 0)',
      field: 'first',
    });
  });

  it.each([
    ['events', '{ nodes { id } }'],
    ['eventCounts', '{ count }', ', groupBy: [DAY]'],
    ['errorGroups', '{ count }'],
    ['traceStats', '{ count }'],
  ])('%s: from must be before to', async (field, selection, extra = '') => {
    expect(
      await badInput(`{ ${field}(from: "${SAME}", to: "${SAME}"${extra}) ${selection} }`),
    ).toEqual({
      message: `from: must be before to (got from ${SAME}, to ${SAME})`,
      field: 'from',
    });
  });

  it.each([
    ['eventCounts', '{ count }', ', groupBy: [DAY]'],
    ['errorGroups', '{ count }'],
    ['traceStats', '{ count }'],
  ])('%s: a window over 366 days', async (field, selection, extra = '') => {
    // 2025-11-10 .. 2026-11-12 is 367 days
    expect(
      await badInput(
        `{ ${field}(from: "2025-11-10T00:00:00Z", to: "2026-11-12T00:00:00Z"${extra}) ${selection} }`,
      ),
    ).toEqual({
      message: 'from: the window from..to may span at most 366 days (got 367)',
      field: 'from',
    });
  });

  it('a window of exactly 366 days is allowed; lists have no window limit', async () => {
    const counts = await app.gql(
      '{ eventCounts(from: "2025-11-11T00:00:00Z", to: "2026-11-12T00:00:00Z", groupBy: [DAY]) { count } }',
    );
    expect(counts.errors).toBeUndefined();
    expect(counts.data?.eventCounts).toEqual([]);
    const list = await app.gql(
      '{ events(from: "2020-01-01T00:00:00Z", to: "2026-11-12T00:00:00Z") { nodes { id } } }',
    );
    expect(list.errors).toBeUndefined();
  });

  it('aggregates: from alone must lie before now', async () => {
    const from = new Date(Date.now() + 86_400_000).toISOString();
    expect(await badInput(`{ traceStats(from: "${from}") { count } }`)).toEqual({
      message: `from: must be before now when to is omitted (got from ${from})`,
      field: 'from',
    });
  });

  it('eventCounts: groupBy empty or with a repeat', async () => {
    expect(await badInput('{ eventCounts(groupBy: []) { count } }')).toEqual({
      message: 'groupBy: must name at least one dimension',
      field: 'groupBy',
    });
    expect(await badInput('{ eventCounts(groupBy: [DAY, CHANNEL, DAY]) { count } }')).toEqual({
      message: 'groupBy: DAY is listed more than once',
      field: 'groupBy',
    });
  });

  it('an empty list filter is refused rather than matching nothing', async () => {
    expect(await badInput('{ events(eventName: []) { nodes { id } } }')).toEqual({
      message: 'eventName: must list at least one value when given',
      field: 'eventName',
    });
    expect(await badInput('{ eventCounts(groupBy: [DAY], eventName: []) { count } }')).toEqual({
      message: 'eventName: must list at least one value when given',
      field: 'eventName',
    });
    expect(await badInput('{ errors(severity: []) { nodes { id } } }')).toEqual({
      message: 'severity: must list at least one value when given',
      field: 'severity',
    });
  });

  it.each([
    ['not base64 JSON', 'garbage!'],
    ['JSON but not a list', Buffer.from('{"a":1}').toString('base64url')],
    ['a failedItems cursor', encodeCursor(['2026-11-10T00:00:00.000Z', '12'])],
    [
      'a list cursor with a bad id',
      encodeCursor(['k1', '2026-11-10T00:00:00.000Z', "1' or 1=1", 'u']),
    ],
    [
      'a list cursor with a bad time',
      encodeCursor(['k1', 'yesterday', '00000000-0000-4000-8000-000000000001', 'u']),
    ],
    [
      'a list cursor with an impossible date',
      encodeCursor(['k1', '2026-13-45T00:00:00.000Z', '00000000-0000-4000-8000-000000000001', 'u']),
    ],
  ])('a bad cursor (%s)', async (_name, after) => {
    expect(
      await badInput('query ($after: String) { traces(after: $after) { nodes { id } } }', {
        after,
      }),
    ).toEqual({ message: 'after: not a cursor returned by this API', field: 'after' });
  });
});

describe('access', () => {
  it.each([
    '{ events { nodes { id } } }',
    '{ errors { nodes { id } } }',
    '{ traces { nodes { id } } }',
    '{ eventCounts(groupBy: [DAY]) { count } }',
    '{ errorGroups { count } }',
    '{ traceStats { count } }',
  ])('an ingest token gets FORBIDDEN: %s', async (query) => {
    const res = await app.gql(query, {}, INGEST_TOKEN);
    expect(res.status).toBe(403);
    expect(res.data).toBeUndefined();
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
