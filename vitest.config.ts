import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
// Node resolves `graphql` (no exports map) to its CJS build for every externalised dependency
// (Yoga, Pothos); Vite would hand our source the .mjs build: two GraphQLError classes, and Yoga
// would mask our typed errors. Point both at the file Node uses.
const graphqlEntry = require.resolve('graphql', {
  paths: [require.resolve('graphql-yoga', { paths: ['./packages/api'] })],
});

export default defineConfig({
  resolve: {
    conditions: ['source'],
    alias: [{ find: /^graphql$/, replacement: graphqlEntry }],
  },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // CI asks for a JSON report beside the console output (it prints a plain summary line)
    reporters: process.env.VITEST_JSON_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.VITEST_JSON_REPORT ? { json: process.env.VITEST_JSON_REPORT } : {},
    pool: 'forks',
    maxWorkers: 3,
  },
});
