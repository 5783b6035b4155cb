import { describeItems, LazyEvent, wireJson } from './items.js';
import type { QueueStore } from './store.js';
import { type Batch, classify, type Outcome, requestBody } from './transport.js';
import type { TelemetryError, TelemetryErrorDetails, TelemetryItem } from './types.js';

/**
 * The delivery loop: one request in flight at a time, oldest items first. A batch leaves the
 * queue only when the server has settled it (stored, duplicate or rejected); until then it is
 * re-sent — with the same ids, so the server stores it once — after `Retry-After` or a capped
 * exponential backoff with jitter. A request refused for its content is split in halves until
 * the bad item stands alone and is reported, so it never costs its neighbours.
 */
export interface DeliveryOptions {
  endpoint: string;
  token: string;
  flushAt: number;
  flushIntervalMs: number;
  maxBatchSize: number;
  baseMs: number;
  maxMs: number;
  maxRetryAfterMs: number;
  requestTimeoutMs: number;
  fetch: typeof fetch;
  store: QueueStore | null;
  report: (error: TelemetryError) => void;
  makeError: (
    code: TelemetryError['code'],
    message: string,
    item?: TelemetryItem,
    details?: TelemetryErrorDetails,
  ) => TelemetryError;
}

/** The server's limit is 2 MiB per body; leave room for the document and envelope. */
const MAX_BODY_BYTES = 1_900_000;
/** Browsers cap the bodies of `keepalive` requests at 64 KiB in total. */
const KEEPALIVE_BYTES = 60_000;
const encoder = new TextEncoder();

export class Delivery {
  private pending: (TelemetryItem | LazyEvent)[] = [];
  private head = 0;
  private inFlight = 0;
  /** Batches taken from the queue and not yet settled or put back (oldest first). */
  private readonly flying = new Set<Batch>();
  /** The loop's request in flight: close() aborts it, so a shutdown stays bounded. */
  private request: AbortController | null = null;
  private sending = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wake: (() => void) | null = null;
  private closed = false;
  /** After a refused request, batches stay this small until `shrunkFor` items went through. */
  private limit: number;
  private shrunkFor = 0;
  /** Items settled so far and the targets flush() waits for. */
  private settled = 0;
  private enqueued = 0;
  private waiters: { target: number; done: () => void }[] = [];
  readonly counts = { delivered: 0, rejected: 0, retries: 0 };

  constructor(private readonly o: DeliveryOptions) {
    this.limit = o.maxBatchSize;
  }

  get size(): number {
    return this.pending.length - this.head + this.inFlight;
  }

  push(item: TelemetryItem | LazyEvent): void {
    this.pending.push(item);
    this.enqueued++;
    const waiting = this.pending.length - this.head;
    if (waiting >= this.o.flushAt) this.kick();
    else if (this.timer === null && !this.sending) this.arm();
  }

  /**
   * Resolves true once everything queued before the call is settled, false at the timeout.
   * Its deadline timer is the one timer of the client that keeps Node running: a program whose
   * last line is `await flush()` / `await shutdown()` must not exit (ESM: code 13, an unsettled
   * top-level await; CJS: silently) while its items wait for a retry on an unref'd timer.
   */
  flush(timeoutMs: number): Promise<boolean> {
    const target = this.enqueued;
    if (this.settled >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { target, done: () => resolve(true) };
      this.waiters.push(waiter);
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      waiter.done = () => {
        clearTimeout(t);
        resolve(true);
      };
      this.kick(true);
    });
  }

  /** Stops timers and retries; what is still queued stays in the store (if any). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.request?.abort();
    this.wake?.();
  }

  /** What is not settled: batches in flight, then the waiting items, oldest first. */
  remaining(): TelemetryItem[] {
    const left = [...this.flying].flatMap((batch) => batch.items);
    for (let i = this.head; i < this.pending.length; i++) {
      const queued = this.pending[i]!;
      left.push(queued instanceof LazyEvent ? queued.build() : queued);
    }
    return left;
  }

  /**
   * The page is being hidden: send what waits now, with `keepalive` so the request outlives
   * the page. If the page lives on, the answer is handled like any other.
   */
  sendWithKeepalive(): void {
    if (this.head >= this.pending.length) return;
    const batch = this.take(KEEPALIVE_BYTES);
    this.fly(batch);
    void this.attempt(batch, true).then((outcome) => {
      if (outcome.type === 'retry' || outcome.type === 'refused') this.putBack(batch);
      else this.settle(batch, outcome);
    });
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick(true);
    }, this.o.flushIntervalMs);
    unref(this.timer);
  }

  /** Starts the loop unless it runs; `due` sends even a batch smaller than `flushAt`. */
  private kick(due = false): void {
    if (this.sending || this.closed) return;
    if (!due && this.pending.length - this.head < this.o.flushAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sending = true;
    // a later task, not now: encoding a batch must not run inside the caller's emitEvent
    setTimeout(() => void this.loop(), 0);
  }

  private async loop(): Promise<void> {
    try {
      while (!this.closed && this.head < this.pending.length) {
        const batch = this.take(MAX_BODY_BYTES);
        this.fly(batch);
        await this.deliver(batch);
        const waiting = this.pending.length - this.head;
        const due = this.waiters.length > 0;
        if (waiting < this.o.flushAt && !due) break;
      }
    } finally {
      this.sending = false;
      if (!this.closed && this.head < this.pending.length && this.timer === null) this.arm();
    }
  }

  /** Sends one batch until it is settled (or the client closes). */
  private async deliver(batch: Batch): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      await this.o.store?.sync();
      const outcome = await this.attempt(batch, false);
      if (outcome.type === 'retry') {
        if (this.closed) break; // aborted by close(): the batch goes back to the queue
        this.counts.retries++;
        if (attempt === 1) {
          const n = batch.items.length;
          this.o.report(
            this.o.makeError('RETRYING', `${n} item(s) will be re-sent: ${outcome.reason}`),
          );
        }
        await this.sleep(this.backoff(attempt, outcome.retryAfterMs));
        continue;
      }
      if (outcome.type === 'refused' && batch.items.length > 1) {
        this.putBack(batch);
        this.limit = Math.ceil(batch.items.length / 2);
        this.shrunkFor = batch.items.length;
        return;
      }
      this.settle(batch, outcome);
      return;
    }
    this.putBack(batch);
  }

  private async attempt(batch: Batch, keepalive: boolean): Promise<Outcome> {
    // a keepalive request is meant to outlive the page, so close() leaves it alone
    const request = new AbortController();
    if (!keepalive) this.request = request;
    const timeout = setTimeout(() => request.abort(), this.o.requestTimeoutMs);
    unref(timeout);
    try {
      const response = await this.o.fetch(this.o.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.o.token}`,
        },
        body: requestBody(batch, new Date()),
        keepalive,
        signal: request.signal,
      });
      return await classify(response, batch);
    } catch (error) {
      const reason =
        request.signal.aborted && !this.closed
          ? `no answer within ${this.o.requestTimeoutMs} ms`
          : String(error);
      return { type: 'retry', retryAfterMs: null, reason };
    } finally {
      clearTimeout(timeout);
      if (this.request === request) this.request = null;
    }
  }

  /**
   * `Retry-After` when the server gave one (never earlier; up to 20 % later, at most 1 s, so
   * clients told the same delay do not return all at once), else capped exponential backoff
   * with jitter.
   */
  backoff(attempt: number, retryAfterMs: number | null): number {
    if (retryAfterMs !== null) {
      const wait = Math.min(retryAfterMs, this.o.maxRetryAfterMs);
      return wait + Math.random() * Math.min(1000, wait * 0.2);
    }
    const ceiling = Math.min(this.o.maxMs, this.o.baseMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** Settles a batch taken from the queue (its items leave `inFlight`) and wakes flush(). */
  private settle(batch: Batch, outcome: Exclude<Outcome, { type: 'retry' }>): void {
    const n = batch.items.length;
    this.land(batch);
    if (outcome.type === 'stored') {
      for (const { item, message } of outcome.rejected) {
        this.o.report(this.o.makeError('REJECTED', message, item));
      }
      this.counts.rejected += outcome.rejected.length;
      this.counts.delivered += n - outcome.rejected.length;
    } else if (outcome.type === 'refused') {
      this.o.report(this.o.makeError('REJECTED', outcome.reason, batch.items[0]));
      this.counts.rejected += n;
    } else {
      this.o.report(
        this.o.makeError(
          outcome.code,
          `${n} item(s) dropped: ${outcome.reason} — ${describeItems(batch.items)}`,
          undefined,
          {
            status: outcome.status,
            items: batch.items,
          },
        ),
      );
      this.counts.rejected += n;
    }
    this.o.store?.settle(batch.items);
    if (this.shrunkFor > 0) {
      this.shrunkFor -= n;
      if (this.shrunkFor <= 0) this.limit = this.o.maxBatchSize;
    }
    this.settled += n;
    if (this.waiters.length > 0) {
      const open = this.waiters.filter((w) => w.target > this.settled);
      for (const w of this.waiters) if (w.target <= this.settled) w.done();
      this.waiters = open;
    }
  }

  /** Takes the oldest items that fit in `maxBytes` and the current batch size. */
  private take(maxBytes: number): Batch {
    const items: TelemetryItem[] = [];
    const json: string[] = [];
    let bytes = 0;
    while (this.head < this.pending.length && items.length < this.limit) {
      const queued = this.pending[this.head]!;
      const item = queued instanceof LazyEvent ? queued.build() : queued;
      const encoded = wireJson(item);
      const size = encoder.encode(encoded).length + 1;
      if (items.length > 0 && bytes + size > maxBytes) break;
      items.push(item);
      json.push(encoded);
      bytes += size;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return { items, json };
  }

  /** Returns a batch to the front of the queue, in its order. */
  private putBack(batch: Batch): void {
    this.land(batch);
    this.pending = [...batch.items, ...this.pending.slice(this.head)];
    this.head = 0;
  }

  private fly(batch: Batch): void {
    this.inFlight += batch.items.length;
    this.flying.add(batch);
  }

  private land(batch: Batch): void {
    this.inFlight -= batch.items.length;
    this.flying.delete(batch);
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((done) => {
      const t = setTimeout(() => {
        this.wake = null;
        done();
      }, ms);
      unref(t);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        done();
      };
    });
  }
}

/** Node timers keep the process alive; telemetry's own must not (a flush deadline aside). */
export function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
