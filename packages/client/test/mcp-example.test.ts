import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TOKEN, startTestApp, type TestApp } from '../../api/test/helpers/app.js';
import { waitFor } from '../../api/test/helpers/wait.js';

/**
 * Issue 7 item 5b: the example MCP server (`pnpm example:mcp`) as a real process, driven over
 * stdio by the MCP SDK's own client, reporting to the real API server. Every tool call must
 * produce exactly the events of the tool map, and the KPIs must move.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const text = (result: unknown) =>
  ((result as { content: { text: string }[] }).content[0] ?? { text: '' }).text;
const structured = (result: unknown) =>
  (result as { structuredContent: Record<string, unknown> }).structuredContent;

async function kpis() {
  const res = await app.gql(
    '{ dauWau(days: 1) { dau wau } cdr(days: 1) { sessions dependentSessions rate } }',
  );
  return res.data as { dauWau: { dau: number; wau: number }; cdr: Record<string, unknown> };
}

describe('example MCP server, driven by the MCP SDK client over stdio', {
  timeout: 120_000,
}, () => {
  it('each of the 7 tools emits exactly its events, and dauWau / cdr move', async () => {
    expect(await kpis()).toEqual({
      dauWau: { dau: 0, wau: 0 },
      cdr: { sessions: 0, dependentSessions: 0, rate: null },
    });
    const transport = new StdioClientTransport({
      command: `${ROOT}node_modules/.bin/tsx`,
      args: ['--conditions=source', 'examples/mcp-server/src/main.ts'],
      cwd: ROOT,
      env: {
        ...(process.env as Record<string, string>),
        TELEMETRY_ENDPOINT: `${app.baseUrl}/graphql`,
        TELEMETRY_TOKEN: INGEST_TOKEN,
        TELEMETRY_USER_ID_HASH: 'u_mcp',
        TELEMETRY_FLUSH_INTERVAL_MS: '50',
      },
      stderr: 'pipe',
    });
    const mcp = new Client({ name: 'sdk-test', version: '1.0.0' });
    await mcp.connect(transport);
    expect((await mcp.listTools()).tools.map((t) => t.name).sort()).toEqual([
      'create_branch',
      'get_active_summary',
      'initialize_context',
      'search_context',
      'sync_from_cloud',
      'sync_to_cloud',
      'update_memory',
    ]);

    const call = (name: string, args: Record<string, unknown> = {}) =>
      mcp.callTool({ name, arguments: args });
    const root = structured(await call('initialize_context', { name: 'cortex' })).contextId;
    await call('create_branch', { contextId: root, name: 'ai-branch', auto_created: true });
    await call('create_branch', { contextId: root, name: 'manual-branch' });
    await call('update_memory', { contextId: root, memory: 'uses pgvector' });
    expect(structured(await call('search_context', { query: 'pgvector' })).results).toHaveLength(1);
    expect(structured(await call('search_context', { query: 'nothing' })).results).toHaveLength(0);
    await call('get_active_summary');
    await call('sync_to_cloud');
    await call('sync_from_cloud');
    // a thrown error reaches the MCP client as the SDK makes it (isError), unchanged by the wrapper
    const failed = await call('update_memory', { contextId: 'ctx_missing', memory: 'x' });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toBe('context ctx_missing does not exist; call initialize_context first');

    // 10 calls: events 3 + 2 + 2 + 2 + 2 + 1 + 3 + 1 + 2 + 1 = 19, one trace per call, 1 error
    const count = async () => {
      const [row] = await app.sql(
        `select (select count(*)::int from telemetry_events) as events,
                (select count(*)::int from telemetry_traces) as traces,
                (select count(*)::int from telemetry_errors) as errors`,
      );
      return row;
    };
    await waitFor('the tool calls in PostgreSQL', async () => {
      const c = await count();
      return c.events >= 19 && c.traces >= 10 && c.errors >= 1;
    });
    await mcp.close(); // ends the server's stdin: it flushes and exits
    expect(await count()).toEqual({ events: 19, traces: 10, errors: 1 });

    const events = await app.sql(
      `select metadata->>'tool_name' as tool, array_agg(event_name || ':' || result order by event_name, result) as names
         from telemetry_events where user_id_hash = 'u_mcp' and channel = 'server' group by 1 order by 1`,
    );
    expect(Object.fromEntries(events.map((r) => [r.tool, r.names]))).toEqual({
      initialize_context: [
        'context_created:success',
        'server_operation_called:success',
        'session_started:success',
      ],
      create_branch: [
        'context_auto_created:success', // auto_created: true
        'context_created:success', // no auto_created
        'server_operation_called:success',
        'server_operation_called:success',
      ],
      update_memory: [
        'context_modified:success',
        'server_operation_called:error', // the call on ctx_missing: nothing else
        'server_operation_called:success',
      ],
      search_context: [
        'context_loaded:success', // only the search with 1 result
        'server_operation_called:success',
        'server_operation_called:success',
      ],
      get_active_summary: [
        'context_resumed:success',
        'server_operation_called:success',
        'session_resumed_from_context:success',
      ],
      sync_to_cloud: ['server_operation_called:success'],
      sync_from_cloud: ['context_loaded:success', 'server_operation_called:success'],
    });
    const traces = await app.sql(
      `select operation_name as op, count(*)::int as calls, count(*) filter (where not success)::int as failed
         from telemetry_traces group by 1 order by 1`,
    );
    expect(traces).toEqual([
      { op: 'create_branch', calls: 2, failed: 0 },
      { op: 'get_active_summary', calls: 1, failed: 0 },
      { op: 'initialize_context', calls: 1, failed: 0 },
      { op: 'search_context', calls: 2, failed: 0 },
      { op: 'sync_from_cloud', calls: 1, failed: 0 },
      { op: 'sync_to_cloud', calls: 1, failed: 0 },
      { op: 'update_memory', calls: 2, failed: 1 },
    ]);
    const errors = await app.sql(
      `select error_type, error_message, related_event_name, context_id, metadata->>'tool_name' as tool
         from telemetry_errors`,
    );
    expect(errors).toEqual([
      {
        error_type: 'UnknownContextError',
        error_message: 'context ctx_missing does not exist; call initialize_context first',
        related_event_name: 'context_modified',
        context_id: 'ctx_missing',
        tool: 'update_memory',
      },
    ]);

    // one user active through server_operation_called; one session (the server process), made
    // dependent by its context_loaded / context_resumed: 1 of 1
    expect(await kpis()).toEqual({
      dauWau: { dau: 1, wau: 1 },
      cdr: { sessions: 1, dependentSessions: 1, rate: 1 },
    });
  });
});
