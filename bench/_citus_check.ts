import { ensureDatabase, withDatabase, dropDatabase } from '../packages/api/src/db/create-database.js';
import { initORM, migrate, citusLayout } from '../packages/api/src/orm.js';
const admin = 'postgresql://postgres@127.0.0.1:9700/postgres';
await dropDatabase(admin, 'ct_citus_check');
await ensureDatabase(admin, 'ct_citus_check');
const orm = await initORM(withDatabase(admin, 'ct_citus_check'));
await migrate(orm);
console.log(await citusLayout(orm));
await orm.close(true);
