import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the dashboard and for the MCP analytics server. The schema is the
 * committed, sorted SDL (never a running server) and the loader sorts documents by path, so the
 * same sources always give the same output: `pnpm codegen:check` relies on that to fail when a
 * `src/gql` is stale.
 */
const scalars = {
  DateTime: { input: 'string', output: 'string' },
  Date: { input: 'string', output: 'string' },
  JSON: { input: 'unknown', output: 'unknown' },
};

const config: CodegenConfig = {
  schema: 'packages/schema/schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'packages/web/src/gql/': {
      documents: ['packages/web/src/**/*.{ts,vue}', '!packages/web/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: { unmaskFunctionName: 'useFragment' } },
      config: { useTypeImports: true, enumsAsTypes: true, strictScalars: true, scalars },
    },
    // Sent with plain fetch: documents as strings, no graphql-js at run time.
    'packages/mcp-analytics/src/gql/': {
      documents: ['packages/mcp-analytics/src/**/*.ts', '!packages/mcp-analytics/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      // Node's ESM resolution (NodeNext) needs the `.js` on relative imports.
      config: {
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars,
        documentMode: 'string',
      },
    },
  },
};

export default config;
