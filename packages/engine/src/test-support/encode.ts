import { bytesToHex, type PacketEvent } from '@hamstream/core';

/**
 * Minimal encoders of the sensors' own byte formats (protocols.md), for hand-made test recordings
 * that go through the real drivers. Test support only.
 */
export const WIT_NOTIFY = '0000ffe400001000800000805f9a34fb';
export const TINDEQ_DATA = '7e4e17021ea640c99dcc13d34ffead57';
export const POLAR_DATA = 'fb005c8202e7f3871cad8acd2d8df0c8';
export const RSC_MEASUREMENT = '2a53';

const G = 9.80665;

function i16(view: DataView, offset: number, value: number): void {
  view.setInt16(offset, Math.max(-32768, Math.min(32767, Math.round(value))), true);
}

/** One 0x55 0x61 WitMotion record: acc in m/s², gyro in °/s (angles zero). */
export function witRecord(accMs2: readonly number[], gyroDps: readonly number[]): Uint8Array {
  const b = new Uint8Array(20);
  const v = new DataView(b.buffer);
  b[0] = 0x55;
  b[1] = 0x61;
  for (let k = 0; k < 3; k++) {
    i16(v, 2 + 2 * k, ((accMs2[k]! / G) * 32768) / 16);
    i16(v, 8 + 2 * k, (gyroDps[k]! * 32768) / 2000);
  }
  return b;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A Tindeq weight notification: samples of (kg, µs). */
export function tindeqWeights(samples: readonly [number, number][]): Uint8Array {
  const b = new Uint8Array(2 + 8 * samples.length);
  const v = new DataView(b.buffer);
  b[0] = 1;
  b[1] = 8 * samples.length;
  samples.forEach(([kg, us], i) => {
    v.setFloat32(2 + 8 * i, kg, true);
    v.setUint32(6 + 8 * i, us >>> 0, true);
  });
  return b;
}

function polarHeader(type: number, lastNs: bigint, frameType: number, content: Uint8Array): Uint8Array {
  const b = new Uint8Array(10 + content.length);
  const v = new DataView(b.buffer);
  b[0] = type;
  v.setBigUint64(1, lastNs, true);
  b[9] = frameType;
  b.set(content, 10);
  return b;
}

/** Polar ACC raw frame type 1 (3 × i16 mG per sample), `lastNs` = time of the last sample. */
export function polarAccRaw(samplesMg: readonly (readonly number[])[], lastNs: bigint): Uint8Array {
  const content = new Uint8Array(6 * samplesMg.length);
  const v = new DataView(content.buffer);
  samplesMg.forEach((s, i) => {
    for (let k = 0; k < 3; k++) i16(v, 6 * i + 2 * k, s[k]!);
  });
  return polarHeader(2, lastNs, 0x01, content);
}

/** Polar GYRO delta frame type 0 (0x80): reference sample, then one block of 16-bit deltas (factor 1 → °/s). */
export function polarGyroDelta16(samplesDps: readonly (readonly number[])[], lastNs: bigint): Uint8Array {
  const n = samplesDps.length;
  const content = new Uint8Array(6 + 2 + 6 * (n - 1));
  const v = new DataView(content.buffer);
  for (let k = 0; k < 3; k++) i16(v, 2 * k, samplesDps[0]![k]!);
  content[6] = 16;
  content[7] = n - 1;
  for (let i = 1; i < n; i++) {
    for (let k = 0; k < 3; k++)
      i16(v, 8 + 6 * (i - 1) + 2 * k, Math.round(samplesDps[i]![k]!) - Math.round(samplesDps[i - 1]![k]!));
  }
  return polarHeader(5, lastNs, 0x80, content);
}

/** RSC measurement: speed m/s, cadence 1/min (running flag set). */
export function rscMeasurement(speedMps: number, cadence: number): Uint8Array {
  const b = new Uint8Array(4);
  const v = new DataView(b.buffer);
  b[0] = 0x04;
  v.setUint16(1, Math.round(speedMps * 256), true);
  b[3] = cadence;
  return b;
}

export function packet(tMs: number, device: string, characteristic: string, bytes: Uint8Array): PacketEvent {
  return { type: 'packet', t: tMs, device, characteristic, data: bytesToHex(bytes) };
}
