import { rename, writeFile } from 'node:fs/promises';
import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import {
  INGEST_EVENTS,
  INGEST_MAX_BATCH,
  INGEST_NAMESPACE,
  type IngestClientToServerEvents,
  type IngestEventsAck,
  type IngestHelloAck,
  type IngestServerToClientEvents,
  type SequencedEvent,
} from '@hamstream/protocol';
import { openRecording } from '@hamstream/recording';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { IngestLogger } from './logger.js';

/**
 * Forwards a session's recording events to the server's `/ingest` namespace with sequence numbers
 * (seq n = the n-th event of the recording file) and acknowledgements. The recording on disk is the
 * source of truth: the newest unacknowledged events are kept in memory, older ones are re-read from the
 * file, so an outage of any length loses nothing; the server drops repeats by seq, so nothing is
 * duplicated. On every (re)connect the server's `ingest:hello` answer says where to resume.
 */

export type ForwarderSocketOptions = Partial<ManagerOptions & SocketOptions>;

export interface ForwarderOptions {
  url: string;
  token: string;
  session: string;
  header: RecordingHeader;
  daemonId: string;
  recordingPath: string;
  /** Makes every event written so far readable from the file (the writer buffers briefly). */
  flushRecording: () => Promise<void>;
  /** Where the acknowledged seq is kept (JSON), or null. */
  ackPath: string | null;
  batchSize: number;
  window: number;
  memoryEvents: number;
  ackTimeoutMs: number;
  logger: IngestLogger;
  socketOptions?: ForwarderSocketOptions;
}

export interface ForwarderStatus {
  connected: boolean;
  /** Highest seq written to the recording. */
  lastSeq: number;
  /** Highest seq the server confirmed as stored. */
  ackedSeq: number;
  /** Batches sent again (after an outage, a gap or a timeout). */
  resends: number;
  /** Events read back from the recording file because they had left memory. */
  readFromDisk: number;
  lastError: string | null;
}

export interface AckFile {
  session: string;
  server: string;
  ackedSeq: number;
  lastSeq: number;
}

type IngestSocket = Socket<IngestServerToClientEvents, IngestClientToServerEvents>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Reads events with seq ≥ `from` from the recording file, in order; reused while reads are contiguous. */
class DiskCursor {
  private constructor(
    private readonly close_: () => Promise<void>,
    private readonly events: AsyncIterator<RecordingEvent>,
    public nextSeq: number,
  ) {}

  static async open(path: string, from: number): Promise<DiskCursor> {
    // Not lenient: a skipped line would shift every later seq. A last line caught mid-write is reported
    // as truncation (not an error) and is simply not there yet.
    const rec = await openRecording(path);
    const cursor = new DiskCursor(() => rec.close(), rec.events, 1);
    while (cursor.nextSeq < from) {
      const r = await rec.events.next();
      if (r.done) break;
      cursor.nextSeq++;
    }
    return cursor;
  }

  async read(count: number): Promise<SequencedEvent[]> {
    const out: SequencedEvent[] = [];
    while (out.length < count) {
      const r = await this.events.next();
      if (r.done) break;
      out.push({ seq: this.nextSeq++, event: r.value });
    }
    return out;
  }

  close(): Promise<void> {
    return this.close_();
  }
}

export class Forwarder {
  private readonly socket: IngestSocket;
  private ready = false;
  private lastSeq = 0;
  private ackedSeq = 0;
  private sentSeq = 0;
  /** Unacknowledged events, contiguous, starting at memBase. */
  private mem: SequencedEvent[] = [];
  private memBase = 1;
  private pumping = false;
  private pumpSoon: NodeJS.Timeout | null = null;
  private disk: DiskCursor | null = null;
  private closed = false;
  private fatal = false;
  private ackTimer: NodeJS.Timeout | null = null;
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private lastAckWritten = -1;
  private ackWrite: Promise<void> = Promise.resolve();
  private readonly drainWaiters = new Set<() => void>();
  private readonly stats: ForwarderStatus = {
    connected: false,
    lastSeq: 0,
    ackedSeq: 0,
    resends: 0,
    readFromDisk: 0,
    lastError: null,
  };

  constructor(private readonly o: ForwarderOptions) {
    const base = new URL(o.url);
    this.socket = io(`${base.origin}${INGEST_NAMESPACE}`, {
      auth: { token: o.token },
      // A server on the LAN or the same host: come back quickly after it restarts.
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
      transports: ['websocket'],
      autoConnect: false,
      ...o.socketOptions,
    });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (e) => this.onConnectError(e));
  }

  /** Starts connecting; `fromSeq` is where a resumed session's file already stands. */
  start(resume?: { lastSeq: number; ackedSeq: number }): void {
    if (resume) {
      this.lastSeq = resume.lastSeq;
      this.ackedSeq = this.sentSeq = resume.ackedSeq;
      this.memBase = resume.lastSeq + 1;
    }
    this.socket.connect();
  }

  /** One event just written to the recording as the seq-th event. */
  push(seq: number, event: RecordingEvent): void {
    if (seq !== this.lastSeq + 1) {
      // Never happens with the daemon's recorder; guard the invariant the server relies on.
      this.o.logger.error(`forwarder: seq ${seq} after ${this.lastSeq}; resynchronising from the file`);
      this.mem = [];
      this.memBase = seq + 1;
    } else {
      if (this.mem.length === 0) this.memBase = seq;
      this.mem.push({ seq, event });
      if (this.mem.length > this.o.memoryEvents) {
        // The oldest stay on disk only; they are re-read if the server still needs them.
        const excess = this.mem.length - this.o.memoryEvents;
        this.mem.splice(0, excess);
        this.memBase += excess;
      }
    }
    this.lastSeq = seq;
    // Linger briefly so events that arrive together leave together (batches, not one message each).
    this.pumpSoon ??= setTimeout(() => {
      this.pumpSoon = null;
      void this.pump();
    }, 10);
  }

  status(): ForwarderStatus {
    return { ...this.stats, connected: this.ready, lastSeq: this.lastSeq, ackedSeq: this.ackedSeq };
  }

  private onConnect(): void {
    this.stats.connected = true;
    const hello = { session: this.o.session, header: this.o.header, daemonId: this.o.daemonId };
    this.socket
      .timeout(this.o.ackTimeoutMs)
      .emit(INGEST_EVENTS.hello, hello, (e: Error | null, res: IngestHelloAck) => {
        if (this.closed || !this.socket.connected) return;
        if (e || !res || !res.ok) {
          const why = e ? `no answer to ${INGEST_EVENTS.hello}` : res && !res.ok ? res.error : 'bad answer';
          this.stats.lastError = why;
          this.o.logger.warn(`forwarder: ${why}; retrying`);
          this.retryLater('hello', () => this.onConnect());
          return;
        }
        if (res.lastSeq > this.lastSeq) {
          // The server holds more of this session than this daemon ever wrote: another run used the id.
          this.fatal = true;
          this.stats.lastError = `server already has ${res.lastSeq} events of session "${this.o.session}" (this recording has ${this.lastSeq}): use a new session id`;
          this.o.logger.error(`forwarder: ${this.stats.lastError}`);
          return;
        }
        // Trust the server's position, even below our acks (its store may have been reset).
        this.ackedSeq = res.lastSeq;
        this.sentSeq = res.lastSeq;
        this.ready = true;
        this.o.logger.info(`forwarder: connected; server has ${res.lastSeq} of ${this.lastSeq} events`);
        this.afterAck();
        void this.pump();
      });
  }

  private onDisconnect(reason: string): void {
    this.ready = false;
    this.stats.connected = false;
    this.sentSeq = this.ackedSeq;
    if (this.closed) return;
    this.o.logger.warn(`forwarder: disconnected (${reason}); events stay in the recording and are resent`);
    // The server closing us does not auto-reconnect in socket.io; everything else does.
    if (reason === 'io server disconnect') this.retryLater('connect', () => this.socket.connect(), 1000);
  }

  private onConnectError(e: Error): void {
    this.stats.lastError = e.message;
    this.o.logger.debug(`forwarder: cannot reach the server: ${e.message}`);
    // A refusal by the server's middleware (e.g. a bad token) stops socket.io's own retries.
    if (!this.socket.active && !this.closed) this.retryLater('connect', () => this.socket.connect(), 2000);
  }

  /** At most one pending retry per kind (hello, connect, pump). */
  private retryLater(kind: 'hello' | 'connect' | 'pump', fn: () => void, ms = 1000): void {
    if (this.retryTimers.has(kind) || this.closed) return;
    this.retryTimers.set(
      kind,
      setTimeout(() => {
        this.retryTimers.delete(kind);
        if (!this.closed) fn();
      }, ms),
    );
  }

  private async nextBatch(from: number, max: number): Promise<SequencedEvent[]> {
    if (from >= this.memBase) {
      const i = from - this.memBase;
      return this.mem.slice(i, i + max);
    }
    const count = Math.min(max, this.memBase - from);
    if (this.disk === null || this.disk.nextSeq !== from) {
      await this.disk?.close();
      this.disk = null;
      await this.o.flushRecording();
      this.disk = await DiskCursor.open(this.o.recordingPath, from);
      if (this.disk.nextSeq !== from) throw new Error(`recording has fewer than ${from - 1} events`);
    }
    const batch = await this.disk.read(count);
    this.stats.readFromDisk += batch.length;
    return batch;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (
        this.ready &&
        !this.fatal &&
        this.sentSeq < this.lastSeq &&
        this.sentSeq - this.ackedSeq < this.o.window
      ) {
        const from = this.sentSeq + 1;
        const max = Math.min(
          this.o.batchSize,
          INGEST_MAX_BATCH,
          this.o.window - (this.sentSeq - this.ackedSeq),
        );
        const batch = await this.nextBatch(from, max);
        if (batch.length === 0 || !this.ready || this.sentSeq + 1 !== from) break;
        this.sentSeq = batch[batch.length - 1]!.seq;
        this.send(batch);
      }
    } catch (e) {
      this.stats.lastError = message(e);
      this.o.logger.error(`forwarder: ${message(e)}`);
      this.retryLater('pump', () => void this.pump(), 1000);
    } finally {
      this.pumping = false;
    }
  }

  private send(batch: SequencedEvent[]): void {
    const last = batch[batch.length - 1]!.seq;
    this.socket
      .timeout(this.o.ackTimeoutMs)
      .emit(
        INGEST_EVENTS.events,
        { session: this.o.session, batch },
        (e: Error | null, res: IngestEventsAck) => {
          if (this.closed) return;
          if (e || !res || !res.ok) {
            // A dropped connection fails every pending ack at once; the reconnect resends them anyway.
            if (!this.ready) return;
            const why = e ? 'acknowledgement timed out' : res && !res.ok ? res.error : 'bad acknowledgement';
            this.stats.lastError = why;
            this.o.logger.warn(`forwarder: batch up to seq ${last}: ${why}; resending`);
            this.stats.resends++;
            this.sentSeq = Math.min(this.sentSeq, this.ackedSeq);
            this.retryLater('pump', () => void this.pump(), e ? 0 : 1000);
            return;
          }
          if (res.ackedSeq > this.ackedSeq) this.ackedSeq = Math.min(res.ackedSeq, this.lastSeq);
          if (res.ackedSeq < last && this.ready && this.sentSeq > this.ackedSeq) {
            // The server is missing something before this batch: resend from its position.
            this.stats.resends++;
            this.sentSeq = this.ackedSeq;
          }
          this.afterAck();
          void this.pump();
        },
      );
  }

  private afterAck(): void {
    const drop = this.ackedSeq - this.memBase + 1;
    if (drop > 0) {
      this.mem.splice(0, drop);
      this.memBase += drop;
    }
    if (this.ackedSeq >= this.lastSeq) for (const w of this.drainWaiters) w();
    this.scheduleAckWrite();
  }

  private scheduleAckWrite(): void {
    if (this.o.ackPath === null || this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      void this.writeAck();
    }, 250);
  }

  private writeAck(): Promise<void> {
    const path = this.o.ackPath;
    if (path === null || this.ackedSeq === this.lastAckWritten) return this.ackWrite;
    const snapshot: AckFile = {
      session: this.o.session,
      server: this.o.url,
      ackedSeq: this.ackedSeq,
      lastSeq: this.lastSeq,
    };
    this.lastAckWritten = this.ackedSeq;
    // Write-then-rename: a crash leaves the old file or the new one, never half of one.
    this.ackWrite = this.ackWrite
      .then(async () => {
        await writeFile(`${path}.tmp`, `${JSON.stringify(snapshot)}\n`);
        await rename(`${path}.tmp`, path);
      })
      .catch((e: unknown) => this.o.logger.warn(`forwarder: cannot write ${path}: ${message(e)}`));
    return this.ackWrite;
  }

  /** Resolves true once everything pushed is acknowledged, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.ackedSeq >= this.lastSeq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.drainWaiters.delete(onDrained);
        resolve(ok);
      };
      const onDrained = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.drainWaiters.add(onDrained);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    if (this.pumpSoon) clearTimeout(this.pumpSoon);
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
    this.socket.removeAllListeners();
    this.socket.disconnect();
    await this.writeAck();
    await this.disk?.close();
    this.disk = null;
  }
}

/** The ack file beside a recording: `OUT.rec.jsonl` → `OUT.rec.jsonl.ack`. */
export function ackPathFor(recordingPath: string): string {
  return `${recordingPath}.ack`;
}
