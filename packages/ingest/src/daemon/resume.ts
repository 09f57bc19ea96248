import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { HamstreamError, type RecordingEvent, type RecordingHeader } from '@hamstream/core';
import {
  classifyEventObject,
  openRecording,
  type RecordingWriter,
  serializeRecordingLine,
} from '@hamstream/recording';
import type { AckFile } from './forwarder.js';

/**
 * Resuming a session after a daemon restart: the same recording file continues (same header, same
 * startedAt, seqs go on), so the server, which knows the session by its header, accepts the rest and
 * the unacknowledged tail is resent from the file. Plain files only: appending to a gzip stream that
 * may have been cut mid-block is not safe.
 */

export const HAMSTREAM_ERR_RESUME = 'HAMSTREAM_ERR_RESUME';

export interface ExistingRecording {
  header: RecordingHeader;
  /** Complete events in the file (the next one gets seq events + 1). */
  events: number;
  /** `t` of the last event, ms (0 when none). */
  lastT: number;
  /** Bytes up to the end of the last complete line: a torn last line is cut off before appending. */
  validBytes: number;
  /** The forwarder's position from the `.ack` file beside it, if any. */
  ack: AckFile | null;
}

export async function inspectRecording(path: string, ackPath: string): Promise<ExistingRecording> {
  if (path.endsWith('.gz')) {
    throw new HamstreamError(
      HAMSTREAM_ERR_RESUME,
      `${path}: cannot resume a gzip recording; record to .rec.jsonl to resume`,
    );
  }
  const rec = await openRecording(path, { lenient: true });
  let events = 0;
  let lastT = 0;
  try {
    for await (const e of rec.events) {
      events++;
      lastT = e.t;
    }
  } finally {
    await rec.close();
  }
  // Skipped (bad) lines would shift every later seq: refuse rather than renumber the session.
  if (rec.stats.skippedLines > 0) {
    throw new HamstreamError(
      HAMSTREAM_ERR_RESUME,
      `${path}: ${rec.stats.skippedLines} unreadable line(s) (first: ${rec.stats.firstError?.message ?? '?'}); cannot resume it`,
    );
  }
  const size = (await stat(path)).size;
  const tail = Math.min(size, 1 << 20);
  const fh = await open(path, 'r');
  let validBytes = size;
  try {
    const buf = Buffer.alloc(tail);
    await fh.read(buf, 0, tail, size - tail);
    const lastNewline = buf.lastIndexOf(0x0a);
    validBytes = lastNewline < 0 ? size - tail : size - tail + lastNewline + 1;
  } finally {
    await fh.close();
  }
  let ack: AckFile | null = null;
  try {
    const parsed = JSON.parse(await readFile(ackPath, 'utf8')) as AckFile;
    if (typeof parsed.ackedSeq === 'number' && parsed.ackedSeq >= 0) ack = parsed;
  } catch {
    ack = null; // no ack file yet (never reached a server): everything is resent
  }
  return { header: rec.header, events, lastT, validBytes, ack };
}

/** Continues an existing plain recording: validates like the recording writer, appends, flushes every 100 ms. */
class AppendingWriter implements RecordingWriter {
  private queued: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly known: ReadonlySet<string>;

  constructor(
    readonly path: string,
    header: RecordingHeader,
    private readonly fh: FileHandle,
    private position: number,
    public eventsWritten: number,
    private lastT: number,
  ) {
    this.known = new Set(header.devices.map((d) => d.id));
  }

  write(event: RecordingEvent): void {
    if (this.failure) throw this.failure;
    if (this.closing !== null)
      throw new HamstreamError(HAMSTREAM_ERR_RESUME, `${this.path}: write after close`);
    const c = classifyEventObject(event, { knownDevices: this.known, strict: true });
    if (c.kind !== 'event') {
      const reason = c.kind === 'invalid' ? c.issue.message : `unknown event type "${c.type}"`;
      throw new HamstreamError(
        HAMSTREAM_ERR_RESUME,
        `${this.path}: refusing to write an invalid event: ${reason}`,
      );
    }
    if (event.t < this.lastT) {
      throw new HamstreamError(
        HAMSTREAM_ERR_RESUME,
        `${this.path}: "t" going backwards: ${event.t} after ${this.lastT}`,
      );
    }
    this.lastT = event.t;
    this.queued.push(serializeRecordingLine(event));
    this.eventsWritten++;
    this.timer ??= setTimeout(() => void this.startFlush(), 100);
  }

  private startFlush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queued.length > 0) {
      const bytes = Buffer.from(`${this.queued.join('\n')}\n`, 'utf8');
      this.queued = [];
      this.chain = this.chain
        .then(async () => {
          let off = 0;
          while (off < bytes.length) {
            const { bytesWritten } = await this.fh.write(bytes, off, bytes.length - off, this.position);
            off += bytesWritten;
            this.position += bytesWritten;
          }
        })
        .catch((e: unknown) => {
          this.failure ??= new HamstreamError(
            HAMSTREAM_ERR_RESUME,
            `${this.path}: write failed (${e instanceof Error ? e.message : String(e)})`,
          );
        });
    }
    return this.chain;
  }

  async flush(): Promise<void> {
    await this.startFlush();
    if (this.failure) throw this.failure;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.startFlush();
      try {
        await this.fh.datasync();
      } finally {
        await this.fh.close();
      }
      if (this.failure) throw this.failure;
    })();
    return this.closing;
  }
}

/** Opens an existing recording for appending after its last complete line. */
export async function openAppendingWriter(
  path: string,
  existing: ExistingRecording,
): Promise<RecordingWriter> {
  const fh = await open(path, 'r+');
  await fh.truncate(existing.validBytes);
  return new AppendingWriter(path, existing.header, fh, existing.validBytes, existing.events, existing.lastT);
}
