import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { idOf } from './items.js';
import type { QueueStore } from './store.js';
import type { TelemetryItem } from './types.js';

/**
 * The file-backed queue (Node only): an append-only log in `<persistPath>/queue.log`, one JSON
 * line per record — `{"q":item}` when an item is queued, `{"s":[ids]}` when the server settled
 * items. Each record is one write(2) on the caller's thread, so it is in the kernel before the
 * call returns and survives `kill -9`; `sync()` (fdatasync, before every send) makes it survive
 * a power cut too. Ids are written with the item, so a batch re-sent after a restart carries the
 * ids it had and the server stores it once. On open the log is replayed (a torn last line from a
 * crash is skipped) and rewritten with only the unsettled items; it is compacted the same way
 * whenever settled records outnumber the live ones. One process per `persistPath`.
 */
const COMPACT_AFTER = 5_000;

type Record_ = { q?: TelemetryItem; s?: string[] };

export class FileStore implements QueueStore {
  readonly restored: readonly TelemetryItem[];
  private readonly file: string;
  private readonly live = new Map<string, TelemetryItem>();
  private fd: number;
  private settledSinceCompaction = 0;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'queue.log');
    if (existsSync(this.file)) this.replay(readFileSync(this.file, 'utf8'));
    this.restored = [...this.live.values()];
    this.fd = this.rewrite();
  }

  append(item: TelemetryItem): void {
    this.live.set(idOf(item), item);
    writeSync(this.fd, `${JSON.stringify({ q: item })}\n`);
  }

  settle(items: readonly TelemetryItem[]): void {
    if (items.length === 0) return;
    const ids = items.map(idOf);
    for (const id of ids) this.live.delete(id);
    writeSync(this.fd, `${JSON.stringify({ s: ids })}\n`);
    this.settledSinceCompaction += ids.length;
    if (
      this.settledSinceCompaction > COMPACT_AFTER &&
      this.settledSinceCompaction > this.live.size
    ) {
      const old = this.fd;
      this.fd = this.rewrite();
      closeSync(old);
    }
  }

  sync(): Promise<void> {
    // a compaction may close the fd meanwhile; its successor was fsynced when written
    return new Promise((done) => fdatasync(this.fd, () => done()));
  }

  async close(): Promise<void> {
    await this.sync();
    closeSync(this.fd);
  }

  private replay(text: string): void {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let record: Record_;
      try {
        record = JSON.parse(line) as Record_;
      } catch {
        continue; // the torn tail of a write cut short by a crash
      }
      if (record.q) this.live.set(idOf(record.q), record.q);
      for (const id of record.s ?? []) this.live.delete(id);
    }
  }

  /** Writes the live items to a new log, fsyncs it and swaps it in atomically. */
  private rewrite(): number {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    const lines = [...this.live.values()].map((item) => `${JSON.stringify({ q: item })}\n`);
    if (lines.length > 0) writeSync(fd, lines.join(''));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.file);
    const dirFd = openSync(this.dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
    this.settledSinceCompaction = 0;
    return openSync(this.file, 'a');
  }
}

export const openFileStore = (path: string): QueueStore => new FileStore(path);
