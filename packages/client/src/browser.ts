import { TelemetryClient as CoreClient } from './core.js';
import type { TelemetryClientOptions } from './types.js';

/**
 * The browser entry: no Node imports, no file queue (`persistPath` is reported and ignored).
 * When the page is hidden — the last moment a browser reliably runs code, on tab switch, close
 * or navigation — waiting items go out with `keepalive`, so the request outlives the page.
 */
export class TelemetryClient extends CoreClient {
  private readonly onHide = () => {
    if (document.visibilityState === 'hidden') this.sendWithKeepalive();
  };
  private readonly onPageHide = () => this.sendWithKeepalive();

  constructor(options: TelemetryClientOptions) {
    super(options);
    if (options.enabled === false || typeof document === 'undefined') return;
    document.addEventListener('visibilitychange', this.onHide);
    globalThis.addEventListener?.('pagehide', this.onPageHide);
  }

  override async shutdown(timeoutMs?: number): Promise<boolean> {
    if (typeof document !== 'undefined') {
      document.removeEventListener('visibilitychange', this.onHide);
      globalThis.removeEventListener?.('pagehide', this.onPageHide);
    }
    return super.shutdown(timeoutMs);
  }
}

export { countResults, type ToolCallOptions } from './tool-call.js';
export * from './types.js';
