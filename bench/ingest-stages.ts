import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { schema } from '../packages/api/src/schema.js';
import { parseItem } from '../packages/events/src/index.js';

/**
 * The Node side of one `recordEvents` batch, stage by stage, on one thread with no I/O: what
 * each step of the request path costs before PostgreSQL sees the rows. It re-creates the steps
 * with the same libraries (graphql-js coercion, the zod item rules, the JSON parameter and the
 * literal escaping MikroORM applies when it inlines parameters), so it is a breakdown, not a
 * replacement for the end-to-end rate and the CPU profile.
 */
const requireFromApi = createRequire(new URL('../packages/api/package.json', import.meta.url));
type GraphQL = typeof import('graphql');
// the CommonJS build is the one the api loads too (graphql 16 has no exports map)
const graphql = requireFromApi('graphql') as GraphQL;
const requireFromDriver = createRequire(requireFromApi.resolve('@mikro-orm/postgresql'));
const { escapeLiteral } = requireFromDriver('pg/lib/utils.js') as {
  escapeLiteral: (s: string) => string;
};

export interface StageTimes {
  batches: number;
  /** Mean milliseconds per batch. */
  stages: { stage: string; ms: number }[];
}

export function measureStages(bodies: readonly string[], limit = 40): StageTimes {
  const sample = bodies.slice(0, Math.min(limit, bodies.length));
  let totals = new Map<string, number>();
  const add = (stage: string, ms: number) => totals.set(stage, (totals.get(stage) ?? 0) + ms);
  const run = (measure: boolean) => {
    for (const body of sample) {
      let t = performance.now();
      const tick = (stage: string) => {
        const now = performance.now();
        if (measure) add(stage, now - t);
        t = now;
      };
      const request = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
      tick('JSON.parse of the request body');
      const document = graphql.parse(request.query);
      const operation = document.definitions[0] as import('graphql').OperationDefinitionNode;
      tick('GraphQL parse (yoga caches it per query text)');
      const coerced = graphql.getVariableValues(
        schema,
        operation.variableDefinitions ?? [],
        request.variables,
      );
      if (coerced.errors) throw coerced.errors[0];
      tick('GraphQL variable coercion (500 EventInputs)');
      const items = coerced.coerced.events as unknown[];
      const parsed = items.map((item) => parseItem('event', item));
      tick('zod item rules (parseItem × 500)');
      const json = JSON.stringify(parsed.map((p) => (p.ok ? p.value : null)));
      tick('rows → JSON parameter (JSON.stringify)');
      // the escaped text is a rope until it is encoded for the socket, which is part of the cost
      Buffer.byteLength(escapeLiteral(json));
      tick('parameter inlined as an SQL literal (MikroORM execute)');
    }
  };
  run(false); // warm-up: JIT
  // the box is shared: keep each stage's best of three rounds
  const best = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    totals = new Map();
    run(true);
    for (const [stage, ms] of totals) best.set(stage, Math.min(best.get(stage) ?? ms, ms));
  }
  return {
    batches: sample.length,
    stages: [...best].map(([stage, ms]) => ({ stage, ms: ms / sample.length })),
  };
}
