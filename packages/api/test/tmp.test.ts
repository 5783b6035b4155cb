import { afterAll, beforeAll, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { pino } from 'pino';
let app: TestApp;
beforeAll(async () => { app = await startTestApp(); });
afterAll(async () => app?.close());
it('x', async () => {
  console.log(JSON.stringify(await app.gql('{ nope1 nope2 }')));
  console.log(JSON.stringify(await app.gql(`{ __typename ${'@include(if: true) '.repeat(6)}}`)));
});
