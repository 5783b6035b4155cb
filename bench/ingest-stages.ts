import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { itemRow, schema } from '@cortex-telemetry/api';
import { createScrubber, fromEnumValue, parseItem } from '@cortex-telemetry/events';

/**
 * The Node side of one `recordEvents` batch, stage by stage, on one thread with no I/O: what
 * each step of the request path costs before PostgreSQL sees the rows. It re-creates the steps
 * with the same libraries (graphql-jit's compiled variable coercion, as the server compiles every
 * mutation (graphql-jit.ts), the item rules, the positional JSON parameter; the service binds that
 * parameter, so no escaping stage), so it is a breakdown, not a replacement for the end-to-end
 * rate and the CPU profile.
 */
type GraphQL = typeof import('graphql');
// the CommonJS build is the one the api loads too (graphql 16 has no exports map): the same
// version, so the same file, as the schema's
const graphql = createRequire(import.meta.url)('graphql') as GraphQL;
// graphql-jit's compiled variable coercion, the step of the server's compiled mutation; its
// CommonJS build (the ES module one of this file fails to load under Node 20)
const { compileVariableParsing, failToParseVariables } = createRequire(import.meta.url)(
  'graphql-jit/dist/variables',
) as typeof import('graphql-jit/dist/variables');

type RequestBody = { query: string; variables: Record<string, unknown> };
type OperationDefinition = import('graphql').OperationDefinitionNode;
// the service's own row builder, so this stage serialises exactly the rows ingest sends
const ROW_OPTIONS = {
  openBetaStartsAt: new Date('2026-10-01T00:00:00.000Z'),
  scrubber: createScrubber(),
};
const noId = () => {
  throw new Error('bench events carry their ids');
};

export interface StageTimes {
  batches: number;
  /** Mean milliseconds per batch. */
  stages: { stage: string; ms: number }[];
}

export function measureStages(bodies: readonly string[], limit = 40): StageTimes {
  const sample = bodies.slice(0, Math.min(limit, bodies.length));
  // each stage runs over the whole sample before the next, so the garbage a stage makes is
  // collected (and counted) in that stage, not in whichever stage happens to trigger a GC
  const stage = <I, O>(input: I[], step: (value: I, index: number) => O) => {
    const started = performance.now();
    const out = input.map((value, index) => step(value, index));
    return { out, ms: (performance.now() - started) / input.length };
  };
  const round = () => {
    const requests = stage([...sample], (body) => JSON.parse(body) as RequestBody);
    const documents = stage(requests.out, (r) => graphql.parse(r.query));
    // compiled once per query text, as the server caches its compiled mutation
    const coerce = compileVariableParsing(
      schema,
      (documents.out[0]!.definitions[0] as OperationDefinition).variableDefinitions ?? [],
    );
    const coerced = stage(requests.out, (r) => {
      const result = coerce(r.variables);
      if (failToParseVariables(result)) throw result.errors[0];
      return result.coerced.events as unknown[];
    });
    // the wire's event name (CONTEXT_LOADED) back to the catalog's, as the resolver does
    // (withWireEventNames): without it every item failed its rules and went through zod
    const parsed = stage(coerced.out, (items) =>
      items.map((item) => {
        const fields = item as Record<string, unknown>;
        fields.eventName = fromEnumValue(fields.eventName);
        return parseItem('event', fields);
      }),
    );
    const rows = stage(parsed.out, (items) =>
      JSON.stringify(
        items.map((p) =>
          p.ok ? itemRow('event', p.value, noId, p.value.timestamp, ROW_OPTIONS, new Set()) : null,
        ),
      ),
    );
    return [
      ['JSON.parse of the request body', requests.ms],
      ['GraphQL parse (yoga caches it per query text)', documents.ms],
      ['GraphQL variable coercion (500 EventInputs)', coerced.ms],
      ['item rules (parseItem × 500; zod only words rejections)', parsed.ms],
      ['rows → JSON parameter (JSON.stringify)', rows.ms],
    ] as const;
  };
  round(); // warm-up: JIT
  // the box is shared: keep each stage's best of three rounds
  const best = new Map<string, number>();
  for (let i = 0; i < 3; i++) {
    for (const [name, ms] of round()) best.set(name, Math.min(best.get(name) ?? ms, ms));
  }
  return {
    batches: sample.length,
    stages: [...best].map(([name, ms]) => ({ stage: name, ms })),
  };
}
