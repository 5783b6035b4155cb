import {
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  getOperationAST,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * Compiled execution (graphql-jit) for every mutation the server sees (issue #8: graphql-js
 * interpreting a 500-item batch's input types on each request was a quarter of ingest's CPU).
 * An operation is compiled once per parsed document — Yoga caches documents per query text, so
 * a client's fixed mutation compiles once — and then runs as generated code, variable coercion
 * included.
 *
 * The contract stays graphql-js's: when variables do not coerce (the compiled query answers
 * without `data`), the request runs again through the regular executor, which words that error
 * and answers it with 400 exactly as before. That path is rare and costs nothing otherwise.
 */
export function graphqlJitPlugin<C extends Record<string, unknown>>(): Plugin<C> {
  const cache = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const compiledFor = (schema: GraphQLSchema, document: DocumentNode, name?: string | null) => {
    const byName = cache.get(document) ?? new Map<string, CompiledQuery | null>();
    cache.set(document, byName);
    const key = name ?? '';
    if (!byName.has(key)) {
      const compiled = compileQuery(schema, document, name ?? undefined);
      // what graphql-jit cannot compile runs through graphql-js unchanged
      byName.set(key, isCompiledQuery(compiled) ? compiled : null);
    }
    return byName.get(key) ?? null;
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      // ingest (mutations) is where interpretation costs; reads keep graphql-js, whose errors
      // carry their locations (a cancelled KPI or list read answers QUERY_TIMEOUT with them)
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const compiled = compiledFor(args.schema, args.document, args.operationName);
      if (!compiled) return;
      setExecuteFn(async (a) => {
        const result = (await compiled.query(
          a.rootValue,
          a.contextValue,
          a.variableValues,
        )) as ExecutionResult;
        return 'data' in result ? result : executeFn(a);
      });
    },
  };
}
