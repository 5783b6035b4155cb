import SchemaBuilder, { type ObjectRef, type ArgBuilder as PothosArgBuilder } from '@pothos/core';
import type { Context } from './context.js';

/** What the schema is built from: the request context, nullability defaults, scalars. */
export interface SchemaTypes {
  Context: Context;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
}

export const builder = new SchemaBuilder<SchemaTypes>({ defaultFieldNullability: false });

/**
 * The builder's types, for helpers that build fields or arguments outside one `fields: (t) => …`
 * (shared argument sets, shared input fields, connection types). Written once, here.
 */
export type Types = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>;
export type ArgBuilder = PothosArgBuilder<Types>;
export type InputFieldBuilder = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;
export type TypedObjectRef<T> = ObjectRef<Types, T>;

builder.queryType({ description: 'Reads: KPIs and analyst queries (admin tokens only).' });
builder.mutationType({
  description: 'Writes: the `record*` ingest mutations (ingest or admin tokens).',
});
