import { createHash, randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { TelemetryClient } from '@cortex-telemetry/client';
import { instrumentMcpServer } from '@cortex-telemetry/client/mcp';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ContextStore } from './store.js';
import { registerCortexTools } from './tools.js';

/**
 * A Cortex-like MCP server on stdio, instrumented with one call. Configured by
 * TELEMETRY_ENDPOINT and TELEMETRY_TOKEN (telemetry is off without them); optional:
 * TELEMETRY_USER_ID_HASH, TELEMETRY_QUEUE_DIR (file-backed queue), TELEMETRY_FLUSH_INTERVAL_MS.
 * stdout is the MCP channel: everything else goes to stderr.
 */
const env = process.env;
const log = (line: string) => process.stderr.write(`[cortex-example] ${line}\n`);

const endpoint = env.TELEMETRY_ENDPOINT;
const token = env.TELEMETRY_TOKEN;
if (!endpoint || !token) log('TELEMETRY_ENDPOINT / TELEMETRY_TOKEN not set: telemetry is off');

const userIdHash =
  env.TELEMETRY_USER_ID_HASH ??
  `u_${createHash('sha256').update(userInfo().username).digest('hex').slice(0, 16)}`;

const telemetry = new TelemetryClient({
  endpoint: endpoint ?? '',
  token: token ?? '',
  enabled: Boolean(endpoint && token),
  defaults: { userIdHash, sessionId: randomUUID(), channel: 'server', clientVersion: '0.1.0' },
  flushIntervalMs: Number(env.TELEMETRY_FLUSH_INTERVAL_MS ?? 2000),
  persistPath: env.TELEMETRY_QUEUE_DIR,
  onError: (e) => log(`telemetry ${e.code}: ${e.message}`),
});

const server = new McpServer({ name: 'cortex-example', version: '0.1.0' });
instrumentMcpServer(server, telemetry, {
  toolOptions: (_tool, args) => {
    const contextId = (args as { contextId?: unknown } | undefined)?.contextId;
    return typeof contextId === 'string' ? { fields: { contextId } } : {};
  },
});
registerCortexTools(server, new ContextStore());

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason}): flushing telemetry`);
  await telemetry.shutdown(3000);
  await server.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.stdin.on('end', () => void stop('stdin closed'));

await server.connect(new StdioServerTransport());
log('ready on stdio');
