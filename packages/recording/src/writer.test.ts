import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { readRecording } from './reader.js';
import { serializeRecordingLine } from './serialize.js';
import { createRecordingWriter } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'hamstream-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

const header: RecordingHeader = {
  type: 'header',
  format: 'hamstream.recording',
  version: 1,
  startedAt: '2026-11-20T10:00:00.000Z',
  subject: 'athlete-07',
  activity: 'run',
  devices: [
    { id: 'L-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'left', config: { rateHz: 100 } },
    {
      id: 'h10',
      driver: 'polar-pmd',
      placement: 'chest',
      side: 'center',
      config: { model: 'h10', measurements: ['acc'] },
    },
    { id: 'pod', driver: 'ble-rsc', placement: 'foot', side: 'right', config: { cadenceUnit: 'strides' } },
  ],
};

/** A varied, deterministic event list touching every event type and optional field. */
function sessionEvents(n: number): RecordingEvent[] {
  const events: RecordingEvent[] = [
    { type: 'connect', t: 0, device: 'L-shank' },
    { type: 'connect', t: 0.25, device: 'h10' },
    { type: 'mark', t: 1, activity: 'run', side: 'center' },
  ];
  for (let i = 0; i < n; i++) {
    const t = 2 + i * 1.5;
    const data = (i * 2654435761).toString(16).padStart(8, '0').slice(-8);
    if (i % 3 === 0)
      events.push({ type: 'packet', t, device: 'L-shank', characteristic: 'ffe4', data: `5561${data}` });
    else if (i % 3 === 1)
      events.push({
        type: 'packet',
        t,
        device: 'h10',
        characteristic: 'fb005c8202e7f3871cad8acd2d8df0c8',
        data: `02${data}`,
      });
    else
      events.push({
        type: 'sample',
        t,
        device: 'pod',
        cadenceSpm: 160 + (i % 20) / 4,
        acc: [0.1 * i, -9.81, 0],
      });
  }
  const end = 2 + n * 1.5;
  events.push({ type: 'mark', t: end, activity: null });
  events.push({ type: 'disconnect', t: end + 0.125, device: 'L-shank', reason: 'user stop' });
  return events;
}

const expectedText = (events: readonly RecordingEvent[]) =>
  `${[header, ...events].map((l) => serializeRecordingLine(l)).join('\n')}\n`;

describe('round trip', () => {
  it.each([
    ['plain', 'session.rec.jsonl'],
    ['gzip', 'session.rec.jsonl.gz'],
  ])('%s: written, read back, re-serialised byte for byte', async (_kind, name) => {
    const path = join(dir, name);
    const events = sessionEvents(3000);
    const w = await createRecordingWriter(path, header);
    for (const e of events) w.write(e);
    expect(w.eventsWritten).toBe(events.length);
    await w.close();

    const raw = readFileSync(path);
    const gz = name.endsWith('.gz');
    expect(raw[0] === 0x1f && raw[1] === 0x8b).toBe(gz);
    const text = (gz ? gunzipSync(raw) : raw).toString('utf8');
    expect(text).toBe(expectedText(events));

    const r = await readRecording(path);
    expect(r.header).toEqual(header);
    expect(r.events).toEqual(events);
    expect(r.stats).toMatchObject({ events: events.length, truncatedLastLine: false, gzip: gz });
    const again = `${[r.header, ...r.events].map((l) => serializeRecordingLine(l)).join('\n')}\n`;
    expect(again).toBe(text);
  });

  it('the gzip option overrides the name', async () => {
    const path = join(dir, 'forced.rec.jsonl');
    const w = await createRecordingWriter(path, header, { gzip: true });
    w.write({ type: 'mark', t: 0, activity: null });
    await w.close();
    expect(readFileSync(path)[0]).toBe(0x1f);
    expect((await readRecording(path)).events).toHaveLength(1);
  });

  it('the header is in the file as soon as the writer exists', async () => {
    const path = join(dir, 'header-only.rec.jsonl');
    const w = await createRecordingWriter(path, header);
    expect(readFileSync(path, 'utf8')).toBe(`${serializeRecordingLine(header)}\n`);
    await w.close();
    expect((await readRecording(path)).events).toEqual([]);
  });
});

describe('durability while writing', () => {
  it.each([
    ['plain', 'live.rec.jsonl'],
    ['gzip', 'live.rec.jsonl.gz'],
  ])('%s: after flush() a reader on the live file sees every event', async (kind, name) => {
    const path = join(dir, name);
    const events = sessionEvents(500);
    const w = await createRecordingWriter(path, header);
    for (const e of events.slice(0, 300)) w.write(e);
    await w.flush();
    const r = await readRecording(path);
    expect(r.events).toEqual(events.slice(0, 300));
    // gzip without its trailer yet: reported as a cut-off stream, not an error
    expect(r.stats.truncatedLastLine).toBe(kind === 'gzip');
    for (const e of events.slice(300)) w.write(e);
    await w.close();
    expect((await readRecording(path)).events).toEqual(events);
  });

  it.each([
    ['plain', 'killed.rec.jsonl'],
    ['gzip', 'killed.rec.jsonl.gz'],
  ])(
    '%s: killed mid-write (bytes cut inside the last batch) keeps every earlier line',
    async (_kind, name) => {
      const path = join(dir, name);
      const events = sessionEvents(400);
      const w = await createRecordingWriter(path, header);
      for (const e of events.slice(0, 200)) w.write(e);
      await w.flush();
      const sizeAfterFirst = statSync(path).size;
      for (const e of events.slice(200)) w.write(e);
      await w.flush();
      const sizeAfterSecond = statSync(path).size;
      // What `kill -9` during the second batch's write leaves on disk: the first batch plus part of
      // the second. Cut at several places, including mid-line.
      const bytes = readFileSync(path);
      for (const frac of [0, 0.1, 0.37, 0.5, 0.93]) {
        const cutAt = sizeAfterFirst + Math.floor((sizeAfterSecond - sizeAfterFirst) * frac);
        const copy = join(dir, `copy-${frac}-${name}`);
        writeFileSync(copy, bytes.subarray(0, cutAt));
        const r = await readRecording(copy);
        expect(r.events.length).toBeGreaterThanOrEqual(200);
        expect(r.events).toEqual(events.slice(0, r.events.length));
        expect(r.stats.skippedLines).toBe(0);
        // plain: cut exactly after a line is a clean end; gzip: no trailer yet, always reported
        expect(r.stats.truncatedLastLine).toBe(name.endsWith('.gz') || frac > 0);
      }
      // the unclosed file as it stands (gzip: no trailer) is readable in full
      const asIs = join(dir, `as-is-${name}`);
      copyFileSync(path, asIs);
      expect((await readRecording(asIs)).events).toEqual(events);
      await w.close();
    },
  );

  it('writes queued events within flushIntervalMs without an explicit flush', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const path = join(dir, 'timed.rec.jsonl');
    const w = await createRecordingWriter(path, header, { flushIntervalMs: 100 });
    w.write({ type: 'mark', t: 0, activity: 'run' });
    vi.advanceTimersByTime(99);
    await new Promise((r) => setImmediate(r));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2); // header + ''
    vi.advanceTimersByTime(1);
    await vi.waitFor(() => expect(readFileSync(path, 'utf8')).toContain('"type":"mark"'));
    await w.close();
  });

  it('writes a large burst before the timer fires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const path = join(dir, 'burst.rec.jsonl');
    const w = await createRecordingWriter(path, header, { flushIntervalMs: 60_000 });
    const events = sessionEvents(5000); // ~400 kB of text, above the 256 kB batch limit
    for (const e of events) w.write(e);
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(256 * 1024));
    await w.close();
    expect((await readRecording(path)).events).toEqual(events);
  });
});

describe('the writer refuses what a reader would reject', () => {
  it.each<[string, RecordingEvent, RegExp]>([
    ['an undeclared device', { type: 'connect', t: 10, device: 'ghost' }, /device "ghost" is not declared/],
    ['bad hex', { type: 'packet', t: 10, device: 'h10', characteristic: 'ffe4', data: 'ABC' }, /bad hex/],
    ['a non-finite t', { type: 'mark', t: Number.NaN, activity: null }, /"t" must be a finite number/],
    ['t going backwards', { type: 'mark', t: 4, activity: null }, /"t" going backwards: 4 after 5/],
  ])('%s', async (_name, event, message) => {
    const path = join(dir, 'refuse.rec.jsonl');
    const w = await createRecordingWriter(path, header);
    w.write({ type: 'mark', t: 5, activity: 'run' });
    expect(() => w.write(event)).toThrow(message);
    expect(w.eventsWritten).toBe(1);
    await w.close();
    expect((await readRecording(path)).events).toHaveLength(1);
  });

  it('an invalid header', async () => {
    const bad = { ...header, devices: [header.devices[0]!, header.devices[0]!] };
    await expect(createRecordingWriter(join(dir, 'bad-header.rec.jsonl'), bad)).rejects.toThrow(
      /invalid header: device "L-shank": duplicate device id/,
    );
  });

  it('writing after close', async () => {
    const w = await createRecordingWriter(join(dir, 'closed.rec.jsonl'), header);
    await w.close();
    await w.close();
    expect(() => w.write({ type: 'mark', t: 0, activity: null })).toThrow(/write after close/);
  });

  it('an existing file when exclusive', async () => {
    const path = join(dir, 'exists.rec.jsonl');
    writeFileSync(path, 'precious');
    await expect(createRecordingWriter(path, header, { exclusive: true })).rejects.toThrow(
      /cannot create.*EEXIST/,
    );
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });
});
