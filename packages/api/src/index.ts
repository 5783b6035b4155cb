export { createApp } from './app.js';
export { type Config, loadConfig } from './config.js';
export { startEmbeddedPostgres } from './db/embedded.js';
export { initORM, migrate, type Orm } from './orm.js';
export { printSortedSchema, schema } from './schema.js';
