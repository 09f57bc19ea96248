import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HamstreamError, type RecordingEvent, type RecordingHeader } from '@hamstream/core';
import { RecordingFormatError, type RecordingIssue } from './errors.js';
import { LineSource, type RawLine } from './line-source.js';
import { checkHeaderObject, classifyEventObject, type EventContext } from './validate.js';

export const RECORDING_READ_ERROR_CODE = 'HAMSTREAM_ERR_RECORDING_READ';

/** A line longer than this is an error (and, leniently, skipped): no valid event comes near it. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface ReadOptions {
  /** Unknown event types are errors (the `validate --strict` command). Default: ignored and counted, as the spec says. */
  strict?: boolean;
  /** Count and skip bad lines instead of throwing (the header must still be valid). */
  lenient?: boolean;
  /** When given, a header device with another driver is an error. */
  knownDrivers?: ReadonlySet<string>;
}

export interface ReadStats {
  /** Lines read so far, header and bad lines included. */
  lines: number;
  /** Events returned. */
  events: number;
  /** Events of unknown types, skipped as the spec says (not in strict mode). */
  ignoredEvents: number;
  /** Extension: `ignoredEvents` by type. */
  ignoredByType: Record<string, number>;
  /** Bad lines skipped in lenient mode. */
  skippedLines: number;
  skippedByReason: Record<string, number>;
  /**
   * The file ends mid-write: a last line without `\n` that is not JSON, or a gzip stream that stops
   * early. Not an error; everything before it was returned. Details in `truncation`.
   */
  truncatedLastLine: boolean;
  /** Extension: where and how the file was cut off. */
  truncation?: { line: number; reason: string };
  /** The first bad line (lenient mode), or the error that was thrown. */
  firstError?: { line: number; message: string };
  /** Extension: whether the file is gzip (by magic bytes). */
  gzip: boolean;
  /** Extension: file bytes consumed so far (compressed bytes for gzip); includes read-ahead. */
  bytesRead: number;
}

export interface OpenRecording {
  path: string;
  header: RecordingHeader;
  /** Lazy: each step reads only as much of the file as it needs. Throws RecordingFormatError on a bad line (unless lenient). */
  events: AsyncIterableIterator<RecordingEvent>;
  /** Updated as events are read; final once `events` is done. */
  stats: ReadStats;
  /** Stops reading and releases the file; safe to call more than once, also after `events` finished. */
  close(): Promise<void>;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    // fs errors already start with their code ("ENOENT: no such file or directory, open …").
    return code && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

function jsonErrorText(e: unknown): string {
  // V8 appends "(line 1 column N)"; in a JSON Lines file that is noise next to our own line number.
  return (e instanceof Error ? e.message : String(e)).replace(/ \(line \d+ column \d+\)$/, '');
}

interface Source {
  lines: LineSource;
  file: Readable & { bytesRead: number };
  /** The stream lines come from: the file itself or the gunzip stream. */
  output: Readable;
  gzip: boolean;
}

async function openSource(path: string): Promise<Source> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new HamstreamError(RECORDING_READ_ERROR_CODE, `${path}: cannot open (${describeError(e)})`, {
      cause: e,
    });
  }
  let gzip: boolean;
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    gzip = bytesRead === 2 && magic[0] === GZIP_MAGIC_0 && magic[1] === GZIP_MAGIC_1;
  } catch (e) {
    await fh.close();
    throw new HamstreamError(RECORDING_READ_ERROR_CODE, `${path}: cannot read (${describeError(e)})`, {
      cause: e,
    });
  }
  const file = fh.createReadStream({ start: 0, highWaterMark: 64 * 1024 });
  let output: Readable = file;
  if (gzip) {
    // Errors surface through the gunzip stream's iterator; the callback only keeps them from being unhandled.
    output = pipeline(file, createGunzip({ chunkSize: 64 * 1024 }), () => {});
  }
  const lines = new LineSource(output[Symbol.asyncIterator]() as AsyncIterator<Buffer>, MAX_LINE_BYTES);
  return { lines, file, output, gzip };
}

function closeSource(src: Source): Promise<void> {
  src.output.destroy();
  src.file.destroy();
  if (src.file.closed) return Promise.resolve();
  return new Promise((resolve) => src.file.once('close', () => resolve()));
}

function isGzipTruncation(e: unknown): boolean {
  // zlib reports input that stops before the end of the deflate stream (or its trailer) this way.
  return e instanceof Error && (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
}

/**
 * Opens a recording (plain or gzip, told by its magic bytes) and validates its header. Events are
 * read lazily, line by line: a 1 GB recording is never held in memory.
 */
export async function openRecording(path: string, options: ReadOptions = {}): Promise<OpenRecording> {
  const src = await openSource(path);
  const stats: ReadStats = {
    lines: 0,
    events: 0,
    ignoredEvents: 0,
    ignoredByType: {},
    skippedLines: 0,
    skippedByReason: {},
    truncatedLastLine: false,
    gzip: src.gzip,
    bytesRead: 0,
  };
  let streamCut = false;
  let closed = false;
  let closing: Promise<void> | null = null;

  function fail(line: number, issue: RecordingIssue): never {
    stats.firstError ??= { line, message: issue.message };
    throw new RecordingFormatError(path, line, issue);
  }

  /** The next line, or undefined at the end; a truncated gzip stream ends the input quietly. */
  const nextLine = async (): Promise<RawLine | undefined> => {
    for (;;) {
      const raw = src.lines.tryNext();
      if (raw !== undefined) return raw;
      let more: boolean;
      try {
        more = await src.lines.fill();
      } catch (e) {
        stats.bytesRead = src.file.bytesRead;
        if (closed) return undefined; // close() during a read: the stream was destroyed on purpose
        if (src.gzip && isGzipTruncation(e)) {
          streamCut = true;
          src.lines.end();
          return src.lines.finish();
        }
        const code = src.gzip ? 'bad-gzip' : 'read-failed';
        return fail(stats.lines + 1, { code, message: `cannot read: ${describeError(e)}` });
      }
      stats.bytesRead = src.file.bytesRead;
      if (!more) return src.lines.finish();
    }
  };

  let header: RecordingHeader;
  try {
    const raw = await nextLine();
    if (raw === undefined) fail(1, { code: 'empty-file', message: 'empty file: missing header' });
    stats.lines = 1;
    if (raw.overlong) fail(1, { code: 'line-too-long', message: `line longer than ${MAX_LINE_BYTES} bytes` });
    let value: unknown;
    try {
      value = JSON.parse(raw.text.charCodeAt(0) === 0xfeff ? raw.text.slice(1) : raw.text);
    } catch (e) {
      if (!raw.terminated) {
        fail(1, {
          code: 'missing-header',
          message: 'missing header: the file ends inside line 1 (truncated)',
        });
      }
      fail(1, { code: 'not-json', message: `not JSON: ${jsonErrorText(e)}` });
    }
    const checked = checkHeaderObject(
      value,
      options.knownDrivers ? { knownDrivers: options.knownDrivers } : {},
    );
    if (checked.kind === 'invalid') fail(1, checked.issue);
    header = checked.header;
  } catch (e) {
    await closeSource(src);
    throw e;
  }

  const ctx: EventContext = {
    knownDevices: new Set(header.devices.map((d) => d.id)),
    strict: options.strict === true,
  };
  const lenient = options.lenient === true;
  let lastT = Number.NEGATIVE_INFINITY;

  /** Lenient: count and skip; otherwise throw. */
  const bad = (line: number, issue: RecordingIssue): null => {
    if (!lenient) return fail(line, issue);
    stats.firstError ??= { line, message: issue.message };
    stats.skippedLines++;
    stats.skippedByReason[issue.code] = (stats.skippedByReason[issue.code] ?? 0) + 1;
    return null;
  };

  const processLine = (raw: RawLine, line: number): RecordingEvent | null => {
    if (raw.overlong)
      return bad(line, { code: 'line-too-long', message: `line longer than ${MAX_LINE_BYTES} bytes` });
    let value: unknown;
    try {
      value = JSON.parse(raw.text);
    } catch (e) {
      if (!raw.terminated) {
        // A crash mid-write leaves exactly this: keep everything before it, report, carry on.
        stats.truncatedLastLine = true;
        stats.truncation = { line, reason: 'the last line is cut off (no newline, not valid JSON)' };
        return null;
      }
      if (raw.text.trim() === '') return bad(line, { code: 'empty-line', message: 'empty line' });
      return bad(line, { code: 'not-json', message: `not JSON: ${jsonErrorText(e)}` });
    }
    const c = classifyEventObject(value, ctx);
    if (c.kind === 'unknown-type') {
      stats.ignoredEvents++;
      stats.ignoredByType[c.type] = (stats.ignoredByType[c.type] ?? 0) + 1;
      return null;
    }
    if (c.kind === 'invalid') return bad(line, c.issue);
    const t = c.event.t;
    if (t < lastT) {
      return bad(line, { code: 't-backwards', message: `"t" goes backwards: ${t} after ${lastT}` });
    }
    lastT = t;
    return c.event;
  };

  const close = (): Promise<void> => {
    closed = true;
    closing ??= closeSource(src);
    return closing;
  };

  async function* readEvents(): AsyncGenerator<RecordingEvent, void, undefined> {
    try {
      while (!closed) {
        // Sync fast path: most lines are already in the current chunk, no promise needed.
        const raw = src.lines.tryNext() ?? (await nextLine());
        if (raw === undefined) break;
        const line = ++stats.lines;
        const event = processLine(raw, line);
        if (event !== null) {
          stats.events++;
          yield event;
        }
      }
      if (streamCut && !stats.truncatedLastLine) {
        stats.truncatedLastLine = true;
        stats.truncation = {
          line: stats.lines + 1,
          reason: 'the gzip stream ends early (cut off mid-write)',
        };
      } else if (streamCut && stats.truncation) {
        stats.truncation.reason += '; the gzip stream ends early';
      }
    } finally {
      await close();
    }
  }

  return { path, header, events: readEvents(), stats, close };
}

/** Reads a whole recording into memory: for small files and tests. */
export async function readRecording(
  path: string,
  options: ReadOptions = {},
): Promise<{ header: RecordingHeader; events: RecordingEvent[]; stats: ReadStats }> {
  const rec = await openRecording(path, options);
  const events: RecordingEvent[] = [];
  try {
    for await (const e of rec.events) events.push(e);
  } finally {
    await rec.close();
  }
  return { header: rec.header, events, stats: rec.stats };
}
