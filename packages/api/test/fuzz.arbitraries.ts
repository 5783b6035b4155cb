import { CHANNELS, EVENT_NAMES, SEVERITIES } from '@cortex-telemetry/events';
import fc from 'fast-check';

/**
 * Generators for the ingest fuzz test. Each item is either `valid` (every field within the rules
 * of docs/api.md#ingest-rules: the server must accept it) or `wild` (any value GraphQL lets
 * through, and sometimes not even that): NUL and lone surrogates, huge and tiny numbers, deep
 * metadata, dates at and beyond the storable range, huge strings, ids repeated in the batch.
 */
const DAY = 86_400_000;
const NOW = Date.now();

const UNSTORABLE = /\0|\p{Cs}/u;
const storable = (s: string) => !UNSTORABLE.test(s);

/** Strings within `max` UTF-16 units that PostgreSQL text can hold. */
const okText = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: max }),
    fc.string({ unit: 'binary', maxLength: max }).filter((s) => s.length <= max && storable(s)),
  );

/** Strings a client might send by mistake or on purpose. */
const wildText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '😀', '', ' '),
  fc.integer({ min: 0, max: 70_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 120, max: 140 }).map((n) => 'é'.repeat(n)),
);

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const either = <T>(ok: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>, valid: boolean) =>
  valid ? ok : fc.oneof({ arbitrary: ok, weight: 5 }, { arbitrary: bad, weight: 1 });

const validTimestamp = fc
  .integer({ min: NOW - 365 * DAY, max: NOW - 60_000 })
  .map((ms) => new Date(ms).toISOString());

/** RFC 3339 text the DateTime scalar accepts, at and beyond what can be stored. */
const wildTimestamp = fc.oneof(
  fc.constantFrom(
    '0001-01-01T00:00:00.000Z',
    '0000-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59.999Z',
    '2999-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999-14:00',
  ),
  fc.integer({ min: 1, max: 48 }).map((h) => new Date(NOW + h * 3_600_000).toISOString()),
);

/** Values GraphQL itself refuses: the request fails whole, as the GraphQL spec says. */
const requestBreakers = fc.constantFrom<[string, unknown]>(
  ['timestamp', 'yesterday'],
  ['timestamp', '2026-02-30T10:00:00Z'],
  ['timestamp', '+275760-09-13T00:00:00.000Z'],
  ['durationMs', 2 ** 31],
  ['resultCount', 2 ** 53],
  ['channel', 'FAX'],
  ['userIdHash', 42],
  ['timestamp', undefined],
);

const deepObject = fc.integer({ min: 1, max: 3000 }).map((depth) => {
  let value: Record<string | symbol, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { d: value };
  // a counterexample prints as its depth: fast-check's printer recurses and would overflow
  value[fc.toStringMethod] = () => `{ d: { d: … ${depth} levels } }`;
  return value;
});

const validMetadata = fc
  .dictionary(okText(12), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
  .filter((m) => {
    const text = JSON.stringify(m);
    return storable(text.replace(/\\u[0-9a-f]{4}/gi, '')) && Buffer.byteLength(text) <= 16_384;
  })
  // a JSON text carries no -0, and jsonb keeps no duplicate keys: what the server can store
  .map((m) => JSON.parse(JSON.stringify(m)) as Record<string, unknown>);

const wildMetadata = fc.oneof(
  fc.jsonValue(),
  deepObject,
  fc.dictionary(wildText, fc.jsonValue(), { maxKeys: 4 }),
  fc.integer({ min: 16_000, max: 17_000 }).map((n) => ({ pad: 'm'.repeat(n) })),
  fc.constant({ big: 1e308, tiny: 5e-324, neg: -0, max: Number.MAX_SAFE_INTEGER + 2 }),
);

const userIdHash = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,128}$/);
const upper = (values: readonly string[]) => fc.constantFrom(...values.map((v) => v.toUpperCase()));
const int32 = fc.integer({ min: 0, max: 2_147_483_647 });
/** In GraphQL's `Int` range, outside the rules. */
const wildInt = fc.integer({ min: -(2 ** 31), max: -1 });
const wildFloat = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, 5e-324, -0, -1e-9, Number.MAX_VALUE),
);

/**
 * Fields every pipeline shares. Ids and users come from small pools per batch, so the same
 * (user, id) key repeats inside a batch and the idempotency rule is exercised.
 */
function common(valid: boolean, ids: string[], users: string[]) {
  return {
    id: maybe(
      fc.oneof(
        fc.constantFrom(...ids),
        fc.constantFrom(...ids).map((i) => i.toUpperCase()),
      ),
    ),
    timestamp: either(validTimestamp, wildTimestamp, valid),
    userIdHash: either(
      fc.oneof(
        { arbitrary: fc.constantFrom(...users), weight: 3 },
        { arbitrary: userIdHash, weight: 1 },
      ),
      wildText,
      valid,
    ),
    sessionId: maybe(either(okText(128), wildText, valid)),
    channel: upper(CHANNELS),
    userTier: maybe(either(okText(32), wildText, valid)),
    isPaidUser: maybe(fc.boolean()),
    phase: maybe(fc.constantFrom('CLOSED_BETA', 'OPEN_BETA')),
    projectId: maybe(either(okText(128), wildText, valid)),
    branchId: maybe(either(okText(128), wildText, valid)),
    contextId: maybe(either(okText(128), wildText, valid)),
    clientVersion: maybe(either(okText(64), wildText, valid)),
    metadata: maybe(either(validMetadata, wildMetadata, valid)),
  };
}

export type Pipeline = 'event' | 'error' | 'trace';
export const ID_FIELD = { event: 'eventId', error: 'errorId', trace: 'traceId' } as const;

function specific(pipeline: Pipeline, valid: boolean): Record<string, fc.Arbitrary<unknown>> {
  if (pipeline === 'event') {
    return {
      eventName: upper(EVENT_NAMES),
      result: maybe(either(okText(32), wildText, valid)),
      durationMs: maybe(either(int32, wildInt, valid)),
    };
  }
  if (pipeline === 'error') {
    return {
      errorType: either(
        okText(256).filter((s) => s.length > 0),
        wildText,
        valid,
      ),
      errorMessage: either(okText(2000), wildText, valid),
      stackTrace: maybe(either(okText(4000), wildText, valid)),
      stackHash: maybe(either(okText(128), wildText, valid)),
      severity: upper(SEVERITIES),
      relatedEventName: maybe(upper(EVENT_NAMES)),
    };
  }
  return {
    operationName: either(
      okText(256).filter((s) => s.length > 0),
      wildText,
      valid,
    ),
    durationMs: either(fc.double({ min: 0, max: 1e12, noNaN: true }), wildFloat, valid),
    success: fc.boolean(),
    resultCount: maybe(either(int32, wildInt, valid)),
  };
}

export interface FuzzItem {
  valid: boolean;
  input: Record<string, unknown>;
}

function item(
  pipeline: Pipeline,
  valid: boolean,
  ids: string[],
  users: string[],
): fc.Arbitrary<FuzzItem> {
  const { id, ...rest } = common(valid, ids, users);
  return fc
    .record({ ...rest, ...specific(pipeline, valid), id })
    .map(({ id: given, ...fields }) => {
      const input: Record<string, unknown> = Object.fromEntries(
        Object.entries(fields).filter(([, v]) => v !== undefined),
      );
      if (given !== undefined) input[ID_FIELD[pipeline]] = given;
      return { valid, input };
    });
}

/** Puts one value GraphQL itself refuses into one item: the whole request must fail. */
const breakOne = (items: FuzzItem[]) =>
  fc
    .oneof(
      { arbitrary: fc.constant(undefined), weight: 7 },
      { arbitrary: fc.tuple(fc.nat({ max: items.length - 1 }), requestBreakers), weight: 1 },
    )
    .map((breaker) => {
      if (!breaker) return items;
      const [at, [field, value]] = breaker;
      return items.map((it, i) =>
        i === at ? { valid: false, input: { ...it.input, [field]: value } } : it,
      );
    });

/** A batch of valid and wild items sharing pools of 3 ids and 2 users, and maybe a `sentAt`. */
export const typedBatch = (pipeline: Pipeline, maxItems: number) =>
  fc
    .record({
      ids: fc.array(fc.uuid({ version: 4 }), { minLength: 3, maxLength: 3 }),
      users: fc.array(userIdHash, { minLength: 2, maxLength: 2 }),
    })
    .chain(({ ids, users }) =>
      fc.record({
        items: fc
          .array(fc.oneof(item(pipeline, true, ids, users), item(pipeline, false, ids, users)), {
            minLength: 1,
            maxLength: maxItems,
          })
          .chain(breakOne),
        sentAt: maybe(
          fc.oneof(
            fc
              .integer({ min: -5000, max: 5000 })
              .map((s) => new Date(NOW + s * 1000).toISOString()),
            fc.constantFrom('0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
          ),
        ),
      }),
    );

const likely = <T>(ok: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: ok, weight: 9 }, { arbitrary: bad, weight: 1 });

/** What the v1 client wrote, and arbitrary JSON beside it. `$user` is made unique per index. */
const legacyShaped = fc.record(
  {
    service: likely(
      fc.constantFrom('mcp', 'server', 'extension', 'web', 'website', 'MCP'),
      wildText,
    ),
    event_type: likely(
      fc.constantFrom(...EVENT_NAMES, 'tool_call', 'tool_call', 'error', 'performance'),
      fc.oneof(fc.constantFrom('session_ended', 'feature_usage', ''), wildText),
    ),
    event_name: maybe(fc.constantFrom(...EVENT_NAMES, '')),
    user_id_hash: fc.oneof(
      { arbitrary: fc.constant('$user'), weight: 4 },
      { arbitrary: wildText, weight: 1 },
    ),
    user_tier: maybe(likely(fc.constantFrom('free', 'pro', 'paid'), wildText)),
    session_id: maybe(likely(okText(20), wildText)),
    tool_name: maybe(likely(fc.constantFrom('search_context', 'sync_to_cloud'), wildText)),
    result: maybe(likely(fc.constantFrom('success', 'error'), wildText)),
    duration_ms: maybe(
      likely(fc.integer({ min: 0, max: 100_000 }), fc.oneof(wildFloat, wildInt, wildText)),
    ),
    event_data: maybe(
      fc.oneof(
        fc.record(
          {
            result_count: likely(fc.integer({ min: 0, max: 50 }), wildFloat),
            error_type: likely(fc.constantFrom('TypeError'), wildText),
            operation: likely(fc.constantFrom('rag_search'), wildText),
            context: fc.jsonValue({ maxDepth: 2 }),
            metadata: likely(validMetadata, wildMetadata),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    ),
    error_message: maybe(likely(okText(200), wildText)),
    timestamp: likely(
      fc.oneof(
        validTimestamp,
        fc.integer({ min: Math.floor((NOW - 30 * DAY) / 1000), max: Math.floor(NOW / 1000) }),
        fc.constant(NOW - DAY),
      ),
      fc.oneof(
        wildTimestamp,
        fc.constantFrom(1e20, -1e15, 8.64e15, 0, -0, 1e11 - 1, 'yesterday', '2026-02-30T10:00:00Z'),
      ),
    ),
    channel: maybe(likely(fc.constantFrom('web', 'server'), wildText)),
    is_paid_user: maybe(likely(fc.boolean(), fc.jsonValue({ maxDepth: 0 }))),
    metadata: maybe(likely(validMetadata, wildMetadata)),
    phase: maybe(likely(fc.constantFrom('open_beta', 'closed_beta'), wildText)),
  },
  { requiredKeys: ['service', 'event_type', 'user_id_hash', 'timestamp'] },
);

export const legacyBatch = (maxItems: number) =>
  fc
    .array(
      fc.oneof(
        { arbitrary: legacyShaped as fc.Arbitrary<unknown>, weight: 5 },
        { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
        { arbitrary: deepObject as fc.Arbitrary<unknown>, weight: 1 },
      ),
      { minLength: 1, maxLength: maxItems },
    )
    // repeat an item inside the batch now and then: the same payload is the same v1 item
    .chain((items) =>
      fc
        .option(fc.nat({ max: items.length - 1 }), { nil: undefined })
        .map((i) => (i === undefined ? items : [...items, items[i]])),
    );
