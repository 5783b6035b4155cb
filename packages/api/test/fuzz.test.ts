import { createScrubber, isPaidTier, normaliseLegacy } from '@cortex-telemetry/events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FuzzItem,
  ID_FIELD,
  legacyBatch,
  type Pipeline,
  typedBatch,
} from './fuzz.arbitraries.js';
import { INGEST_TOKEN, OPEN_BETA_STARTS_AT, startTestApp, type TestApp } from './helpers/app.js';

/**
 * Property-based fuzzing of every ingest mutation (docs/api.md#ingest-rules). Whatever arrives:
 * no HTTP 500 and no INTERNAL_SERVER_ERROR; accepted + duplicates + rejected = items sent; an
 * accepted item reads back with its values; a rejected one is in the failed-items store with the
 * reason the answer gave. A fixed seed keeps CI repeatable; FUZZ_RUNS=500 FUZZ_SEED=… digs deeper.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const runs = (ci: number) => Number(process.env.FUZZ_RUNS ?? ci);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const TABLE = { event: 'telemetry_events', error: 'telemetry_errors', trace: 'telemetry_traces' };
const TYPE = { event: 'EventInput', error: 'ErrorInput', trace: 'TraceInput' };
const MUTATION = {
  event: ['recordEvent', 'recordEvents', 'event', 'events'],
  error: ['recordError', 'recordErrors', 'error', 'errors'],
  trace: ['recordTrace', 'recordTraces', 'trace', 'traces'],
} as const;
const RESULT = 'accepted duplicates rejected errors { index message }';

interface Answer {
  status: number;
  result?: { accepted: number; duplicates: number; rejected: number; errors: Rejection[] };
  errors?: { message: string; extensions?: { code?: string } }[];
}
type Rejection = { index: number; message: string };

/** `variables` may be JSON text already, for values JSON.stringify cannot write. */
async function send(query: string, variables: object | string, field: string): Promise<Answer> {
  const vars = typeof variables === 'string' ? variables : JSON.stringify(variables);
  const res = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
    body: `{"query":${JSON.stringify(query)},"variables":${vars}}`,
  });
  const body = (await res.json()) as { data?: Record<string, Answer['result']>; errors?: [] };
  return { status: res.status, result: body.data?.[field] ?? undefined, errors: body.errors };
}

/** What the runs covered, printed at the end so a generator that stopped reaching the
 * item rules (every batch refused whole) shows up. */
const coverage = new Map<
  string,
  { requests: number; refused: number; accepted: number; duplicates: number; rejected: number }
>();
function tally(mutation: string, answer: Answer) {
  const c = coverage.get(mutation) ?? {
    requests: 0,
    refused: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
  };
  c.requests++;
  if (!answer.result) {
    c.refused++;
    if (process.env.FUZZ_DEBUG)
      console.log(answer.status, answer.errors?.[0]?.message.slice(0, 300));
  } else {
    c.accepted += answer.result.accepted;
    c.duplicates += answer.result.duplicates;
    c.rejected += answer.result.rejected;
  }
  coverage.set(mutation, c);
}
afterAll(() => {
  console.table(Object.fromEntries(coverage));
});

const lastFailedId = async () =>
  (await app.sql('select coalesce(max(id), 0)::text as id from telemetry_failed_items'))[0].id;

/** The invariants every answer keeps, and the failed-items rows it must have written. */
async function checkAnswer(answer: Answer, sent: number, mutation: string, failedSince: string) {
  expect(answer.status).not.toBe(500);
  for (const e of answer.errors ?? []) {
    expect(e.extensions?.code).toBeDefined();
    expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  }
  const failed = await app.sql(
    'select item_index, reason, pipeline, mutation, payload, payload_truncated from telemetry_failed_items where id > ?::bigint order by item_index',
    [failedSince],
  );
  const result = answer.result;
  if (!result) {
    // the request failed as a whole (GraphQL types, body size): nothing of it was kept
    expect([400, 413]).toContain(answer.status);
    expect(failed).toEqual([]);
    return new Set<number>();
  }
  expect(result.accepted + result.duplicates + result.rejected).toBe(sent);
  expect(result.errors).toHaveLength(result.rejected);
  expect(failed.map((f) => [f.item_index, f.reason, f.mutation])).toEqual(
    [...result.errors].sort((a, b) => a.index - b.index).map((e) => [e.index, e.message, mutation]),
  );
  return new Set(result.errors.map((e) => e.index));
}

const ROW_SQL = (
  table: string,
) => `select *, (extract(epoch from "timestamp") * 1000)::float8 as ts_ms,
  (extract(epoch from received_at) * 1000)::float8 as received_ms
  from ${table} where user_id_hash = ? and id = ?::uuid`;

const json = (v: unknown) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
/** The server scrubs what it stores (docs/privacy.md); its default rules are pure, so the same here. */
const scrubber = createScrubber();
const scrubbed = <T>(v: T): T => scrubber.value(v, new Set());
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : null);

/** The stored row an accepted item must have become (docs/api.md#ingest-rules defaults). */
function expectedRow(pipeline: Pipeline, input: Record<string, unknown>, tsMs: number) {
  const tier = (input.userTier as string | undefined) ?? null;
  const common = {
    ts_ms: tsMs,
    session_id: input.sessionId ?? '',
    channel: lower(input.channel),
    user_tier: tier,
    is_paid_user: (input.isPaidUser as boolean | undefined) ?? isPaidTier(tier),
    phase:
      lower(input.phase) ?? (tsMs >= Date.parse(OPEN_BETA_STARTS_AT) ? 'open_beta' : 'closed_beta'),
    project_id: input.projectId ?? null,
    branch_id: input.branchId ?? null,
    context_id: input.contextId ?? null,
    client_version: input.clientVersion ?? null,
    metadata: json(scrubbed(input.metadata)),
  };
  if (pipeline === 'event') {
    return {
      ...common,
      event_name: lower(input.eventName),
      result: input.result ?? 'success',
      duration_ms: input.durationMs ?? null,
    };
  }
  if (pipeline === 'error') {
    return {
      ...common,
      error_type: scrubbed(input.errorType),
      error_message: scrubbed(input.errorMessage),
      stack_trace: scrubbed(input.stackTrace) ?? null,
      severity: lower(input.severity),
      related_event_name: lower(input.relatedEventName),
    };
  }
  return {
    ...common,
    operation_name: input.operationName,
    // -0 and 0 are the same duration; PostgreSQL keeps the sign, JSON equality would not
    duration_ms: (input.durationMs as number) + 0,
    success: input.success,
    result_count: input.resultCount ?? null,
  };
}

async function typedProperty(pipeline: Pipeline, batch: boolean) {
  const [one, many, arg, args] = MUTATION[pipeline];
  const mutation = batch ? many : one;
  const query = batch
    ? `mutation ($items: [${TYPE[pipeline]}!]!, $sentAt: DateTime) { ${many}(${args}: $items, sentAt: $sentAt) { ${RESULT} } }`
    : `mutation ($item: ${TYPE[pipeline]}!) { ${one}(${arg}: $item) { ${RESULT} } }`;
  await fc.assert(
    fc.asyncProperty(typedBatch(pipeline, batch ? 12 : 1), async ({ items, sentAt }) => {
      const inputs = items.map((i: FuzzItem) => i.input);
      const keyOf = (input: Record<string, unknown>) => {
        const id = input[ID_FIELD[pipeline]];
        return typeof id === 'string' ? `${input.userIdHash}|${id.toLowerCase()}` : null;
      };
      // only a well-formed user can be stored, and only its keys can be looked up as JSON
      const keys = [...new Set(inputs.map(keyOf).filter((k): k is string => k !== null))].filter(
        (k) => /^[A-Za-z0-9_.:-]{1,128}\|/.test(k),
      );
      const existing = new Set(
        (
          await app.sql(
            `select user_id_hash || '|' || id::text as key from ${TABLE[pipeline]}
             where user_id_hash || '|' || id::text in (select jsonb_array_elements_text(?::jsonb))`,
            [JSON.stringify(keys)],
          )
        ).map((r) => r.key as string),
      );
      const failedSince = await lastFailedId();
      const variables = batch ? { items: inputs, sentAt: sentAt ?? null } : { item: inputs[0] };
      const answer = await send(query, variables, mutation);
      const rejected = await checkAnswer(answer, inputs.length, mutation, failedSince);
      tally(mutation, answer);
      if (!answer.result) return;
      // valid items are never rejected (a `sentAt` may push a valid timestamp out of range)
      items.forEach((item: FuzzItem, index: number) => {
        if (item.valid && (!batch || sentAt === undefined)) expect(rejected.has(index)).toBe(false);
      });
      // the first stored item of each new key is accepted; every other kept item is a duplicate
      const claimed = new Map<string, Record<string, unknown>>();
      let accepted = 0;
      inputs.forEach((input, index) => {
        if (rejected.has(index)) return;
        const key = keyOf(input);
        if (key === null) accepted++;
        else if (!existing.has(key) && !claimed.has(key)) {
          claimed.set(key, input);
          accepted++;
        }
      });
      expect(answer.result.accepted).toBe(accepted);
      for (const input of claimed.values()) {
        const id = String(input[ID_FIELD[pipeline]]).toLowerCase();
        const [row] = await app.sql(ROW_SQL(TABLE[pipeline]), [input.userIdHash, id]);
        const skew = batch && sentAt ? row.received_ms - Date.parse(sentAt) : 0;
        const expected = expectedRow(pipeline, input, Date.parse(String(input.timestamp)) + skew);
        const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, row[k]]));
        expect(actual).toEqual(expected);
      }
    }),
    { seed: SEED, numRuns: runs(batch ? 25 : 8), endOnFailure: true },
  );
}

describe('fuzzed ingest: typed mutations', () => {
  for (const pipeline of ['event', 'error', 'trace'] as const) {
    it(`${MUTATION[pipeline][1]}: counts add up, accepted reads back, rejected is kept`, () =>
      typedProperty(pipeline, true));
    it(`${MUTATION[pipeline][0]}: the same for a single item`, () =>
      typedProperty(pipeline, false));
  }
});

describe('fuzzed ingest: recordLegacyEvents with arbitrary JSON', () => {
  it('counts add up, accepted v1 items read back as their v2 rows, rejected ones are kept', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(legacyBatch(12), async (raw) => {
        run++;
        // `$user` becomes a user of its own per distinct item, so its rows can be read back;
        // an item repeated in the batch is the same object and keeps the same user
        const users = new Map<unknown, string>();
        const items = raw.map((item, index) => {
          if (typeof item !== 'object' || item === null || !('user_id_hash' in item)) return item;
          if (item.user_id_hash !== '$user') return item;
          if (!users.has(item)) users.set(item, `lg_${SEED}_${run}_${index}_${Date.now()}`);
          return { ...item, user_id_hash: users.get(item) };
        });
        const failedSince = await lastFailedId();
        const answer = await send(
          `mutation ($items: [JSON!]!) { recordLegacyEvents(events: $items) { ${RESULT} } }`,
          { items },
          'recordLegacyEvents',
        );
        const rejected = await checkAnswer(answer, items.length, 'recordLegacyEvents', failedSince);
        tally('recordLegacyEvents', answer);
        if (!answer.result) return;
        const failed = await app.sql(
          'select payload, payload_truncated, pipeline from telemetry_failed_items where id > ?::bigint order by item_index',
          [failedSince],
        );
        const rejectedItems = [...rejected].sort((a, b) => a - b).map((i) => items[i]);
        failed.forEach((f, n) => {
          expect(f.pipeline).toBe('legacy');
          if (!f.payload_truncated) {
            expect(f.payload).toBe(JSON.stringify(scrubbed(rejectedItems[n])));
          }
        });
        const seen = new Set<string>();
        for (const [index, item] of items.entries()) {
          const user = (item as { user_id_hash?: unknown } | null)?.user_id_hash;
          if (rejected.has(index) || typeof user !== 'string' || !user.startsWith('lg_')) continue;
          if (seen.has(user)) continue;
          seen.add(user);
          const normalised = normaliseLegacy(item);
          expect(normalised.ok).toBe(true);
          if (!normalised.ok) continue;
          const names = await app.sql(
            `select 'event' as p, event_name as name from telemetry_events where user_id_hash = ?
             union all select 'error', error_type from telemetry_errors where user_id_hash = ?
             union all select 'trace', operation_name from telemetry_traces where user_id_hash = ?
             order by 1`,
            [user, user, user],
          );
          const expected = normalised.items.map((i) => ({
            p: i.pipeline,
            name:
              i.pipeline === 'event'
                ? i.input.eventName
                : i.pipeline === 'error'
                  ? scrubbed(i.input.errorType)
                  : i.input.operationName,
          }));
          expect(names).toEqual(expected.sort((a, b) => a.p.localeCompare(b.p)));
        }
      }),
      { seed: SEED, numRuns: runs(40), endOnFailure: true },
    );
  });
});

describe('what the fuzzer found, kept as examples', () => {
  /**
   * `{"d":{"d":…}}` nested `levels` deep, as JSON text (JSON.stringify itself overflows a few
   * thousand levels down): 100,000 levels is 600 KB, well under the 2 MiB body.
   */
  const nested = (levels: number) => `${'{"d":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
  const event = {
    eventName: 'SESSION_STARTED',
    timestamp: '2026-11-01T00:00:00Z',
    userIdHash: 'u_deep',
    channel: 'WEB',
  };

  it('metadata nested 100,000 deep is rejected with the rule, not an INTERNAL_SERVER_ERROR', async () => {
    const failedSince = await lastFailedId();
    const answer = await send(
      `mutation ($items: [EventInput!]!) { recordEvents(events: $items) { ${RESULT} } }`,
      `{"items":[${JSON.stringify(event).slice(0, -1)},"metadata":${nested(100_000)}},${JSON.stringify(event)}]}`,
      'recordEvents',
    );
    await checkAnswer(answer, 2, 'recordEvents', failedSince);
    expect(answer.result).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: 1,
      errors: [
        { index: 0, message: 'metadata: must nest at most 32 levels of objects and arrays' },
      ],
    });
    // the item is kept with its reason; scrubbing (docs/privacy.md) does not walk or keep what
    // nests deeper than any valid item, so the rest of it serialises
    const [failed] = await app.sql(
      'select payload, payload_truncated from telemetry_failed_items where id > ?::bigint',
      [failedSince],
    );
    expect(failed.payload_truncated).toBe(false);
    const kept = JSON.parse(failed.payload);
    expect(kept).toMatchObject({ eventName: event.eventName.toLowerCase(), channel: 'web' });
    let level = kept.metadata;
    while (typeof level === 'object') level = Object.values(level)[0];
    expect(level).toBe('[not kept: nested too deep]');
  });

  it('a v1 item nested 100,000 deep is rejected whole, its neighbour stored', async () => {
    const failedSince = await lastFailedId();
    const v1 = { service: 'mcp', event_type: 'session_started', user_id_hash: 'u_deep_v1' };
    const answer = await send(
      `mutation ($items: [JSON!]!) { recordLegacyEvents(events: $items) { ${RESULT} } }`,
      `{"items":[${JSON.stringify({ ...v1, timestamp: '2026-11-01T00:00:00Z' }).slice(0, -1)},"event_data":${nested(100_000)}},${JSON.stringify({ ...v1, timestamp: '2026-11-01T00:00:01Z' })}]}`,
      'recordLegacyEvents',
    );
    await checkAnswer(answer, 2, 'recordLegacyEvents', failedSince);
    expect(answer.result?.errors).toEqual([
      { index: 0, message: '(item): must nest at most 40 levels of objects and arrays' },
    ]);
    expect(answer.result?.accepted).toBe(1);
  });
});
