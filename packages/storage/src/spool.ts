import { appendFile, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StorageLogger } from './logger.js';
import type { RetentionName } from './schema.js';

/**
 * A bounded, append-only disk spool of line-protocol batches, used while InfluxDB is down or slow.
 *
 * - Segment files `<16-digit seq>.lp` are read oldest first; a batch is a block
 *   `#rp=<policy> n=<lines>\n<line>\n…` (the `#` header is a line-protocol comment, so a segment can
 *   also be fed to `influx -import` by hand after stripping nothing).
 * - Bookkeeping (which segment, how many bytes/points) is synchronous so the sink can decide
 *   "is anything spooled?" without awaiting; the file I/O runs on one promise chain, in order.
 * - Bounded: when an append would exceed `maxBytes`, the oldest segments (except the one being
 *   drained) are deleted and their points counted as dropped — reported, never silent.
 * - Surviving a crash: on `open()` existing segments are picked up and drained like any other.
 */
export interface SpoolBlock {
  rp: RetentionName;
  /** Points (lines) in `body`. */
  count: number;
  /**
   * The lines joined by `\n`, no trailing newline: exactly the request body. Kept as one string from
   * the moment a batch is cut, so spooling, draining and sending never split and re-join lines.
   */
  body: string;
}

/** A block from separate lines (tests, tools). */
export function blockFromLines(rp: RetentionName, lines: readonly string[]): SpoolBlock {
  return { rp, count: lines.length, body: lines.join('\n') };
}

/** The lines of a block (tests, tools; the sink never needs them split). */
export function blockLines(block: SpoolBlock): string[] {
  return block.body === '' ? [] : block.body.split('\n');
}

export interface SpoolSegment {
  seq: number;
  blocks: SpoolBlock[];
  points: number;
}

export interface SpoolStats {
  segments: number;
  bytes: number;
  points: number;
  /** Points deleted to respect maxBytes (oldest first), since this spool was opened. */
  droppedPoints: number;
  droppedSegments: number;
  /** File-system failures while writing (points in those blocks are lost and also counted as dropped). */
  writeErrors: number;
  /** Points that went into the spool since it was opened (how much took the disk detour). */
  spooledPoints: number;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  segmentBytes: number;
  logger: StorageLogger;
}

interface SegmentInfo {
  seq: number;
  bytes: number;
  points: number;
  locked: boolean;
  dropped: boolean;
}

const SEGMENT_RE = /^(\d{16})\.lp$/;
/** Sequence numbers start high so batches can be put in front of the oldest (prepend) without renaming. */
const FIRST_SEQ = 1_000_000_000;

function encodeBlock(block: SpoolBlock): string {
  return `#rp=${block.rp} n=${block.count}\n${block.body}\n`;
}

const BLOCK_HEADER = '#rp=';

/**
 * Parses a segment's text; a torn last line (crash mid-write) is dropped. Blocks are sliced out of
 * the text, not split into lines: a header line starts with `#`, which no line-protocol line can
 * (newlines inside values are written as spaces), so `\n#rp=` marks the next block. The count is
 * the lines actually present, not the header's `n=`, so a torn block counts what survived.
 */
export function decodeSegment(text: string): SpoolBlock[] {
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  const blocks: SpoolBlock[] = [];
  // Anything before the first header belongs to no block (as before: ignored).
  let at = complete.startsWith(BLOCK_HEADER) ? 0 : complete.indexOf(`\n${BLOCK_HEADER}`);
  if (at < 0) return blocks;
  if (at > 0) at++;
  while (at < complete.length) {
    const headerEnd = complete.indexOf('\n', at);
    if (headerEnd < 0) break;
    const rp: RetentionName =
      complete.slice(at + BLOCK_HEADER.length, headerEnd).split(' ')[0] === 'traces' ? 'traces' : 'autogen';
    const next = complete.indexOf(`\n${BLOCK_HEADER}`, headerEnd);
    const end = next < 0 ? complete.length : next + 1;
    // The block's lines, each ending in a newline: from after the header to the next header.
    const lines = complete.slice(headerEnd + 1, end);
    let count = 0;
    let blank = false;
    for (let from = 0; from < lines.length; ) {
      const nl = lines.indexOf('\n', from);
      const stop = nl < 0 ? lines.length : nl;
      if (stop > from) count++;
      else blank = true;
      from = stop + 1;
    }
    if (blank) {
      // Blank lines (hand-edited file): drop them so the body stays one point per line.
      const kept = lines.split('\n').filter((l) => l.length > 0);
      if (kept.length > 0) blocks.push({ rp, count: kept.length, body: kept.join('\n') });
    } else if (count > 0) {
      blocks.push({ rp, count, body: lines.slice(0, lines.length - 1) });
    }
    at = end;
  }
  return blocks;
}

export class Spool {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly logger: StorageLogger;
  private segments: SegmentInfo[] = [];
  /** Segment currently appended to; null → the next append opens a new one. */
  private active: SegmentInfo | null = null;
  private nextSeq = FIRST_SEQ;
  private headSeq = FIRST_SEQ - 1;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private totals = {
    bytes: 0,
    points: 0,
    droppedPoints: 0,
    droppedSegments: 0,
    writeErrors: 0,
    spooledPoints: 0,
  };

  constructor(options: SpoolOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.segmentBytes = Math.max(1, Math.min(options.segmentBytes, options.maxBytes));
    this.logger = options.logger;
  }

  /** Creates the directory and adopts segments left by an earlier run (oldest first). */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const names = (await readdir(this.dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    for (const name of names) {
      const seq = Number(SEGMENT_RE.exec(name)?.[1]);
      const file = path.join(this.dir, name);
      const [info, text] = await Promise.all([stat(file), readFile(file, 'utf8')]);
      const points = decodeSegment(text).reduce((n, b) => n + b.count, 0);
      this.segments.push({ seq, bytes: info.size, points, locked: false, dropped: false });
      this.totals.bytes += info.size;
      this.totals.points += points;
    }
    if (this.segments.length > 0) {
      this.nextSeq = Math.max(...this.segments.map((s) => s.seq)) + 1;
      this.headSeq = Math.min(...this.segments.map((s) => s.seq)) - 1;
      this.logger.info('spool: resuming segments from an earlier run', {
        segments: this.segments.length,
        points: this.totals.points,
      });
    }
  }

  isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /** File writes queued but not yet done. */
  get pendingWrites(): number {
    return this.pending;
  }

  stats(): SpoolStats {
    return {
      segments: this.segments.length,
      bytes: this.totals.bytes,
      points: this.totals.points,
      droppedPoints: this.totals.droppedPoints,
      droppedSegments: this.totals.droppedSegments,
      writeErrors: this.totals.writeErrors,
      spooledPoints: this.totals.spooledPoints,
    };
  }

  /** Resolves when every write queued so far has reached the file system. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Adds a batch after everything spooled so far. Returns false if it had to be dropped. */
  append(block: SpoolBlock): boolean {
    return this.add(block, 'back');
  }

  /** Adds a batch before everything spooled so far (a batch that was in flight when InfluxDB failed). */
  prepend(block: SpoolBlock): boolean {
    return this.add(block, 'front');
  }

  private add(block: SpoolBlock, where: 'front' | 'back'): boolean {
    const text = encodeBlock(block);
    const bytes = Buffer.byteLength(text);
    const points = block.count;
    this.makeRoom(bytes);
    if (this.totals.bytes + bytes > this.maxBytes) {
      // Larger than what can be freed (or than the whole spool): this batch is the one dropped.
      this.totals.droppedPoints += points;
      this.logger.warn('spool: full, batch dropped', { points, bytes, maxBytes: this.maxBytes });
      return false;
    }
    let target: SegmentInfo;
    let create = false;
    if (where === 'front') {
      target = { seq: this.headSeq--, bytes: 0, points: 0, locked: false, dropped: false };
      this.segments.unshift(target);
      create = true;
    } else if (this.active && !this.active.dropped && this.active.bytes + bytes <= this.segmentBytes) {
      target = this.active;
    } else {
      target = { seq: this.nextSeq++, bytes: 0, points: 0, locked: false, dropped: false };
      this.segments.push(target);
      this.active = target;
      create = true;
    }
    target.bytes += bytes;
    target.points += points;
    this.totals.bytes += bytes;
    this.totals.points += points;
    this.totals.spooledPoints += points;
    const file = this.file(target.seq);
    this.enqueue(async () => {
      if (target.dropped) return;
      try {
        if (create) await writeFile(file, text);
        else await appendFile(file, text);
      } catch (e) {
        this.totals.writeErrors++;
        this.totals.droppedPoints += points;
        this.logger.error('spool: write failed, batch lost', { file, points, error: String(e) });
      }
    });
    return true;
  }

  private makeRoom(bytes: number): void {
    while (this.totals.bytes + bytes > this.maxBytes) {
      const victim = this.segments.find((s) => !s.locked);
      if (!victim) return;
      this.remove(victim);
      victim.dropped = true;
      this.totals.droppedPoints += victim.points;
      this.totals.droppedSegments++;
      this.logger.warn('spool: full, oldest segment dropped', { seq: victim.seq, points: victim.points });
      const file = this.file(victim.seq);
      this.enqueue(() => unlink(file).catch(() => {}));
    }
  }

  /**
   * Reads and locks the oldest segment (sealing it if it is still being appended to), after all
   * queued writes have landed. Null when nothing is spooled.
   */
  async takeOldest(): Promise<SpoolSegment | null> {
    const oldest = this.segments[0];
    if (!oldest) {
      await this.chain;
      return null;
    }
    // Seal first, then wait: once sealed no new write can target this segment, so the chain as it
    // is now holds every write the file will ever get (waiting first would race with new appends).
    if (oldest === this.active) this.active = null;
    oldest.locked = true;
    await this.chain;
    const text = await readFile(this.file(oldest.seq), 'utf8').catch(() => '');
    return { seq: oldest.seq, blocks: decodeSegment(text), points: oldest.points };
  }

  /** The segment was delivered: delete it. */
  async complete(seq: number): Promise<void> {
    const seg = this.segments.find((s) => s.seq === seq);
    if (!seg) return;
    this.remove(seg);
    const file = this.file(seq);
    this.enqueue(() => unlink(file).catch(() => {}));
    await this.chain;
  }

  private remove(seg: SegmentInfo): void {
    this.segments = this.segments.filter((s) => s !== seg);
    if (this.active === seg) this.active = null;
    this.totals.bytes -= seg.bytes;
    this.totals.points -= seg.points;
  }

  private enqueue(task: () => Promise<void>): void {
    this.pending++;
    this.chain = this.chain.then(task).finally(() => {
      this.pending--;
    });
  }

  private file(seq: number): string {
    return path.join(this.dir, `${String(seq).padStart(16, '0')}.lp`);
  }
}
