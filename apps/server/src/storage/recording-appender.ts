import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat, truncate } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { MarkEvent, RecordingEvent, RecordingHeader } from '@hamstream/core';
import { serializeRecordingLine } from '@hamstream/recording';
import { type RecordingAppender, SERVER_MARK_SOURCE, type ServerMarkEvent } from './session-store.js';

/** Write at once when this much text is queued, whatever the linger. */
const FLUSH_AT_CHARS = 256 * 1024;
/** Default linger before a write, ms (acks wait this long; the live path never does). */
export const DEFAULT_LINGER_MS = 40;

interface Waiter {
  /** Resolve once this many lines are written. */
  upTo: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * Group commit: lines queue in memory and one `write` takes everything queued during a short linger
 * (or while the previous write was in flight). The caller (the ingest path) never waits for the disk;
 * only the ack does. The linger turns ~50 batches/s per session into ≤ 1000/lingerMs writes: at 200
 * sensors a write per batch cost more CPU than the metrics (npm run bench). No fsync per write: a line
 * handed to the OS survives a crash of this process, which is what the ingest resend protocol needs;
 * `flush()`/`close()` fsync for power loss.
 */
class FileRecordingAppender implements RecordingAppender {
  eventCount: number;
  daemonEventCount: number;
  lastT: number;
  private queue: string[] = [];
  private queuedLines = 0;
  private writtenLines = 0;
  private writing = false;
  private waiters: Waiter[] = [];
  private failure: Error | null = null;
  private closed = false;
  private linger: NodeJS.Timeout | null = null;
  private queuedChars = 0;

  constructor(
    readonly path: string,
    readonly header: RecordingHeader,
    private readonly fh: FileHandle,
    counts: { events: number; daemonEvents: number; lastT: number },
    private readonly lingerMs: number,
  ) {
    this.eventCount = counts.events;
    this.daemonEventCount = counts.daemonEvents;
    this.lastT = counts.lastT;
  }

  append(events: readonly RecordingEvent[]): Promise<void> {
    for (const e of events) {
      this.push(serializeRecordingLine(e));
      if (e.t > this.lastT) this.lastT = e.t;
    }
    this.eventCount += events.length;
    this.daemonEventCount += events.length;
    return this.settled();
  }

  appendServerMark(mark: MarkEvent): Promise<ServerMarkEvent> {
    const tagged: ServerMarkEvent = { ...mark, source: SERVER_MARK_SOURCE };
    this.push(serializeRecordingLine(tagged));
    if (mark.t > this.lastT) this.lastT = mark.t;
    this.eventCount++;
    return this.settled().then(() => tagged);
  }

  async flush(): Promise<void> {
    this.writeNow();
    await this.settled();
    if (!this.closed) await this.fh.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.fh.close();
    }
  }

  private push(line: string): void {
    if (this.closed) throw new Error(`recording ${this.path} is closed`);
    this.queue.push(line);
    this.queuedLines++;
    this.queuedChars += line.length;
  }

  private writeNow(): void {
    if (this.linger) clearTimeout(this.linger);
    this.linger = null;
    this.kick();
  }

  private settled(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.writtenLines >= this.queuedLines) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => {
      this.waiters.push({ upTo: this.queuedLines, resolve, reject });
    });
    if (this.lingerMs <= 0 || this.queuedChars >= FLUSH_AT_CHARS) this.writeNow();
    else this.linger ??= setTimeout(() => this.writeNow(), this.lingerMs);
    return p;
  }

  private kick(): void {
    if (this.writing || this.queue.length === 0 || this.failure) return;
    this.writing = true;
    const lines = this.queue;
    this.queue = [];
    this.queuedChars = 0;
    const upTo = this.writtenLines + lines.length;
    this.fh.write(`${lines.join('\n')}\n`).then(
      () => {
        this.writtenLines = upTo;
        this.writing = false;
        this.wake();
        this.kick();
      },
      (e: unknown) => {
        this.failure = e instanceof Error ? e : new Error(String(e));
        this.writing = false;
        for (const w of this.waiters.splice(0)) w.reject(this.failure);
      },
    );
  }

  private wake(): void {
    let i = 0;
    while (i < this.waiters.length && this.waiters[i]!.upTo <= this.writtenLines) i++;
    for (const w of this.waiters.splice(0, i)) w.resolve();
  }
}

/** Cuts a partial last line (a crash mid-write) so that appended lines start on a line of their own. */
async function cutPartialLastLine(path: string): Promise<void> {
  const { size } = await stat(path);
  if (size === 0) return;
  const fh = await open(path, 'r');
  try {
    const chunk = 64 * 1024;
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk);
      const buf = Buffer.alloc(end - start);
      await fh.read(buf, 0, buf.length, start);
      const nl = buf.lastIndexOf(0x0a);
      if (nl >= 0) {
        const keep = start + nl + 1;
        if (keep < size) await truncate(path, keep);
        return;
      }
      end = start;
    }
    await truncate(path, 0);
  } finally {
    await fh.close();
  }
}

/**
 * Opens `path` for appending. A new file starts with `header`. An existing one (a server restart)
 * keeps its own header; its events are counted (server marks apart, so the daemon's last seq is
 * known exactly) and handed to `onExistingEvent` to rebuild live state.
 */
export async function openRecordingAppender(
  path: string,
  header: RecordingHeader,
  onExistingEvent?: (event: RecordingEvent) => void,
  lingerMs = DEFAULT_LINGER_MS,
): Promise<RecordingAppender> {
  let exists = true;
  try {
    await stat(path);
  } catch {
    exists = false;
  }
  if (!exists) {
    const fh = await open(path, 'a');
    await fh.write(`${serializeRecordingLine(header)}\n`);
    return new FileRecordingAppender(path, header, fh, { events: 0, daemonEvents: 0, lastT: 0 }, lingerMs);
  }
  await cutPartialLastLine(path);
  let fileHeader: RecordingHeader | null = null;
  let events = 0;
  let daemonEvents = 0;
  let lastT = 0;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (line.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // written by this server: only a torn write could get here, and it was cut above
    }
    if (typeof value !== 'object' || value === null) continue;
    const o = value as { type?: unknown; t?: unknown; source?: unknown };
    if (fileHeader === null) {
      if (o.type === 'header') fileHeader = value as RecordingHeader;
      continue;
    }
    events++;
    if (o.source !== SERVER_MARK_SOURCE) daemonEvents++;
    if (typeof o.t === 'number' && o.t > lastT) lastT = o.t;
    onExistingEvent?.(value as RecordingEvent);
  }
  const fh = await open(path, 'a');
  if (fileHeader === null) {
    // An empty (or header-less, torn) file: start it afresh.
    await fh.truncate(0);
    await fh.write(`${serializeRecordingLine(header)}\n`);
    return new FileRecordingAppender(path, header, fh, { events: 0, daemonEvents: 0, lastT: 0 }, lingerMs);
  }
  return new FileRecordingAppender(path, fileHeader, fh, { events, daemonEvents, lastT }, lingerMs);
}
