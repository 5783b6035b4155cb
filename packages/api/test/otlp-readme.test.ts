import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from './helpers/app.js';

/** The README's "Send OpenTelemetry traces" example, run as written against the real server. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.split('## Send OpenTelemetry traces')[1]?.split('\n## ')[0] ?? '';
const example = /```js\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
// beside packages/api/package.json, so the OpenTelemetry packages resolve as `npm install` would
const script = fileURLToPath(new URL('../otlp-readme-example.tmp.mjs', import.meta.url));

describe('README: Send OpenTelemetry traces', () => {
  it('stores the example’s spans and its exception', async () => {
    expect(example).toContain('new OTLPTraceExporter()');
    // the shell lines of the README, with $INGEST and the host filled in
    const shell = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(shell).toContain('OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20$INGEST"');
    writeFileSync(script, example);
    try {
      await promisify(execFile)(process.execPath, [script], {
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${app.baseUrl}/v1/traces`,
          OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${INGEST_TOKEN}`,
        },
      });
    } finally {
      rmSync(script, { force: true });
    }
    const traces = await app.sql(
      `select operation_name, success, user_id_hash, session_id, channel, client_version,
         metadata->'query_length' as query_length, metadata->>'otel.status_message' as status
       from telemetry_traces order by success desc`,
    );
    expect(traces).toEqual([
      {
        operation_name: 'search_context',
        success: true,
        user_id_hash: 'u_3f9a',
        session_id: 's_1',
        channel: 'server',
        client_version: '2.4.0',
        query_length: 24, // 'resume the auth refactor'
        status: null,
      },
      {
        operation_name: 'search_context',
        success: false,
        user_id_hash: 'u_3f9a',
        session_id: 's_1',
        channel: 'server',
        client_version: '2.4.0',
        query_length: 0,
        status: 'query is empty',
      },
    ]);
    const errors = await app.sql(
      `select error_type, error_message, metadata->>'otel.operation' as operation,
         stack_trace like 'TypeError: query is empty%' as has_stack
       from telemetry_errors`,
    );
    expect(errors).toEqual([
      {
        error_type: 'TypeError',
        error_message: 'query is empty',
        operation: 'search_context',
        has_stack: true,
      },
    ]);
  });
});
