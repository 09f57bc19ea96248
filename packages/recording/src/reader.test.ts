import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HamstreamError } from '@hamstream/core';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingFormatError } from './errors.js';
import { openRecording, readRecording } from './reader.js';
import { summarizeRecording } from './summary.js';

const dir = mkdtempSync(join(tmpdir(), 'hamstream-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
/** Writes a file from lines (objects are JSON-encoded, strings taken as they are). */
function file(lines: readonly unknown[], opts: { end?: string; gzip?: boolean; name?: string } = {}): string {
  const text =
    lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + (opts.end ?? '\n');
  const path = join(dir, opts.name ?? `f${fileNo++}.rec.jsonl${opts.gzip ? '.gz' : ''}`);
  writeFileSync(path, opts.gzip ? gzipSync(text) : text);
  return path;
}

const HEADER = {
  type: 'header',
  format: 'hamstream.recording',
  version: 1,
  startedAt: '2026-11-20T10:00:00.000Z',
  devices: [
    { id: 'L-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'left', config: { rateHz: 100 } },
    { id: 'pod', driver: 'ble-rsc', placement: 'foot', side: 'right', config: { cadenceUnit: 'strides' } },
  ],
};
const packet = (t: number, data = '55610000') => ({
  type: 'packet',
  t,
  device: 'L-shank',
  characteristic: 'ffe4',
  data,
});

async function readError(path: string, options = {}): Promise<RecordingFormatError> {
  try {
    await readRecording(path, options);
  } catch (e) {
    if (e instanceof RecordingFormatError) return e;
    throw e;
  }
  throw new Error('expected a RecordingFormatError');
}

describe('readRecording', () => {
  it('reads header and typed events', async () => {
    const path = file([
      HEADER,
      { type: 'connect', t: 0, device: 'L-shank' },
      { type: 'mark', t: 1, activity: 'prone-hamstring-curl', side: 'left' },
      packet(2.5),
      { type: 'sample', t: 3, device: 'pod', cadenceSpm: 170 },
    ]);
    const r = await readRecording(path);
    expect(r.header.devices.map((d) => d.id)).toEqual(['L-shank', 'pod']);
    expect(r.events.map((e) => e.type)).toEqual(['connect', 'mark', 'packet', 'sample']);
    expect(r.events[2]).toEqual(packet(2.5));
    expect(r.stats).toMatchObject({
      lines: 5,
      events: 4,
      ignoredEvents: 0,
      skippedLines: 0,
      truncatedLastLine: false,
      gzip: false,
    });
    expect(r.stats.firstError).toBeUndefined();
  });

  it('ignores unknown event types and fields, counting the types', async () => {
    const path = file([
      HEADER,
      { type: 'battery', t: 0, device: 'L-shank', percent: 80 },
      { ...packet(1), rssi: -70 },
      { type: 'battery', t: 2, device: 'L-shank', percent: 79 },
      { type: 'annotation', text: 'no t at all' },
    ]);
    const r = await readRecording(path);
    expect(r.events).toEqual([{ ...packet(1), rssi: -70 }]);
    expect(r.stats.ignoredEvents).toBe(3);
    expect(r.stats.ignoredByType).toEqual({ battery: 2, annotation: 1 });
  });

  it('detects gzip by its magic bytes, not by the name', async () => {
    const lines = [HEADER, packet(0), packet(1)];
    const gzNamedPlain = file(lines, { gzip: true, name: 'looks-plain.rec.jsonl' });
    const plainNamedGz = file(lines, { name: 'looks-gz.rec.jsonl.gz' });
    const a = await readRecording(gzNamedPlain);
    const b = await readRecording(plainNamedGz);
    expect(a.stats.gzip).toBe(true);
    expect(b.stats.gzip).toBe(false);
    expect(a.events).toEqual(b.events);
    expect(a.events).toHaveLength(2);
  });

  it('accepts a last line without newline when it is complete', async () => {
    const r = await readRecording(file([HEADER, packet(0), packet(1)], { end: '' }));
    expect(r.events).toHaveLength(2);
    expect(r.stats.truncatedLastLine).toBe(false);
  });

  it('accepts CRLF line ends and a UTF-8 BOM', async () => {
    const text = `\ufeff${JSON.stringify(HEADER)}\r\n${JSON.stringify(packet(0))}\r\n`;
    const path = join(dir, 'crlf.rec.jsonl');
    writeFileSync(path, text);
    expect((await readRecording(path)).events).toEqual([packet(0)]);
  });

  it('reads lines split across many chunks and long lines', async () => {
    const big = 'ab'.repeat(100_000); // 200 kB of hex: spans several 64 KiB chunks
    const lines: unknown[] = [HEADER];
    for (let i = 0; i < 2000; i++) lines.push(packet(i, i % 500 === 0 ? big : '0102'));
    const r = await readRecording(file(lines));
    expect(r.events).toHaveLength(2000);
    expect(r.events.filter((e) => e.type === 'packet' && e.data === big)).toHaveLength(4);
  });
});

describe('validation errors name the file and the line', () => {
  const cases: [string, unknown[], number, string, RegExp][] = [
    ['not JSON', [HEADER, packet(0), '{"type":"packet",', packet(2)], 3, 'not-json', /not JSON/],
    ['not an object', [HEADER, '[1,2,3]'], 2, 'not-object', /expected a JSON object/],
    ['an empty line', [HEADER, packet(0), '', packet(1)], 3, 'empty-line', /empty line/],
    ['no type', [HEADER, { t: 1 }], 2, 'missing-type', /missing "type"/],
    ['a second header', [HEADER, packet(0), HEADER], 3, 'unexpected-header', /second header/],
    ['t not a number', [HEADER, { ...packet(0), t: '5' }], 2, 'bad-t', /"t" must be a finite number/],
    [
      't going backwards',
      [HEADER, packet(0), packet(5), packet(4.5)],
      4,
      't-backwards',
      /"t" goes backwards: 4.5 after 5/,
    ],
    [
      'an undeclared device',
      [HEADER, packet(0), { ...packet(1), device: 'R-shank' }],
      3,
      'unknown-device',
      /"R-shank"/,
    ],
    [
      'a dashed UUID',
      [HEADER, { ...packet(0), characteristic: '00002a53-0000-1000-8000-00805f9b34fb' }],
      2,
      'bad-characteristic',
      /noble UUID/,
    ],
    [
      'bad hex',
      [HEADER, packet(0), packet(1), packet(2, '5561zz')],
      4,
      'bad-hex',
      /bad hex in "data": not hex: "5561zz"/,
    ],
    ['odd hex', [HEADER, packet(0, '556')], 2, 'bad-hex', /odd number of hex digits/],
    ['a bad mark', [HEADER, { type: 'mark', t: 0, activity: 5 }], 2, 'bad-field', /"activity"/],
    [
      'a bad mark side',
      [HEADER, { type: 'mark', t: 0, activity: null, side: 'middle' }],
      2,
      'bad-field',
      /"side"/,
    ],
    [
      'a bad sample vector',
      [HEADER, { type: 'sample', t: 0, device: 'pod', acc: [1, 2, null] }],
      2,
      'bad-field',
      /"acc"/,
    ],
    ['no header', [packet(0), packet(1)], 1, 'missing-header', /missing header: line 1 is a "packet" event/],
    ['a header that is not JSON', ['{"type":"header"', packet(0)], 1, 'not-json', /not JSON/],
    ['a bad header', [{ ...HEADER, startedAt: 'yesterday' }], 1, 'bad-header', /"startedAt"/],
    ['an unsupported version', [{ ...HEADER, version: 2 }], 1, 'bad-header', /unsupported version 2/],
  ];

  it.each(cases)('%s', async (_name, lines, line, code, message) => {
    const path = file(lines);
    const e = await readError(path);
    expect(e).toBeInstanceOf(HamstreamError);
    expect(e.code).toBe('HAMSTREAM_ERR_RECORDING_FORMAT');
    expect(e.file).toBe(path);
    expect(e.line).toBe(line);
    expect(e.reasonCode).toBe(code);
    expect(e.reason).toMatch(message);
    expect(e.message).toBe(`${path}:${line}: ${e.reason}`);
  });

  it('an unknown event type, in strict mode only', async () => {
    const path = file([HEADER, packet(0), { type: 'battery', t: 1, device: 'pod' }]);
    expect((await readRecording(path)).stats.ignoredEvents).toBe(1);
    const e = await readError(path, { strict: true });
    expect(e.message).toBe(`${path}:3: unknown event type "battery"`);
  });

  it('an unknown driver, when the drivers are known', async () => {
    const path = file([HEADER, packet(0)]);
    const knownDrivers = new Set(['witmotion-wt901', 'polar-pmd']);
    const e = await readError(path, { knownDrivers });
    expect(e.line).toBe(1);
    expect(e.reasonCode).toBe('unknown-driver');
    expect(e.message).toBe(
      `${path}:1: device "pod": unknown driver "ble-rsc" (known: polar-pmd, witmotion-wt901)`,
    );
    expect(
      (await readRecording(path, { knownDrivers: new Set(['witmotion-wt901', 'ble-rsc']) })).events,
    ).toHaveLength(1);
  });

  it('an empty file', async () => {
    const path = join(dir, 'empty.rec.jsonl');
    writeFileSync(path, '');
    const e = await readError(path);
    expect(e.message).toBe(`${path}:1: empty file: missing header`);
  });

  it('a header cut off mid-write is fatal (nothing to read without it)', async () => {
    const path = file([JSON.stringify(HEADER).slice(0, 40)], { end: '' });
    const e = await readError(path);
    expect(e.message).toBe(`${path}:1: missing header: the file ends inside line 1 (truncated)`);
  });

  it('in gzip files too', async () => {
    const path = file([HEADER, packet(0), packet(2), packet(1)], { gzip: true });
    const e = await readError(path);
    expect(e.message).toBe(`${path}:4: "t" goes backwards: 1 after 2`);
  });

  it('a missing file is a HamstreamError naming the file', async () => {
    const path = join(dir, 'missing.rec.jsonl');
    await expect(readRecording(path)).rejects.toThrow(
      `${path}: cannot open (ENOENT: no such file or directory, open '${path}')`,
    );
  });

  it('corrupt gzip data', async () => {
    const gz = gzipSync(`${JSON.stringify(HEADER)}\n${JSON.stringify(packet(0))}\n`);
    gz[gz.length - 6] = gz[gz.length - 6]! ^ 0xff; // breaks the CRC in the trailer
    const path = join(dir, 'corrupt.rec.jsonl.gz');
    writeFileSync(path, gz);
    const e = await readError(path);
    expect(e.reasonCode).toBe('bad-gzip');
    expect(e.message).toMatch(new RegExp(`^${path}:\\d+: cannot read: Z_DATA_ERROR`));
  });

  it('records the thrown error in stats.firstError', async () => {
    const rec = await openRecording(file([HEADER, packet(0), 'nope']));
    await expect(async () => {
      for await (const _ of rec.events) {
        // drain
      }
    }).rejects.toThrow(RecordingFormatError);
    expect(rec.stats.firstError).toEqual({ line: 3, message: expect.stringMatching(/^not JSON/) });
  });
});

describe('lenient mode', () => {
  it('counts and skips bad lines, keeping the good ones', async () => {
    const path = file([
      HEADER,
      packet(0),
      'garbage',
      packet(2),
      packet(1), // backwards
      packet(3, 'XYZ'),
      '',
      { ...packet(4), device: 'ghost' },
      { type: 'battery', t: 5 }, // unknown: ignored, not skipped
      packet(6),
    ]);
    const r = await readRecording(path, { lenient: true });
    expect(r.events.map((e) => e.t)).toEqual([0, 2, 6]);
    expect(r.stats).toMatchObject({
      lines: 10,
      events: 3,
      ignoredEvents: 1,
      skippedLines: 5,
      skippedByReason: {
        'not-json': 1,
        't-backwards': 1,
        'bad-hex': 1,
        'empty-line': 1,
        'unknown-device': 1,
      },
      firstError: { line: 3, message: expect.stringMatching(/^not JSON/) },
    });
  });

  it('counts unknown types as skipped when strict', async () => {
    const r = await readRecording(file([HEADER, { type: 'battery', t: 5 }, packet(6)]), {
      lenient: true,
      strict: true,
    });
    expect(r.stats.skippedByReason).toEqual({ 'unknown-type': 1 });
    expect(r.stats.ignoredEvents).toBe(0);
    expect(r.events).toHaveLength(1);
  });

  it('still needs a valid header', async () => {
    const e = await readError(file([packet(0)]), { lenient: true });
    expect(e.reasonCode).toBe('missing-header');
  });
});

describe('truncated files', () => {
  const lines = [HEADER, packet(0), packet(1), packet(2)];
  const full = `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;

  it('a plain file cut mid-line: everything before it, truncation reported', async () => {
    const cut = full.slice(0, full.length - 20);
    const path = join(dir, 'cut.rec.jsonl');
    writeFileSync(path, cut);
    const r = await readRecording(path);
    expect(r.events).toEqual([packet(0), packet(1)]);
    expect(r.stats.truncatedLastLine).toBe(true);
    expect(r.stats.truncation).toEqual({ line: 4, reason: expect.stringMatching(/cut off/) });
    expect(r.stats.skippedLines).toBe(0);
    expect(r.stats.firstError).toBeUndefined();
  });

  it('a bad line that does end with a newline is still an error', async () => {
    const path = join(dir, 'cut-nl.rec.jsonl');
    writeFileSync(path, `${full.slice(0, full.length - 20)}\n`);
    expect((await readError(path)).line).toBe(4);
  });

  it('a gzip stream cut at every point up to its end', async () => {
    // One gzip stream of the whole file, cut at many places: the reader returns a prefix of the
    // events, never an error, and reports the truncation.
    const gz = gzipSync(full);
    const seen = new Set<number>();
    for (let cutAt = 12; cutAt < gz.length; cutAt += 3) {
      const path = join(dir, `cut-${cutAt}.rec.jsonl.gz`);
      writeFileSync(path, gz.subarray(0, cutAt));
      let r: Awaited<ReturnType<typeof readRecording>>;
      try {
        r = await readRecording(path);
      } catch (e) {
        // Cut inside the header: no recording at all, which must be said as such.
        expect(e).toBeInstanceOf(RecordingFormatError);
        expect((e as RecordingFormatError).line).toBe(1);
        continue;
      }
      expect(r.stats.gzip).toBe(true);
      expect(r.stats.truncatedLastLine).toBe(true);
      expect(r.events).toEqual(lines.slice(1, 1 + r.events.length));
      seen.add(r.events.length);
    }
    // some cuts were late enough to keep events (how many depends on deflate's block layout)
    expect(Math.max(...seen)).toBeGreaterThan(0);
  });

  it('a gzip stream cut mid-line after sync flushes keeps all flushed lines', async () => {
    const { createGzip, constants } = await import('node:zlib');
    const gz = createGzip();
    const out: Buffer[] = [];
    gz.on('data', (c: Buffer) => out.push(c));
    const flushed = (text: string) =>
      new Promise<number>((resolve) => {
        gz.write(text);
        gz.flush(constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(out).length));
      });
    const firstPart = `${lines
      .slice(0, 3)
      .map((l) => JSON.stringify(l))
      .join('\n')}\n`;
    const atFirstFlush = await flushed(firstPart);
    const atSecondFlush = await flushed(`${JSON.stringify(packet(3))}\n`);
    gz.destroy();
    const bytes = Buffer.concat(out);
    // exactly at the sync point: all lines complete, stream ends early
    let path = join(dir, 'sync-1.rec.jsonl.gz');
    writeFileSync(path, bytes.subarray(0, atFirstFlush));
    let r = await readRecording(path);
    expect(r.events).toEqual([packet(0), packet(1)]);
    expect(r.stats.truncation?.reason).toMatch(/gzip stream ends early/);
    // one byte short of the second sync point: the last line is cut
    path = join(dir, 'sync-2.rec.jsonl.gz');
    writeFileSync(path, bytes.subarray(0, atSecondFlush - 1));
    r = await readRecording(path);
    expect(r.events.slice(0, 2)).toEqual([packet(0), packet(1)]);
    expect(r.stats.truncatedLastLine).toBe(true);
  });
});

describe('streaming', () => {
  const N = 200_000;
  const bigPath = join(dir, 'big.rec.jsonl');
  function writeBig(): number {
    const parts = [JSON.stringify(HEADER)];
    for (let i = 0; i < N; i++) {
      parts.push(
        `{"type":"packet","t":${i * 10},"device":"L-shank","characteristic":"ffe4","data":"5561${(i & 0xffff).toString(16).padStart(4, '0')}0000000000000000000000000000"}`,
      );
    }
    const text = `${parts.join('\n')}\n`;
    writeFileSync(bigPath, text);
    return text.length;
  }

  it('reads lazily: the first events cost a chunk, not the file', async () => {
    const size = writeBig();
    expect(size).toBeGreaterThan(20_000_000);
    const rec = await openRecording(bigPath);
    let n = 0;
    for await (const e of rec.events) {
      expect(e.t).toBe(n * 10);
      if (++n === 100) break;
    }
    expect(rec.stats.bytesRead).toBeLessThan(1_000_000);
    expect(rec.stats.lines).toBe(101);
    await rec.close();
  });

  it('streams the whole 20 MB file through the iterator', async () => {
    const rec = await openRecording(bigPath);
    let n = 0;
    let lastT = -1;
    for await (const e of rec.events) {
      n++;
      lastT = e.t;
    }
    expect(n).toBe(N);
    expect(lastT).toBe((N - 1) * 10);
    expect(rec.stats.events).toBe(N);
    expect(rec.stats.bytesRead).toBeGreaterThan(20_000_000);
  });

  it('close() stops an unfinished read and can be called again', async () => {
    const rec = await openRecording(bigPath);
    const first = await rec.events.next();
    expect(first.done).toBe(false);
    await rec.close();
    await rec.close();
    expect((await rec.events.next()).done).toBe(true);
  });
});

describe('summarizeRecording', () => {
  it('counts events per device and type, lists marks and duration', async () => {
    const path = file([
      HEADER,
      { type: 'connect', t: 0, device: 'L-shank' },
      { type: 'mark', t: 1000, activity: 'prone-hamstring-curl', side: 'left' },
      packet(1500),
      packet(1510),
      { type: 'sample', t: 2000, device: 'pod', cadenceSpm: 170 },
      { type: 'mark', t: 3000, activity: null },
      { type: 'disconnect', t: 4250, device: 'L-shank' },
    ]);
    const s = await summarizeRecording(path);
    expect(s).toMatchObject({
      ok: true,
      startedAt: '2026-11-20T10:00:00.000Z',
      durationS: 4.25,
      devices: [
        { id: 'L-shank', driver: 'witmotion-wt901', eventsByType: { connect: 1, packet: 2, disconnect: 1 } },
        { id: 'pod', driver: 'ble-rsc', eventsByType: { sample: 1 } },
      ],
      marks: [
        { tS: 1, activity: 'prone-hamstring-curl', side: 'left' },
        { tS: 3, activity: null },
      ],
    });
  });

  it('returns the first error with what was read before it', async () => {
    const path = file([HEADER, packet(0), packet(10), 'x']);
    const s = await summarizeRecording(path);
    expect(s.ok).toBe(false);
    expect(s.error).toMatchObject({ line: 4, reasonCode: 'not-json' });
    expect(s.error?.message.startsWith(`${path}:4: not JSON: `)).toBe(true);
    expect(s.devices[0]!.eventsByType).toEqual({ packet: 2 });
  });
});
