import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printSortedSchema } from '@cortex-telemetry/api';

/**
 * Writes the committed `schema.graphql` from the Pothos schema. Sorted, so a diff shows only real
 * API changes; the web codegen and `codegen:check` read this file, never the running server.
 */
const target = join(import.meta.dirname, 'schema.graphql');
await writeFile(target, printSortedSchema());
console.log(`wrote ${target}`);
