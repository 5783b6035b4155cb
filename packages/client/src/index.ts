import { TelemetryClient as CoreClient } from './core.js';
import { openFileStore } from './file-store.js';
import type { TelemetryClientOptions } from './types.js';

/**
 * The Node.js entry: the client plus the file-backed queue of `persistPath`. Browsers resolve
 * the package to `./browser.js` (the `browser` export condition), which has no Node imports.
 */
export class TelemetryClient extends CoreClient {
  constructor(options: TelemetryClientOptions) {
    super(options, { openStore: openFileStore });
  }
}

export { countResults, type ToolCallOptions } from './tool-call.js';
export * from './types.js';
