import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from './config.js';

/**
 * Abuse limits of the HTTP front (docs/api.md#limits). An ingest token ships inside browser and
 * extension clients, so it is public in practice: requests are metered per ingest token and per
 * client address, and admin reads, which can scan a lot, run a bounded number at a time.
 */

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`; a request takes one. Keys whose bucket
 * is full again are forgotten by `sweep`, so a stream of one-off addresses costs no memory.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token; when none is left, answers the whole seconds until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / this.perSecond) };
  }

  sweep(): void {
    const now = this.now();
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** At most `limit` holders at once, `queue` more waiting in order; beyond that, refused. */
export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly queue: number,
  ) {}

  /** Resolves with a release function, or with null when the queue is full. */
  async acquire(): Promise<(() => void) | null> {
    if (this.active >= this.limit) {
      if (this.waiting.length >= this.queue) return null;
      await new Promise<void>((resume) => this.waiting.push(resume));
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // the slot passes straight to the next waiter, so `active` only drops when none waits
      if (next) next();
      else this.active--;
    };
  }
}

/**
 * Admission control (docs/api.md#limits): while more than `limit` units of work wait behind
 * ingest (KPI day facts for the fold), ingest pauses with 503 + `Retry-After`, so the fold
 * catches up instead of falling further behind, and reads, whose cost follows that backlog,
 * stay fast. The backlog is probed at most every `everyMs`, one probe at a time; between probes
 * the last answer holds. A failed probe admits: the request then meets the database's own error.
 */
export class BacklogGate {
  private last = { over: false, at: Number.NEGATIVE_INFINITY };
  private probing: Promise<boolean> | null = null;

  constructor(
    readonly limit: number,
    private readonly probe: (limit: number) => Promise<number>,
    private readonly everyMs = 500,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether the backlog is over the bound, as of the last probe (at most `everyMs` old). */
  over(): Promise<boolean> | boolean {
    if (this.now() - this.last.at < this.everyMs) return this.last.over;
    this.probing ??= this.probe(this.limit)
      .then(
        (waiting) => waiting > this.limit,
        () => false,
      )
      .then((over) => {
        this.last = { over, at: this.now() };
        this.probing = null;
        return over;
      });
    return this.probing;
  }
}

/** Seconds an ingest client waits before resending a batch refused by admission control. */
export const BACKLOG_RETRY_AFTER_SECONDS = 2;

/**
 * The client's address: the socket's, or behind a trusted reverse proxy the last entry of
 * `X-Forwarded-For` (the one that proxy appended; earlier entries are whatever the client sent).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  const list = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const last = list?.split(',').at(-1)?.trim();
  if (trustProxy && last) return last;
  return req.socket.remoteAddress ?? 'unknown';
}

export interface Limits {
  /** Per-address bucket: every GraphQL request, with or without a valid token. */
  address: TokenBuckets;
  /** Per-ingest-token bucket, keyed by a hash so the token itself is not kept around. */
  ingestToken: TokenBuckets;
  adminSlots: Slots;
  /** Admission control of ingest requests; absent, ingest is never paused. */
  backlog?: BacklogGate;
  tokenKey: (token: string) => string;
  stop: () => void;
}

/** `foldBacklog`: how many KPI day facts wait for the fold, counted up to one past `limit`. */
export function createLimits(
  config: Config,
  foldBacklog?: (limit: number) => Promise<number>,
): Limits {
  const address = new TokenBuckets(
    config.RATE_LIMIT_ADDRESS_PER_SECOND,
    config.RATE_LIMIT_ADDRESS_BURST,
  );
  const ingestToken = new TokenBuckets(
    config.RATE_LIMIT_TOKEN_PER_SECOND,
    config.RATE_LIMIT_TOKEN_BURST,
  );
  const sweeper = setInterval(() => {
    address.sweep();
    ingestToken.sweep();
  }, 60_000);
  sweeper.unref();
  return {
    address,
    ingestToken,
    adminSlots: new Slots(config.ADMIN_CONCURRENCY, config.ADMIN_QUEUE),
    backlog: foldBacklog && new BacklogGate(config.INGEST_BACKLOG_LIMIT, foldBacklog),
    tokenKey: (token) => createHash('sha256').update(token).digest('base64url'),
    stop: () => clearInterval(sweeper),
  };
}
