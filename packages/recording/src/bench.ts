import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PacketEvent, RecordingHeader } from '@hamstream/core';
import { openRecording } from './reader.js';
import { serializeRecordingLine } from './serialize.js';
import { createRecordingWriter } from './writer.js';

type Row = { group: string; name: string; value: number; unit: string; baseline?: number; note?: string };

const N = 100_000;

const header: RecordingHeader = {
  type: 'header',
  format: 'hamstream.recording',
  version: 1,
  startedAt: '2026-11-20T10:00:00.000Z',
  devices: [
    { id: 'L-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'left', config: { rateHz: 100 } },
  ],
};

function events(): PacketEvent[] {
  const out: PacketEvent[] = [];
  for (let i = 0; i < N; i++) {
    const data = `5561${(i & 0xffff).toString(16).padStart(4, '0')}0c00f5ff1d08000000000000fe00`;
    out.push({ type: 'packet', t: i * 0.5, device: 'L-shank', characteristic: 'ffe4', data });
  }
  return out;
}

/** Writer and reader costs, each against the simplest code doing the same I/O in the same run. */
export async function bench(report: (row: Row) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hamstream-bench-'));
  try {
    const evs = events();
    // Warm the JIT on both paths first, so neither side of a comparison pays for it.
    let warm = 0;
    for (const e of evs) warm += serializeRecordingLine(e).length;
    const wWarm = await createRecordingWriter(join(dir, 'warm.rec.jsonl'), header);
    for (const e of evs) wWarm.write(e);
    await wWarm.close();
    if (warm === 0) throw new Error('nothing serialised');

    // The caller's cost per event (hot path) vs the alternative design: one writeSync per line.
    const plain = join(dir, 'w.rec.jsonl');
    const w = await createRecordingWriter(plain, header);
    let t0 = performance.now();
    for (const e of evs) w.write(e);
    const writeCallNs = ((performance.now() - t0) * 1e6) / N;
    await w.close();
    const fd = openSync(join(dir, 'sync.rec.jsonl'), 'w');
    t0 = performance.now();
    for (const e of evs) writeSync(fd, `${serializeRecordingLine(e)}\n`);
    const writeSyncNs = ((performance.now() - t0) * 1e6) / N;
    closeSync(fd);
    report({
      group: 'recording write',
      name: 'write() per event, plain',
      value: writeCallNs,
      unit: 'ns/event',
      baseline: writeSyncNs,
      note: 'baseline: serialize + fs.writeSync per line',
    });

    const gz = join(dir, 'w.rec.jsonl.gz');
    const wg = await createRecordingWriter(gz, header);
    t0 = performance.now();
    for (const e of evs) wg.write(e);
    const gzCallNs = ((performance.now() - t0) * 1e6) / N;
    await wg.close();
    report({
      group: 'recording write',
      name: 'write() per event, gzip',
      value: gzCallNs,
      unit: 'ns/event',
      baseline: writeSyncNs,
      note: 'compression runs on the thread pool',
    });

    // Streaming read with validation vs split + JSON.parse of the same bytes already in memory.
    const bytes = readFileSync(plain);
    t0 = performance.now();
    let n = 0;
    for (const line of bytes.toString('utf8').split('\n')) if (line) n += JSON.parse(line) ? 1 : 0;
    const baselineS = (performance.now() - t0) / 1000;
    for (const [name, path] of [
      ['read, plain', plain],
      ['read, gzip', gz],
    ] as const) {
      const rec = await openRecording(path);
      t0 = performance.now();
      for await (const _ of rec.events) n++;
      const s = (performance.now() - t0) / 1000;
      report({
        group: 'recording read',
        name,
        value: N / s,
        unit: 'events/s',
        baseline: N / baselineS,
        note: `baseline: in-memory split + JSON.parse; ${(bytes.length / 1e6 / s).toFixed(0)} MB/s of JSONL`,
      });
    }
    if (n === 0) throw new Error('nothing read');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
