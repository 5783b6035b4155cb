import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { endpointOf } from './api.js';
import { registerAnalyticsTools } from './tools.js';

/**
 * `pnpm mcp:analytics`: the MCP server over Cortex Telemetry's numbers, on stdio. Reads the API at
 * CORTEX_TELEMETRY_URL (default http://localhost:4000) with CORTEX_TELEMETRY_TOKEN, an admin or
 * viewer token. stdout is the MCP channel: logs go to stderr.
 */
const log = (line: string) => process.stderr.write(`[mcp-analytics] ${line}\n`);

const url = process.env.CORTEX_TELEMETRY_URL || 'http://localhost:4000';
const token = process.env.CORTEX_TELEMETRY_TOKEN;
if (!token) {
  log(
    'CORTEX_TELEMETRY_TOKEN is not set: give it an admin or viewer token of the server (see README.md)',
  );
  process.exit(1);
}

const server = new McpServer({ name: 'cortex-telemetry-analytics', version: '0.1.0' });
registerAnalyticsTools(server, { url, token });

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  await server.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.stdin.on('end', () => void stop('stdin closed'));

await server.connect(new StdioServerTransport());
log(`ready on stdio, reading ${endpointOf(url)}`);
