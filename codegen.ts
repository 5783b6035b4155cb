import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the dashboard. The schema is the committed, sorted SDL (never a running
 * server) and the loader sorts documents by path, so the same sources always give the same
 * output: `pnpm codegen:check` relies on that to fail when `src/gql` is stale.
 */
const config: CodegenConfig = {
  schema: 'packages/schema/schema.graphql',
  documents: ['packages/web/src/**/*.{ts,vue}', '!packages/web/src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'packages/web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: { unmaskFunctionName: 'useFragment' } },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          DateTime: { input: 'string', output: 'string' },
          Date: { input: 'string', output: 'string' },
          JSON: { input: 'unknown', output: 'unknown' },
        },
      },
    },
  },
};

export default config;
