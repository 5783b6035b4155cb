import type { EventName, Severity } from '@cortex-telemetry/events';

/**
 * The fixed ingredients of the demo: which MCP tools people call and how fast they answer,
 * which bugs they hit, which releases they run. Numbers are chosen so the dashboards look like
 * a real product a few months into its beta, not like uniform noise.
 */

export interface ToolProfile {
  /** Relative call frequency inside a server session. */
  weight: number;
  /** Log-normal latency: median in ms and the sigma of its log. */
  medianMs: number;
  sigma: number;
  failureRate: number;
}

/** `initialize_context` and `get_active_summary` are placed by the session logic, not drawn. */
export const TOOLS = {
  search_context: { weight: 38, medianMs: 140, sigma: 0.6, failureRate: 0.025 },
  update_memory: { weight: 22, medianMs: 65, sigma: 0.5, failureRate: 0.015 },
  list_contexts: { weight: 10, medianMs: 22, sigma: 0.4, failureRate: 0.002 },
  create_branch: { weight: 7, medianMs: 95, sigma: 0.5, failureRate: 0.01 },
  sync_to_cloud: { weight: 6, medianMs: 850, sigma: 0.7, failureRate: 0.06 },
  sync_from_cloud: { weight: 5, medianMs: 700, sigma: 0.7, failureRate: 0.04 },
  initialize_context: { weight: 0, medianMs: 320, sigma: 0.4, failureRate: 0.01 },
  get_active_summary: { weight: 0, medianMs: 420, sigma: 0.5, failureRate: 0.03 },
} as const satisfies Record<string, ToolProfile>;
export type DemoTool = keyof typeof TOOLS;

export const DRAWN_TOOLS = Object.fromEntries(
  Object.entries(TOOLS)
    .filter(([, p]) => p.weight > 0)
    .map(([name, p]) => [name, p.weight]),
) as Record<DemoTool, number>;

/** What people do in the IDE extension and the web view, besides opening them. */
export const EXTENSION_ACTIONS = {
  context_loaded: 34,
  context_modified: 24,
  context_resumed: 10,
  context_created: 8,
  context_auto_created: 7,
  context_protection_triggered: 7,
  context_merged: 5,
  context_deleted: 3,
} as const satisfies Partial<Record<EventName, number>>;

export const WEB_ACTIONS = {
  context_loaded: 45,
  context_modified: 15,
  context_merged: 12,
  context_deleted: 10,
  context_resumed: 8,
} as const satisfies Partial<Record<EventName, number>>;

export interface ErrorTemplate {
  errorType: string;
  message: string;
  /** Frames as `function file`; rendered with a per-machine path prefix and per-release lines. */
  frames: readonly (readonly [fn: string, file: string])[];
  severities: Readonly<Partial<Record<Severity, number>>>;
  channel: 'server' | 'extension' | 'web';
  /** Failing tool this bug belongs to, if it comes from an MCP call. */
  tool?: DemoTool;
  relatedEventName?: EventName;
  /** Spontaneous errors (not tied to a tool failure) per session of its channel. */
  perSession?: number;
}

const SERVER_PKG = 'node_modules/@cortex/server/dist';

/** A handful of recurring bugs, so "errors by stack hash" shows real groups with long tails. */
export const ERROR_TEMPLATES: readonly ErrorTemplate[] = [
  {
    errorType: 'TypeError',
    message: "Cannot read properties of undefined (reading 'embedding')",
    frames: [
      ['rankChunks', `${SERVER_PKG}/rag/retriever.js`],
      ['Retriever.search', `${SERVER_PKG}/rag/retriever.js`],
      ['searchContext', `${SERVER_PKG}/tools/search-context.js`],
      ['McpServer.callTool', 'node_modules/@modelcontextprotocol/sdk/dist/server/mcp.js'],
    ],
    severities: { error: 9, critical: 1 },
    channel: 'server',
    tool: 'search_context',
    relatedEventName: 'context_loaded',
  },
  {
    errorType: 'ContextTooLargeError',
    message: 'context exceeds the 512 KiB limit; summarise or split it',
    frames: [
      ['assertSize', `${SERVER_PKG}/store/limits.js`],
      ['MemoryStore.write', `${SERVER_PKG}/store/memory-store.js`],
      ['updateMemory', `${SERVER_PKG}/tools/update-memory.js`],
    ],
    severities: { warning: 8, error: 2 },
    channel: 'server',
    tool: 'update_memory',
    relatedEventName: 'context_modified',
  },
  {
    errorType: 'FetchError',
    message: 'request to https://sync.cortex.dev/v1/push failed, reason: socket hang up',
    frames: [
      ['ClientRequest.<anonymous>', 'node_modules/node-fetch/lib/index.js'],
      ['CloudSync.push', `${SERVER_PKG}/sync/cloud-sync.js`],
      ['syncToCloud', `${SERVER_PKG}/tools/sync-to-cloud.js`],
    ],
    severities: { warning: 6, error: 4 },
    channel: 'server',
    tool: 'sync_to_cloud',
  },
  {
    errorType: 'SyncConflictError',
    message: 'remote branch diverged from the local copy; pull with merge',
    frames: [
      ['CloudSync.pull', `${SERVER_PKG}/sync/cloud-sync.js`],
      ['syncFromCloud', `${SERVER_PKG}/tools/sync-from-cloud.js`],
    ],
    severities: { warning: 7, error: 3 },
    channel: 'server',
    tool: 'sync_from_cloud',
    relatedEventName: 'context_loaded',
  },
  {
    errorType: 'TimeoutError',
    message: 'summary generation exceeded 10000 ms',
    frames: [
      ['withTimeout', `${SERVER_PKG}/util/timeout.js`],
      ['Summariser.activeSummary', `${SERVER_PKG}/summary/summariser.js`],
      ['getActiveSummary', `${SERVER_PKG}/tools/get-active-summary.js`],
    ],
    severities: { error: 8, warning: 2 },
    channel: 'server',
    tool: 'get_active_summary',
    relatedEventName: 'context_resumed',
  },
  {
    errorType: 'SqliteError',
    message: 'SQLITE_BUSY: database is locked',
    frames: [
      ['Statement.run', 'node_modules/better-sqlite3/lib/methods/wrappers.js'],
      ['MemoryStore.write', `${SERVER_PKG}/store/memory-store.js`],
      ['updateMemory', `${SERVER_PKG}/tools/update-memory.js`],
    ],
    severities: { critical: 3, error: 7 },
    channel: 'server',
    tool: 'update_memory',
    relatedEventName: 'context_modified',
  },
  {
    errorType: 'Error',
    message: 'Webview is disposed',
    frames: [
      ['WebviewPanel.postMessage', 'out/vs/workbench/api/node/extensionHostProcess.js'],
      ['ContextTreePanel.refresh', 'dist/extension/panels/context-tree.js'],
    ],
    severities: { info: 7, warning: 3 },
    channel: 'extension',
    perSession: 0.02,
  },
  {
    errorType: 'ChunkLoadError',
    message: 'Loading chunk 417 failed. (timeout: https://app.cortex.dev/assets/graph.js)',
    frames: [
      ['requireEnsure', 'https://app.cortex.dev/assets/index-3f9a2c1b.js'],
      ['loadGraphView', 'https://app.cortex.dev/assets/router-8e1d04aa.js'],
    ],
    severities: { warning: 9, error: 1 },
    channel: 'web',
    perSession: 0.015,
  },
];

/** Releases, by days after the start of the 90-day window (closed beta) or after the split. */
export const CLOSED_BETA_RELEASES = [
  { day: 0, version: '0.9.0' },
  { day: 12, version: '0.9.2' },
  { day: 26, version: '0.9.5' },
] as const;
export const OPEN_BETA_RELEASES = [
  { day: 0, version: '1.0.0' },
  { day: 9, version: '1.0.1' },
  { day: 24, version: '1.1.0' },
  { day: 41, version: '1.2.0' },
] as const;
