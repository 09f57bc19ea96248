import type { InfluxDB } from 'influx';
import { ExponentialBackoff } from 'influx/lib/src/backoff/exponential.js';
import { Pool, RequestError } from 'influx/lib/src/pool.js';
import { createInfluxClient, ensureInfluxSchema, type InfluxSchemaOptions } from './influx-setup.js';
import { type InfluxTarget, parseInfluxUrl } from './influx-url.js';
import { toLine } from './line-protocol.js';
import { type StorageLogger, silentLogger } from './logger.js';
import { MEASUREMENTS, type RetentionName, type StoragePoint } from './schema.js';
import { Spool, type SpoolBlock, type SpoolSegment, type SpoolStats } from './spool.js';

/**
 * Writes points to InfluxDB 1.x without ever blocking or failing the caller.
 *
 * Path of a point: `write()` serialises it to line protocol (canonical tag order) into a per-
 * retention-policy buffer → a full buffer, or the flush timer, cuts a batch → batches are sent in
 * order through the `influx` package's connection pool: result batches one at a time, trace batches
 * up to `maxInFlight` at once (see `inFlightWindow` for why that cannot reorder anything that matters).
 *
 * When a request fails (InfluxDB down, 5xx, timeout) the failed batch and everything queued behind
 * it go to the disk spool, and from then on new batches are appended to the spool too, so order is
 * kept. The sender drains the spool oldest-first with backoff; when it is empty, writes go direct
 * again. If InfluxDB is merely slow and the in-memory queue passes `maxQueuedPoints`, new batches go
 * to the spool while the queue is still sent from memory, first: memory stays bounded and `write()`
 * stays O(points).
 *
 * Exactly once: delivery is at-least-once (a batch is re-sent until a request for it succeeds; a
 * timed-out request may still have been applied), and writes are idempotent because a point's key
 * (measurement + tags + timestamp) comes from the data (schema.ts). A repeated point overwrites itself
 * with identical fields, so each point is stored exactly once. What is NOT covered: points dropped
 * because the spool hit `spoolMaxBytes` (counted in `stats().spool.droppedPoints` and logged), and
 * points InfluxDB refuses (HTTP 400 partial write, e.g. older than the `traces` retention policy;
 * counted in `rejected`, never retried).
 */
export interface InfluxSinkOptions {
  /** `http://[user:pass@]host:port/database`. */
  url: string;
  /**
   * Points per request. Default 10 000 (the upper end of InfluxDB 1.x's recommended 5 000–10 000):
   * influxd's cost per request (WAL write and fsync, HTTP) is shared by more points.
   */
  batchSize?: number;
  /** A partly filled batch is sent after this long. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Directory for spool segments (created if missing). */
  spoolDir: string;
  /** Spool bound; oldest segments are dropped (and counted) beyond it. Default 256 MiB. */
  spoolMaxBytes?: number;
  /** Size at which a new segment file is started. Default min(8 MiB, spoolMaxBytes / 4). */
  spoolSegmentBytes?: number;
  /**
   * Points waiting in memory beyond which new batches go to the spool (InfluxDB slow); the queue
   * itself is still sent from memory, first. Default 20 × batchSize.
   */
  maxQueuedPoints?: number;
  /** A write request slower than this counts as failed (and is retried via the spool). Default 10 s. */
  requestTimeoutMs?: number;
  /** Write requests in flight at once (trace batches only; result batches go one by one). Default 2. */
  maxInFlight?: number;
  /** Retry backoff bounds while InfluxDB is unavailable. Defaults 100 ms → 2 s. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Create the database, `traces` retention policy and continuous queries (default true). */
  setupSchema?: boolean;
  schema?: InfluxSchemaOptions;
  logger?: StorageLogger;
}

export interface InfluxSinkStats {
  /** 'spooling' while InfluxDB is (or recently was) unavailable and the spool is not yet drained. */
  mode: 'direct' | 'spooling';
  /** Points given to write() that became lines. */
  accepted: number;
  /** Points with no writable field or a bad timestamp (not written). */
  invalid: number;
  /** Points InfluxDB acknowledged (each counted once). */
  delivered: number;
  /** Points InfluxDB refused (HTTP 400 partial write: beyond retention, field type conflict, unparsable); not retried. */
  rejected: number;
  /** Not yet cut into a batch. */
  buffered: number;
  /** Batches waiting in memory (direct mode). */
  queued: number;
  inFlight: number;
  requests: number;
  failedRequests: number;
  lastError: string | null;
  /** write() calls after close(): ignored. */
  afterClose: number;
  spool: SpoolStats;
}

export interface InfluxSink {
  /** Never blocks on I/O, never throws. */
  write(points: readonly StoragePoint[]): void;
  /** Resolves when everything written so far is in InfluxDB or safely in the spool. */
  flush(): Promise<void>;
  /** Resolves true when everything written so far is in InfluxDB (spool empty), false on timeout. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Flush, try to drain within `timeoutMs` (default 5 s), spool the rest, stop. */
  close(timeoutMs?: number): Promise<void>;
  stats(): InfluxSinkStats;
}

type Batch = SpoolBlock;

/** Points per write request unless `batchSize` says otherwise. */
export const DEFAULT_BATCH_SIZE = 10_000;

type SendOutcome = 'ok' | 'rejected' | 'failed';

/**
 * The batches at the head of `items` that may be in flight together (at most `maxInFlight`). Trace
 * batches can overlap each other and one batch of results: a trace sample's key is never rewritten
 * with other values, so their order does not matter. Result batches (sets, reps, sessions …) may be
 * rewritten with newer values under the same key, so they go strictly one after another.
 */
export function inFlightWindow<T extends { rp: RetentionName }>(
  items: readonly T[],
  maxInFlight: number,
): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (out.length >= maxInFlight) break;
    if (item.rp === 'autogen' && out.some((b) => b.rp === 'autogen')) break;
    out.push(item);
  }
  return out;
}

class Sink implements InfluxSink {
  private readonly target: InfluxTarget;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueuedPoints: number;
  private readonly maxInFlight: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly logger: StorageLogger;
  private readonly pool: Pool;
  private readonly client: InfluxDB;
  private readonly schemaOptions: InfluxSchemaOptions;
  private readonly spool: Spool;
  private schemaReady: boolean;

  private readonly buffers: Record<RetentionName, string[]> = { autogen: [], traces: [] };
  private queue: Batch[] = [];
  private queuedPoints = 0;
  private inflight: Batch[] = [];
  private draining: { seg: SpoolSegment; done: Set<number> } | null = null;
  private mode: 'direct' | 'spooling' = 'direct';
  private running = false;
  private stopped = false;
  private closed = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private retryDelayMs: number;
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  private waiters: (() => void)[] = [];
  private readonly counts = {
    accepted: 0,
    invalid: 0,
    delivered: 0,
    rejected: 0,
    requests: 0,
    failedRequests: 0,
    afterClose: 0,
  };
  private lastError: string | null = null;

  constructor(options: InfluxSinkOptions, spool: Spool) {
    this.target = parseInfluxUrl(options.url);
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxQueuedPoints = options.maxQueuedPoints ?? 20 * this.batchSize;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.retryMinMs = options.retryMinMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 2000;
    this.retryDelayMs = this.retryMinMs;
    this.logger = options.logger ?? silentLogger;
    this.schemaReady = options.setupSchema === false;
    this.schemaOptions = options.schema ?? {};
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    // The influx package's pool: keep-alive HTTP with host health tracking. Our own loop does the
    // retrying (through the spool), so the pool must not retry, and must re-enable the host quickly.
    this.pool = new Pool({
      maxRetries: 0,
      requestTimeout: requestTimeoutMs,
      backoff: new ExponentialBackoff({ initial: 50, max: this.retryMaxMs, random: 0 }),
    });
    this.pool.addHost(this.target.baseUrl);
    this.client = createInfluxClient(this.target, requestTimeoutMs);
    this.spool = spool;
    if (!spool.isEmpty()) this.mode = 'spooling';
  }

  start(): void {
    if (this.mode === 'spooling') void this.run();
  }

  write(points: readonly StoragePoint[]): void {
    if (this.closed) {
      this.counts.afterClose += points.length;
      return;
    }
    for (const point of points) {
      let line: string | null = null;
      try {
        line = toLine(point);
      } catch {
        line = null;
      }
      if (line === null) {
        this.counts.invalid++;
        continue;
      }
      this.counts.accepted++;
      const rp = MEASUREMENTS[point.measurement]?.retention ?? 'autogen';
      const buffer = this.buffers[rp];
      buffer.push(line);
      if (buffer.length >= this.batchSize) this.cut(rp);
    }
    if (this.flushTimer === null && (this.buffers.autogen.length > 0 || this.buffers.traces.length > 0)) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        this.cutAll();
      }, this.flushIntervalMs);
      this.flushTimer.unref();
    }
  }

  private cut(rp: RetentionName): void {
    const lines = this.buffers[rp];
    if (lines.length === 0) return;
    this.buffers[rp] = [];
    // Joined once, here: the spool, a retry and the request all use this same string.
    this.enqueue({ rp, count: lines.length, body: lines.join('\n') });
  }

  private cutAll(): void {
    this.cut('autogen');
    this.cut('traces');
  }

  private enqueue(batch: Batch): void {
    if (this.mode === 'spooling') {
      this.spool.append(batch);
    } else {
      this.queue.push(batch);
      this.queuedPoints += batch.count;
      if (this.queuedPoints > this.maxQueuedPoints) {
        // The queue stays in memory and is sent first (it is older than anything spooled); what
        // comes after it goes to the spool until that is drained. Memory stays bounded by the queue,
        // and the queue's points are spared a disk round trip.
        this.logger.warn('influx: writes are slower than the input, spooling new batches', {
          queuedPoints: this.queuedPoints,
        });
        this.mode = 'spooling';
      }
    }
    void this.run();
  }

  /**
   * Failed batches, then the in-memory queue, to the spool, ahead of anything spooled after them.
   * In direct mode the spool is empty, so they are simply its content; after an overflow (spooling
   * with the queue still in memory) the spool holds newer batches, so these go in front of them.
   */
  private spillQueue(failed: readonly Batch[]): void {
    if (this.mode === 'direct') {
      for (const batch of [...failed].reverse()) this.spool.prepend(batch);
      for (const batch of this.queue) this.spool.append(batch);
    } else {
      for (const batch of [...failed, ...this.queue].reverse()) this.spool.prepend(batch);
    }
    this.mode = 'spooling';
    this.queue = [];
    this.queuedPoints = 0;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        if (this.sleeping) clearTimeout(this.sleeping.timer);
        this.sleeping = null;
        resolve();
      };
      this.sleeping = { timer: setTimeout(wake, ms), wake };
    });
  }

  private async backoff(): Promise<void> {
    const ms = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryMaxMs, this.retryDelayMs * 2);
    await this.sleep(ms);
  }

  private window<T extends SpoolBlock>(items: readonly T[]): T[] {
    return inFlightWindow(items, this.maxInFlight);
  }

  /**
   * The one sender: sends the in-memory queue, then drains the spool, in order. The queue is always
   * older than anything spooled: batches are queued only in direct mode (spool empty), and from an
   * overflow on new batches go to the spool while the queue is still sent from memory.
   */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.stopped) {
        if (this.queue.length > 0) {
          const win = this.window(this.queue);
          this.queue.splice(0, win.length);
          for (const b of win) this.queuedPoints -= b.count;
          this.inflight = win;
          const outcomes = await Promise.all(win.map((b) => this.send(b)));
          this.inflight = [];
          const failedBatches = win.filter((_, k) => outcomes[k] === 'failed');
          if (failedBatches.length > 0) {
            // Failed batches are older than anything queued or spooled since: they go in front, oldest first.
            this.spillQueue(failedBatches);
            this.notify();
            await this.backoff();
            continue;
          }
          this.notify();
          continue;
        }
        if (this.mode === 'spooling') {
          if (!this.draining) {
            const seg = await this.spool.takeOldest();
            if (!seg) {
              if (this.spool.isEmpty() && this.spool.pendingWrites === 0) {
                this.mode = 'direct';
                this.logger.info('influx: spool drained, writing directly again');
                this.notify();
              }
              continue;
            }
            this.draining = { seg, done: new Set() };
          }
          const d = this.draining;
          let failed = false;
          while (!this.stopped) {
            const pending = d.seg.blocks
              .map((block, index) => ({ ...block, index }))
              .filter((b) => !d.done.has(b.index));
            if (pending.length === 0) break;
            const win = this.window(pending);
            const outcomes = await Promise.all(win.map((b) => this.send(b)));
            win.forEach((b, k) => {
              if (outcomes[k] !== 'failed') d.done.add(b.index);
            });
            this.notify();
            if (outcomes.includes('failed')) {
              failed = true;
              break;
            }
          }
          if (failed || this.stopped) {
            if (failed) await this.backoff();
            continue;
          }
          await this.spool.complete(d.seg.seq);
          this.draining = null;
          this.notify();
          continue;
        }
        break;
      }
    } finally {
      this.running = false;
      this.notify();
    }
  }

  private async send(block: SpoolBlock): Promise<SendOutcome> {
    if (!this.schemaReady) {
      try {
        await ensureInfluxSchema(this.client, this.target.database, this.schemaOptions);
        this.schemaReady = true;
      } catch (e) {
        this.fail(e);
        return 'failed';
      }
    }
    this.counts.requests++;
    try {
      await this.pool.discard({
        method: 'POST',
        path: '/write',
        query: { db: this.target.database, rp: block.rp, precision: 'u' },
        body: block.body,
        ...(this.target.username !== undefined
          ? { auth: `${this.target.username}:${this.target.password ?? ''}` }
          : {}),
      });
    } catch (e) {
      if (e instanceof RequestError && e.res.statusCode === 400) {
        // A "partial write": InfluxDB stored the valid points and refused the rest (older than the
        // retention policy, conflicting field type, unparsable). Re-sending cannot help. When the
        // answer says how many were dropped, the others count as delivered; otherwise all as rejected.
        const dropped = /dropped=(\d+)/.exec(e.message);
        const refused = dropped ? Math.min(block.count, Number(dropped[1])) : block.count;
        this.counts.rejected += refused;
        this.counts.delivered += block.count - refused;
        this.lastError = e.message;
        this.logger.error('influx: points refused by InfluxDB', { points: refused, error: e.message });
        return 'rejected';
      }
      this.fail(e);
      return 'failed';
    }
    this.counts.delivered += block.count;
    this.retryDelayMs = this.retryMinMs;
    return 'ok';
  }

  private fail(e: unknown): void {
    this.counts.failedRequests++;
    const message = e instanceof Error ? e.message : String(e);
    if (this.lastError !== message) this.logger.warn('influx: write failed, spooling', { error: message });
    this.lastError = message;
    // After any outage, re-check the schema: the server may have come back empty.
    this.schemaReady = false;
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.inflight.length === 0;
  }

  private delivered(): boolean {
    return this.idle() && this.mode === 'direct' && this.spool.isEmpty() && this.spool.pendingWrites === 0;
  }

  async flush(): Promise<void> {
    this.cutAll();
    while (!this.idle() && this.running) await this.changed();
    await this.spool.settled();
  }

  async drain(timeoutMs = 30_000): Promise<boolean> {
    this.cutAll();
    const deadline = performance.now() + timeoutMs;
    while (!this.delivered()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      if (!this.running) void this.run();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.changed(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.min(left, 250));
        }),
      ]);
      clearTimeout(timer);
    }
    return true;
  }

  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await this.drain(timeoutMs);
    this.stopped = true;
    this.sleeping?.wake();
    while (this.running) await this.changed();
    // Whatever could not be delivered stays on disk for the next start.
    if (this.queue.length > 0) this.spillQueue([]);
    await this.spool.settled();
    const left = this.spool.stats();
    if (left.points > 0)
      this.logger.warn('influx: closed with points left in the spool', { points: left.points });
  }

  stats(): InfluxSinkStats {
    return {
      mode: this.mode,
      ...this.counts,
      buffered: this.buffers.autogen.length + this.buffers.traces.length,
      queued: this.queuedPoints,
      inFlight: this.inflight.reduce((n, b) => n + b.count, 0),
      lastError: this.lastError,
      spool: this.spool.stats(),
    };
  }
}

/**
 * Opens the spool (adopting segments left by an earlier run) and starts the sink. The database,
 * retention policy and continuous queries are created lazily before the first write request, so a
 * sink can be created while InfluxDB is still down.
 */
export async function createInfluxSink(options: InfluxSinkOptions): Promise<InfluxSink> {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const spoolMaxBytes = options.spoolMaxBytes ?? 256 * 1024 * 1024;
  const spool = new Spool({
    dir: options.spoolDir,
    maxBytes: spoolMaxBytes,
    segmentBytes: options.spoolSegmentBytes ?? Math.min(8 * 1024 * 1024, Math.floor(spoolMaxBytes / 4)),
    logger: options.logger ?? silentLogger,
  });
  await spool.open();
  const sink = new Sink({ ...options, batchSize }, spool);
  sink.start();
  return sink;
}
