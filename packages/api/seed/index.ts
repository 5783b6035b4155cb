/**
 * The demo data of a fresh install (`@cortex-telemetry/api/seed`), kept out of the server's
 * source: `main.ts` calls `seedDemoIfEmpty` at start-up (SEED_DEMO) with its own ingest path.
 * The seeded random generator also drives the benchmarks' and tests' synthetic data.
 */

export {
  DEMO_SEED,
  type DemoTarget,
  demoItems,
  type SeedOptions,
  type SeedSummary,
  seedDemoIfEmpty,
} from './demo.js';
export { ERROR_TEMPLATES } from './demo-catalog.js';
export { mulberry32, Random } from './random.js';
