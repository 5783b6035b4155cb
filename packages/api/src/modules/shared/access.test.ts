import { GraphQLInt, GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { callableBy, mayRun, rootAccess } from './access.js';

/** A schema with one ingest-callable field on each root type, one admin-only field on each. */
const field = (extensions = {}) => ({ type: GraphQLInt, extensions });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { open: field(callableBy('ingest')), closed: field() },
  }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: { write: field(callableBy('ingest')), erase: field() },
  }),
});
const access = rootAccess(schema);
const run = (kind: 'admin' | 'ingest', document: string) => mayRun(access, kind, parse(document));

describe('access declared on the fields', () => {
  it('lists, per operation type, the fields that declare the kind, and then __typename', () => {
    // a kind that reads some Query field may read the schema too (introspection)
    expect([...access.ingest.query].sort()).toEqual(['__schema', '__type', '__typename', 'open']);
    expect([...access.ingest.mutation].sort()).toEqual(['__typename', 'write']);
    expect([...access.ingest.subscription]).toEqual([]);
  });

  it('a document runs only when every root field of every operation is granted', () => {
    expect(run('ingest', 'query { open __typename } mutation { write }')).toBe(true);
    expect(run('ingest', 'query { open closed }')).toBe(false);
    expect(run('ingest', 'mutation A { write } mutation B { erase }')).toBe(false);
    expect(
      run('ingest', 'mutation { ...F } fragment F on Mutation { ... on Mutation { erase } }'),
    ).toBe(false);
    expect(run('admin', 'query { closed } mutation { erase }')).toBe(true);
  });

  it('a root type without a granted field does not even answer __typename', () => {
    const none = rootAccess(
      new GraphQLSchema({
        query: new GraphQLObjectType({ name: 'Query', fields: { closed: field() } }),
      }),
    );
    expect(mayRun(none, 'ingest', parse('query { __typename }'))).toBe(false);
    expect(mayRun(none, 'ingest', parse('query { __schema { queryType { name } } }'))).toBe(false);
    expect(mayRun(none, 'viewer', parse('query { __typename }'))).toBe(false);
  });
});
