/**
 * The API package's public face: what the schema printer, the demo seed and the benchmarks use.
 * Anything else in `src/` is the server's own.
 */
export { type Booted, type BootOptions, boot } from './boot.js';
export { type Config, loadConfig } from './config.js';
export { dropDatabase, ensureDatabase, withDatabase } from './db/create-database.js';
export { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded.js';
export { bindNamed } from './db/sql.js';
export { ingestItems } from './modules/ingest/ingest.service.js';
export { insertEventsSql } from './modules/ingest/ingest.sql.js';
export { itemRow } from './modules/ingest/rows.js';
export { foldLockSql, rebuildDaySetsSql } from './modules/kpi/day-sets.sql.js';
export { foldPendingDays, startDaySetFolder } from './modules/kpi/fold.js';
export { getCdr } from './modules/kpi/get-cdr.sql.js';
export { getDauWau } from './modules/kpi/get-dau-wau.sql.js';
export { getPaidConversion } from './modules/kpi/get-paid-conversion.sql.js';
export { getResurrection } from './modules/kpi/get-resurrection.sql.js';
export { kpiWindow } from './modules/shared/window.js';
export type { Orm } from './orm.js';
export { printSortedSchema, schema } from './schema.js';
