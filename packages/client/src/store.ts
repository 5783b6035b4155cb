import type { TelemetryItem } from './types.js';

/**
 * Where queued items live besides memory. The in-memory client has none; the Node entry opens
 * a file-backed one (`file-store.ts`) for `persistPath`. Both calls are synchronous so an item
 * is on disk before `emitEvent` returns: a crash right after the call cannot lose it.
 */
export interface QueueStore {
  /** Items a previous run queued and never settled, oldest first. */
  readonly restored: readonly TelemetryItem[];
  /** Records an item before it can be sent. */
  append(item: TelemetryItem): void;
  /** Records items the server settled (stored, duplicate or rejected): never sent again. */
  settle(items: readonly TelemetryItem[]): void;
  /** Makes what was appended durable (fsync); called before each send. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export type OpenStore = (path: string) => QueueStore;
