import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ContextStore } from './store.js';

/**
 * The seven tools of Cortex's MCP server (docs/sdk.md "MCP tool map"), plain handlers that know
 * nothing about telemetry: `instrumentMcpServer` wraps them. Results carry `structuredContent`
 * so `search_context`'s result count is readable (`results`).
 */
const answer = (text: string, structured: Record<string, unknown>): CallToolResult => ({
  content: [{ type: 'text', text }],
  structuredContent: structured,
});

export function registerCortexTools(server: McpServer, store: ContextStore): void {
  server.registerTool(
    'initialize_context',
    {
      description: 'Create a context for a project and make it active.',
      inputSchema: { name: z.string(), projectId: z.string().default('default') },
    },
    ({ name, projectId }) => {
      const c = store.initialize(name, projectId);
      return answer(`context ${c.id} created`, { contextId: c.id });
    },
  );

  server.registerTool(
    'create_branch',
    {
      description: 'Branch a context (auto_created: the AI detected the need).',
      inputSchema: {
        contextId: z.string(),
        name: z.string(),
        auto_created: z.boolean().optional(),
      },
    },
    ({ contextId, name, auto_created }) => {
      const c = store.branch(contextId, name, auto_created ?? false);
      return answer(`branch ${c.id} of ${contextId}`, { contextId: c.id });
    },
  );

  server.registerTool(
    'search_context',
    { description: 'Search the memories of every context.', inputSchema: { query: z.string() } },
    ({ query }) => {
      const results = store.search(query);
      return answer(`${results.length} result(s)`, { results });
    },
  );

  server.registerTool(
    'update_memory',
    {
      description: 'Add a memory to a context.',
      inputSchema: { contextId: z.string(), memory: z.string() },
    },
    ({ contextId, memory }) => {
      const c = store.remember(contextId, memory);
      return answer(`${c.memories.length} memories in ${c.id}`, { contextId: c.id });
    },
  );

  server.registerTool(
    'get_active_summary',
    { description: 'Summarise the active context, to resume work.' },
    () => {
      const c = store.active();
      const text = `${c.name}: ${c.memories.join('; ') || '(no memories yet)'}`;
      return answer(text, { contextId: c.id, memories: c.memories.length });
    },
  );

  server.registerTool('sync_to_cloud', { description: 'Copy every context to the cloud.' }, () => {
    const n = store.pushToCloud();
    return answer(`${n} context(s) uploaded`, { contexts: n });
  });

  server.registerTool('sync_from_cloud', { description: 'Load contexts from the cloud.' }, () => {
    const n = store.pullFromCloud();
    return answer(`${n} context(s) loaded`, { contexts: n });
  });
}
