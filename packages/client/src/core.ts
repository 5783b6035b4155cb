import type { EventName } from '@cortex-telemetry/events';
import { buildError, buildEvent, buildTrace } from './build.js';
import { Delivery } from './delivery.js';
import { describeItems, eventProblem, itemProblem, LazyEvent } from './items.js';
import type { OpenStore, QueueStore } from './store.js';
import { type ToolCallOptions, toolCallItems } from './tool-call.js';
import {
  type ClientStats,
  type Defaults,
  type ErrorFields,
  type EventFields,
  type TelemetryClientOptions,
  TelemetryError,
  type TelemetryItem,
  type TraceFields,
} from './types.js';

/** What differs between the Node and browser entries. */
export interface Runtime {
  openStore?: OpenStore;
}

const defaultOnError = (error: TelemetryError) => {
  if (error.code !== 'RETRYING') console.warn(`[cortex-telemetry] ${error.code}: ${error.message}`);
};

/**
 * The tracking SDK (docs/sdk.md). Every public method returns at once and never throws into the
 * host: problems go to `onError`. The caller's thread only builds the item, checks it, and
 * pushes it (plus one write(2) with `persistPath`); batching, sending and retrying run later.
 */
export class TelemetryClient {
  private readonly on: boolean;
  private readonly defaults: Defaults;
  private readonly sampleRate: number;
  private readonly beforeSend: TelemetryClientOptions['beforeSend'];
  private readonly onError: (error: TelemetryError) => void;
  private readonly maxQueueSize: number;
  private readonly delivery: Delivery | null = null;
  private store: QueueStore | null = null;
  private closing = false;
  private stopped: Promise<boolean> | null = null;
  /** No `beforeSend` and no store: events can be queued lazily (see `LazyEvent`). */
  private readonly lazy: boolean;
  private queueFull = false;
  private readonly local = { rejected: 0, dropped: 0, sampledOut: 0, filtered: 0 };

  constructor(options: TelemetryClientOptions, runtime: Runtime = {}) {
    this.on = options.enabled !== false;
    this.defaults = options.defaults ?? {};
    this.sampleRate = options.sampleRate ?? 1;
    this.beforeSend = options.beforeSend;
    this.onError = options.onError ?? defaultOnError;
    this.maxQueueSize = options.maxQueueSize ?? 10_000;
    this.lazy = false;
    if (!this.on) return;
    this.store = this.openStore(options.persistPath, runtime.openStore);
    this.lazy = this.store === null && this.beforeSend === undefined;
    this.delivery = new Delivery({
      endpoint: options.endpoint,
      token: options.token,
      flushAt: options.flushAt ?? 50,
      flushIntervalMs: options.flushIntervalMs ?? 2000,
      maxBatchSize: Math.min(options.maxBatchSize ?? 500, 1000),
      baseMs: options.retry?.baseMs ?? 500,
      maxMs: options.retry?.maxMs ?? 30_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 300_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      store: this.store,
      report: (e) => this.report(e),
      makeError: (code, message, item, details) => new TelemetryError(code, message, item, details),
    });
    for (const item of this.store?.restored ?? []) this.delivery.push(item);
  }

  /** Records a catalog event; `name` is the wire value (`context_loaded`). */
  emitEvent(name: EventName, fields?: EventFields): void {
    if (!this.on) return;
    try {
      if (this.sampleRate < 1 && this.sampledOut()) return;
      if (!this.lazy) {
        this.enqueue(buildEvent(this.defaults, name, fields));
        return;
      }
      const problem = eventProblem(name, fields, this.defaults);
      if (problem !== null) {
        this.local.rejected++;
        this.report(new TelemetryError('INVALID_ITEM', problem));
        return;
      }
      if (!this.admit()) return;
      // a shallow copy: a caller reusing its fields object must not change what is sent
      const own = fields === undefined ? undefined : { ...fields };
      this.delivery!.push(new LazyEvent(name, own, Date.now(), this.defaults));
    } catch (error) {
      this.report(new TelemetryError('INVALID_ITEM', String(error), undefined, { cause: error }));
    }
  }

  /** Records an error: type, message and stack from an `Error`. Errors are never sampled out. */
  trackError(error: unknown, fields: ErrorFields = {}): void {
    if (!this.on) return;
    this.guarded(() => this.enqueue(buildError(this.defaults, error, fields)));
  }

  /** Records how long an operation took. */
  trackTrace(operationName: string, durationMs: number, fields: TraceFields = {}): void {
    if (!this.on) return;
    this.guarded(() => {
      if (this.sampledOut()) return;
      this.enqueue(buildTrace(this.defaults, operationName, durationMs, fields));
    });
  }

  /**
   * Times `fn` and records the tool's events (docs/sdk.md "MCP tool map") and a trace; when `fn`
   * throws, records the error and the failed trace and re-throws the original error unchanged.
   */
  async trackToolCall<T>(
    tool: string,
    args: unknown,
    fn: () => T | Promise<T>,
    options: ToolCallOptions<T> = {},
  ): Promise<T> {
    if (!this.on) return fn();
    const started = performance.now();
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      this.recordToolCall(tool, args, started, { threw: true, error }, options);
      throw error;
    }
    this.recordToolCall(tool, args, started, { threw: false, result }, options);
    return result;
  }

  /** Sends what is queued now; true once all of it is settled, false after `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    return this.delivery ? this.delivery.flush(timeoutMs) : true;
  }

  /**
   * Flushes with a bounded wait, then stops: true when everything was delivered. Anything still
   * queued is reported once as UNDELIVERED with its items (with `persistPath` it stays on disk
   * and goes out on the next start). Until then the process is held open (see `flush`); a
   * second call returns the first one's answer.
   */
  shutdown(timeoutMs = 5000): Promise<boolean> {
    if (!this.delivery) return Promise.resolve(true);
    this.stopped ??= this.stop(this.delivery, timeoutMs);
    return this.stopped;
  }

  private async stop(delivery: Delivery, timeoutMs: number): Promise<boolean> {
    this.closing = true;
    const done = await delivery.flush(timeoutMs);
    delivery.close();
    const left = delivery.remaining();
    if (left.length > 0) {
      const where = this.store ? 'kept in persistPath for the next start' : 'lost';
      this.report(
        new TelemetryError(
          'UNDELIVERED',
          `${left.length} item(s) not delivered within ${timeoutMs} ms (${where}): ${describeItems(left)}`,
          undefined,
          { items: left },
        ),
      );
    }
    await this.store?.close().catch(() => {});
    this.store = null;
    return done && left.length === 0;
  }

  stats(): ClientStats {
    const d = this.delivery;
    return {
      queued: d?.size ?? 0,
      delivered: d?.counts.delivered ?? 0,
      rejected: (d?.counts.rejected ?? 0) + this.local.rejected,
      dropped: this.local.dropped,
      sampledOut: this.local.sampledOut,
      filtered: this.local.filtered,
      retries: d?.counts.retries ?? 0,
    };
  }

  /** For the entries: send pending items with `keepalive` (the page is going away). */
  protected sendWithKeepalive(): void {
    this.delivery?.sendWithKeepalive();
  }

  private recordToolCall<T>(
    tool: string,
    args: unknown,
    started: number,
    outcome: { threw: true; error: unknown } | { threw: false; result: T },
    options: ToolCallOptions<T>,
  ): void {
    this.guarded(() => {
      const durationMs = performance.now() - started;
      const plan = toolCallItems(tool, args, durationMs, outcome, options);
      // one sampling decision for the whole call: its events and trace stay together
      if (!this.sampledOut()) {
        for (const { name, fields } of plan.events) {
          this.enqueue(buildEvent(this.defaults, name, fields));
        }
        this.enqueue(buildTrace(this.defaults, tool, durationMs, plan.trace));
      }
      if (plan.error) this.enqueue(buildError(this.defaults, plan.error.error, plan.error.fields));
    });
  }

  /** Runs a non-hot-path recording; whatever goes wrong is reported, never thrown. */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (failure) {
      this.report(
        new TelemetryError('INVALID_ITEM', String(failure), undefined, { cause: failure }),
      );
    }
  }

  private sampledOut(): boolean {
    if (this.sampleRate >= 1 || Math.random() < this.sampleRate) return false;
    this.local.sampledOut++;
    return true;
  }

  private enqueue(candidate: TelemetryItem): void {
    let item: TelemetryItem | null = candidate;
    if (this.beforeSend) {
      try {
        item = this.beforeSend(candidate);
      } catch (error) {
        this.local.filtered++;
        this.report(
          new TelemetryError('HOOK_FAILED', `beforeSend threw: ${String(error)}`, candidate),
        );
        return;
      }
      if (item === null) {
        this.local.filtered++;
        return;
      }
    }
    const problem = itemProblem(item);
    if (problem !== null) {
      this.local.rejected++;
      this.report(new TelemetryError('INVALID_ITEM', problem, item));
      return;
    }
    if (!this.admit(item)) return;
    if (this.store) this.persist(item);
    this.delivery!.push(item);
  }

  /** Room in the queue? Else the new item is dropped, counted, and reported once per episode. */
  private admit(item?: TelemetryItem): boolean {
    const size = this.delivery!.size;
    if (size < this.maxQueueSize && !this.closing) {
      // a new episode may be reported once the queue has half emptied
      if (this.queueFull && size <= this.maxQueueSize / 2) this.queueFull = false;
      return true;
    }
    this.local.dropped++;
    if (!this.queueFull) {
      this.queueFull = true;
      const why = this.closing
        ? 'the client is shutting down'
        : `the queue holds ${this.maxQueueSize} items`;
      this.report(
        new TelemetryError('QUEUE_FULL', `item dropped: ${why}; see stats().dropped`, item),
      );
    }
    return false;
  }

  private persist(item: TelemetryItem): void {
    try {
      this.store!.append(item);
    } catch (error) {
      this.report(
        new TelemetryError(
          'PERSISTENCE',
          `queue file not written, kept in memory: ${String(error)}`,
        ),
      );
    }
  }

  private openStore(path: string | undefined, open: OpenStore | undefined): QueueStore | null {
    if (path === undefined) return null;
    if (!open) {
      this.report(
        new TelemetryError('PERSISTENCE', 'persistPath needs the Node entry; kept in memory'),
      );
      return null;
    }
    try {
      return open(path);
    } catch (error) {
      this.report(
        new TelemetryError(
          'PERSISTENCE',
          `cannot open ${path}, queue kept in memory: ${String(error)}`,
        ),
      );
      return null;
    }
  }

  private report(error: TelemetryError): void {
    try {
      this.onError(error);
    } catch {
      // the host's handler failing must not reach the host either
    }
  }
}
