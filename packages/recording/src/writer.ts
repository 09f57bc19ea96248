import { type FileHandle, open } from 'node:fs/promises';
import { createGzip, type Gzip, constants as zlibConstants } from 'node:zlib';
import { HamstreamError, type RecordingEvent, type RecordingHeader } from '@hamstream/core';
import { RECORDING_WRITE_ERROR_CODE } from './errors.js';
import { serializeRecordingLine } from './serialize.js';
import { checkHeaderObject, classifyEventObject, type EventContext } from './validate.js';

export interface RecordingWriter {
  readonly path: string;
  readonly eventsWritten: number;
  /**
   * Validates and queues one event; it reaches the file within `flushIntervalMs`. Throws a
   * HamstreamError for an event that would make the file unreadable (undeclared device, `t` going
   * backwards, bad hex...) or after an earlier write failed.
   */
  write(event: RecordingEvent): void;
  /** Resolves once everything written so far is in the file (gzip: sync-flushed, readable by a reader now). */
  flush(): Promise<void>;
  /** Flushes, ends the gzip stream, fsyncs and closes. Safe to call twice. */
  close(): Promise<void>;
}

export interface RecordingWriterOptions {
  /** Gzip the file. Default: the path ends with `.gz`. */
  gzip?: boolean;
  /** Longest time an event waits in memory before it is written, ms. Default 100. */
  flushIntervalMs?: number;
  /** Fail if the file exists rather than overwrite it. Default false. */
  exclusive?: boolean;
}

/** Flush early once this much text is queued, so a burst never holds much in memory. */
const FLUSH_AT_BYTES = 256 * 1024;

/*
 * Why buffered and not `fs.writeSync` per line: the writer sits on the daemon's hot path. Measured
 * with `npm run bench` (100k WT901 packets, shared 2-core VM): write() costs 1.7-3.5 µs per event,
 * mostly validation and serialisation, against 3.5-3.9 µs for serialise + writeSync, i.e. 0.5-0.9x.
 * The bigger reason is latency, not CPU: a synchronous write blocks the event loop (and BLE
 * handling) for as long as the storage takes, which on an SD card can be milliseconds. The price:
 * a `kill -9` loses at most the last `flushIntervalMs` of events; every line before that is
 * complete and readable. Gzip compresses on the libuv thread pool, never inline.
 */
class BufferedRecordingWriter implements RecordingWriter {
  eventsWritten = 0;
  private queued: string[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The chain of file writes, in order; each flush appends to it. */
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  private lastT = Number.NEGATIVE_INFINITY;
  private readonly ctx: EventContext;
  private readonly gz: Gzip | null;
  private gzOut: Buffer[] = [];

  constructor(
    readonly path: string,
    header: RecordingHeader,
    private readonly fh: FileHandle,
    gzip: boolean,
    private readonly flushIntervalMs: number,
  ) {
    this.ctx = { knownDevices: new Set(header.devices.map((d) => d.id)), strict: true };
    if (gzip) {
      this.gz = createGzip();
      // Compressed output is collected here and written by the flush that produced it.
      this.gz.on('data', (chunk: Buffer) => this.gzOut.push(chunk));
      this.gz.on('error', (e) => this.fail(e));
    } else {
      this.gz = null;
    }
    this.enqueue(serializeRecordingLine(header));
  }

  write(event: RecordingEvent): void {
    if (this.failure) throw this.failure;
    if (this.closing !== null)
      throw new HamstreamError(RECORDING_WRITE_ERROR_CODE, `${this.path}: write after close`);
    const c = classifyEventObject(event, this.ctx);
    if (c.kind !== 'event') {
      const reason = c.kind === 'invalid' ? c.issue.message : `unknown event type "${c.type}"`;
      throw new HamstreamError(
        RECORDING_WRITE_ERROR_CODE,
        `${this.path}: refusing to write an invalid event: ${reason}`,
      );
    }
    if (event.t < this.lastT) {
      throw new HamstreamError(
        RECORDING_WRITE_ERROR_CODE,
        `${this.path}: refusing to write an event with "t" going backwards: ${event.t} after ${this.lastT}`,
      );
    }
    this.lastT = event.t;
    this.enqueue(serializeRecordingLine(event));
    this.eventsWritten++;
  }

  private enqueue(line: string): void {
    this.queued.push(line);
    this.queuedBytes += line.length + 1;
    if (this.queuedBytes >= FLUSH_AT_BYTES) {
      // The chain never rejects: a failure is kept and reported by the next write/flush/close.
      void this.startFlush();
    } else if (this.timer === null) {
      // Not unref'd: a process that forgets close() still gets its last batch written.
      this.timer = setTimeout(() => void this.startFlush(), this.flushIntervalMs);
    }
  }

  private fail(e: unknown): void {
    this.failure ??= new HamstreamError(
      RECORDING_WRITE_ERROR_CODE,
      `${this.path}: write failed (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }

  /** Moves the queue onto the write chain; returns the chain's new tail (never rejects). */
  private startFlush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queued.length > 0) {
      const text = `${this.queued.join('\n')}\n`;
      this.queued = [];
      this.queuedBytes = 0;
      this.chain = this.chain.then(() => this.writeOut(text)).catch((e: unknown) => this.fail(e));
    }
    return this.chain;
  }

  private async writeOut(text: string): Promise<void> {
    if (this.failure) return;
    if (this.gz === null) {
      await this.writeAll(Buffer.from(text, 'utf8'));
      return;
    }
    const gz = this.gz;
    // Z_SYNC_FLUSH ends the deflate output on a byte boundary: a reader can decode every line so far.
    await new Promise<void>((resolve) => {
      gz.write(text);
      gz.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve());
    });
    await this.writeGzOut();
  }

  private async writeGzOut(): Promise<void> {
    if (this.gzOut.length === 0) return;
    const out = Buffer.concat(this.gzOut);
    this.gzOut = [];
    await this.writeAll(out);
  }

  private async writeAll(bytes: Buffer): Promise<void> {
    // A regular file takes it all in one call unless the disk is full; loop rather than assume.
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, offset, bytes.length - offset);
      if (bytesWritten === 0) throw new Error('no progress writing (disk full?)');
      offset += bytesWritten;
    }
  }

  async flush(): Promise<void> {
    await this.startFlush();
    if (this.failure) throw this.failure;
  }

  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    await this.startFlush();
    try {
      const gz = this.gz;
      if (gz !== null && !this.failure) {
        await new Promise<void>((resolve, reject) => {
          gz.once('end', resolve);
          gz.once('error', reject);
          gz.end();
        });
        await this.writeGzOut();
      }
      if (!this.failure) await this.fh.datasync();
    } catch (e) {
      this.fail(e);
    } finally {
      await this.fh.close();
    }
    if (this.failure) throw this.failure;
  }
}

/**
 * Creates a recording and writes its header at once (the file is valid from the start). Events
 * are validated, serialised with a stable key order and written in batches at least every
 * `flushIntervalMs` (default 100 ms): after a crash, every line before the last batch is intact.
 */
export async function createRecordingWriter(
  path: string,
  header: RecordingHeader,
  options: RecordingWriterOptions = {},
): Promise<RecordingWriter> {
  const checked = checkHeaderObject(header);
  if (checked.kind === 'invalid') {
    throw new HamstreamError(RECORDING_WRITE_ERROR_CODE, `${path}: invalid header: ${checked.issue.message}`);
  }
  const gzip = options.gzip ?? path.endsWith('.gz');
  let fh: FileHandle;
  try {
    fh = await open(path, options.exclusive ? 'wx' : 'w');
  } catch (e) {
    throw new HamstreamError(
      RECORDING_WRITE_ERROR_CODE,
      `${path}: cannot create (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }
  const writer = new BufferedRecordingWriter(path, checked.header, fh, gzip, options.flushIntervalMs ?? 100);
  await writer.flush();
  return writer;
}
