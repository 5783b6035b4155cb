import type { TelemetryClient } from './core.js';
import type { ToolCallOptions } from './tool-call.js';

/**
 * One call instruments every tool of an `McpServer` (`@modelcontextprotocol/sdk`): each call
 * goes through `trackToolCall`, so it emits `server_operation_called`, the tool's events, a trace
 * and, when the handler throws, an error item — and the tool's answer or error is passed on
 * unchanged. Tools registered later (`registerTool`, `tool`) are instrumented as they come.
 *
 * Only the SDK's public surface is used, typed structurally so this file does not import the
 * SDK: `registerTool`/`tool` return a `RegisteredTool` whose `update({ callback })` swaps the
 * handler. Tools registered *before* the call are only reachable through the server's tool map,
 * read defensively; call `instrumentMcpServer` before registering tools to avoid relying on it.
 */
type Handler = (...args: unknown[]) => unknown;

interface RegisteredToolLike {
  handler: unknown;
  inputSchema?: unknown;
  update(updates: { callback?: Handler }): void;
}

/** The part of `McpServer` used here (its `RegisteredTool` is read as `RegisteredToolLike`). */
export interface McpServerLike {
  registerTool(name: string, config: never, cb: never): object;
  tool(name: string, ...rest: never[]): object;
}

export interface InstrumentOptions {
  /**
   * Per-call fields and outcome readers (e.g. `fields: { contextId: args.contextId }`, or
   * `resultCount` for a result shape of your own), from the tool's name and arguments.
   */
  toolOptions?: (tool: string, args: unknown) => ToolCallOptions<unknown>;
}

const INSTRUMENTED = Symbol.for('cortex-telemetry.instrumented');

function instrument(
  client: TelemetryClient,
  name: string,
  registered: RegisteredToolLike,
  options: InstrumentOptions,
): void {
  const original = registered.handler;
  // task handlers (objects with createTask) run outside a single call: left as they are
  if (typeof original !== 'function' || INSTRUMENTED in original) return;
  const takesArgs = registered.inputSchema !== undefined;
  const wrapped: Handler = (...callArgs) => {
    const args = takesArgs ? callArgs[0] : undefined;
    let perCall: ToolCallOptions<unknown> = {};
    try {
      perCall = options.toolOptions?.(name, args) ?? {};
    } catch {
      // a faulty options callback costs the call its extra fields, never the call itself
    }
    return client.trackToolCall(name, args, () => (original as Handler)(...callArgs), perCall);
  };
  Object.defineProperty(wrapped, INSTRUMENTED, { value: true });
  registered.update({ callback: wrapped });
}

export function instrumentMcpServer<S extends McpServerLike>(
  server: S,
  client: TelemetryClient,
  options: InstrumentOptions = {},
): S {
  const existing = (server as unknown as { _registeredTools?: Record<string, RegisteredToolLike> })
    ._registeredTools;
  for (const [name, registered] of Object.entries(existing ?? {})) {
    instrument(client, name, registered, options);
  }
  const registerTool = server.registerTool.bind(server) as (...a: unknown[]) => RegisteredToolLike;
  const tool = server.tool.bind(server) as (...a: unknown[]) => RegisteredToolLike;
  Object.assign(server, {
    registerTool: (name: string, ...rest: unknown[]) => {
      const registered = registerTool(name, ...rest);
      instrument(client, name, registered, options);
      return registered;
    },
    tool: (name: string, ...rest: unknown[]) => {
      const registered = tool(name, ...rest);
      instrument(client, name, registered, options);
      return registered;
    },
  });
  return server;
}
