import { POLAR_PMD_CP, POLAR_PMD_DATA } from './definitions/polar-pmd.js';
import { getDriver } from './registry.js';
import type { DeviceDecoder } from './types.js';
import { driverVectors } from './vectors/index.js';
import { vectorBytes } from './vectors/types.js';

/**
 * `npm run bench`: decode throughput per driver (samples/s; packets/s in the note) beside a baseline measured
 * in the same run — a plain loop summing the same packets' bytes, i.e. the least any decoder must do — for
 * both `decodeTransient` (the engine's allocation-free path) and `decode` (a fresh copy per packet). Rates
 * are per CPU-second of this process (one core), so other load on the shared machine skews them less than
 * wall time. Goal: Polar compressed frames at ≥ 2 M samples/s per core.
 */

export interface BenchRow {
  group: string;
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  note?: string;
}

interface Case {
  name: string;
  driver: string;
  config: Record<string, unknown>;
  characteristic: string;
  packets: Uint8Array[];
  samplesPerPacket: number;
  /** Packets decoded once before timing (FACTOR from a start response). */
  prime?: [characteristic: string, hex: string][];
  note?: string;
}

const vectorHex = (driver: string, source: string) =>
  driverVectors[driver]!.decode.find((v) => v.source.startsWith(source))!.hex;

/** `count` copies of a frame whose u64 timestamp (bytes 1–8) advances by `stepNs`, as a live stream's would. */
function framesWithTime(frame: Uint8Array, count: number, stepNs: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => {
    const f = frame.slice();
    const view = new DataView(f.buffer);
    view.setBigUint64(1, view.getBigUint64(1, true) + BigInt(Math.round(k * stepNs)), true);
    return f;
  });
}

function cases(): Case[] {
  const p5 = vectorBytes(vectorHex('polar-pmd', 'P5'));
  const p6 = vectorBytes(vectorHex('polar-pmd', 'P6'));
  // P1 is the first 3 of a real 36-sample H10 frame; repeat its samples to the real frame's 216 content bytes.
  const p1 = vectorBytes(vectorHex('polar-pmd', 'P1'));
  const h10 = new Uint8Array(10 + 216);
  h10.set(p1.subarray(0, 10));
  for (let o = 10; o < h10.length; o += 18) h10.set(p1.subarray(10, 28), o);
  const wit = vectorBytes(vectorHex('witmotion-wt901', 'W1, W2'));
  return [
    {
      name: 'polar-pmd ACC 0x80 compressed (P5, 57 samples)',
      driver: 'polar-pmd',
      config: { model: 'verity-sense', rateHz: 52 },
      characteristic: POLAR_PMD_DATA,
      packets: framesWithTime(p5, 256, (57 * 1e9) / 52),
      samplesPerPacket: 57,
      prime: [[POLAR_PMD_CP, 'f0 02 02 00 00 0501 40da7f39']],
      note: 'goal ≥ 2 M samples/s per core',
    },
    {
      name: 'polar-pmd ACC 0x81 compressed (P6, 11 samples)',
      driver: 'polar-pmd',
      config: { model: 'verity-sense', rateHz: 52 },
      characteristic: POLAR_PMD_DATA,
      packets: framesWithTime(p6, 256, (11 * 1e9) / 52),
      samplesPerPacket: 11,
      note: 'goal ≥ 2 M samples/s per core',
    },
    {
      name: 'polar-pmd ACC raw i16 (H10, 36 samples)',
      driver: 'polar-pmd',
      config: { model: 'h10', rateHz: 50 },
      characteristic: POLAR_PMD_DATA,
      packets: framesWithTime(h10, 256, (36 * 1e9) / 50),
      samplesPerPacket: 36,
    },
    {
      name: 'witmotion-wt901 80-byte notify (4 records)',
      driver: 'witmotion-wt901',
      config: {},
      characteristic: driverVectors['witmotion-wt901']!.decode[0]!.characteristic,
      packets: [wit],
      samplesPerPacket: 4,
    },
    {
      name: 'tindeq-progressor weight (T2, 2 samples)',
      driver: 'tindeq-progressor',
      config: {},
      characteristic: driverVectors['tindeq-progressor']!.decode[0]!.characteristic,
      packets: [vectorBytes(vectorHex('tindeq-progressor', 'T2'))],
      samplesPerPacket: 2,
    },
    {
      name: 'ble-rsc measurement (R2)',
      driver: 'ble-rsc',
      config: {},
      characteristic: '2a53',
      packets: [vectorBytes(vectorHex('ble-rsc', 'R2'))],
      samplesPerPacket: 1,
    },
  ];
}

let sink = 0;

/** Process CPU time, ms: the machine is shared, so per-core throughput is measured in CPU time, not wall time. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `pass` (which handles `perPass` packets) for at least `ms` of CPU time, returning packets per CPU-second. */
function rate(pass: () => void, perPass: number, ms: number): number {
  const warmUntil = cpuMs() + ms / 4;
  while (cpuMs() < warmUntil) pass();
  let passes = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 < ms) {
    for (let k = 0; k < 16; k++) pass();
    passes += 16;
    t = cpuMs();
  }
  return (passes * perPass) / ((t - t0) / 1000);
}

export async function bench(report: (row: BenchRow) => void): Promise<void> {
  for (const c of cases()) {
    const driver = getDriver(c.driver)!;
    const packets = c.packets;
    const perPass = packets.length === 1 ? 64 : packets.length;
    const baselinePass = () => {
      let sum = 0;
      for (let k = 0; k < perPass; k++) {
        const p = packets[k % packets.length]!;
        for (let i = 0; i < p.length; i++) sum += p[i]!;
      }
      sink += sum;
    };
    const baseline = rate(baselinePass, perPass, 300);
    // decodeTransient is the engine's hot path (decoder-owned result); decode adds the caller's copy.
    for (const method of ['decodeTransient', 'decode'] as const) {
      const decoder: DeviceDecoder = driver.createDecoder(c.config);
      for (const [ch, hex] of c.prime ?? []) decoder.decode(ch, vectorBytes(hex));
      const run = method === 'decode' ? decoder.decode.bind(decoder) : decoder.decodeTransient!.bind(decoder);
      const decodePass = () => {
        let n = 0;
        for (let k = 0; k < perPass; k++)
          n += run(c.characteristic, packets[k % packets.length]!).items.length;
        sink += n;
      };
      const decoded = rate(decodePass, perPass, 500);
      const row: BenchRow = {
        group: `decode ${c.driver}`,
        name: `${c.name} ${method}`,
        value: decoded * c.samplesPerPacket,
        unit: 'samples/s',
        baseline: baseline * c.samplesPerPacket,
        note: `${(decoded / 1e3).toFixed(0)} k packets/s per CPU-second; baseline: byte-sum loop${c.note ? `; ${c.note}` : ''}`,
      };
      report(row);
    }
  }
  if (sink === Number.MIN_VALUE) report({ group: 'decode', name: 'sink', value: sink, unit: '' }); // keeps `sink` live
}
