import {
  bytesToHex,
  type DeviceInfo,
  type PacketEvent,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordingEvent,
  type RecordingHeader,
} from '@hamstream/core';
import type { VirtualRecording } from '../virtual/virtual-bindings.js';

/**
 * Small recordings with real driver bytes (protocols.md layouts) for tests, built in memory. Values
 * vary packet to packet so "byte-identical in order" means something. Not part of the build.
 */

export const WT_NOTIFY = '0000ffe400001000800000805f9a34fb';
export const POLAR_CP = 'fb005c8102e7f3871cad8acd2d8df0c8';
export const POLAR_DATA = 'fb005c8202e7f3871cad8acd2d8df0c8';
export const TINDEQ_DATA = '7e4e17021ea640c99dcc13d34ffead57';
export const RSC_MEASUREMENT = '2a53';
export const RSC_FEATURE = '2a54';
export const BATTERY_LEVEL = '2a19';

export type DeviceKind = 'witmotion' | 'polar-h10' | 'tindeq' | 'rsc';

export interface DeviceSpec {
  kind: DeviceKind;
  id: string;
  /** First packet time, ms. */
  startMs?: number;
  durationMs: number;
  /** WitMotion: ask for a rate (three start writes). */
  rateHz?: number;
  address?: string;
  name?: string;
}

function i16(v: number): [number, number] {
  const x = Math.max(-32768, Math.min(32767, Math.round(v))) & 0xffff;
  return [x & 0xff, x >> 8];
}

/** One 0x55 0x61 record; angle/acc vary with k. */
export function witmotionRecord(k: number): Uint8Array {
  const a = Math.sin(k / 10);
  const bytes = [
    0x55,
    0x61,
    ...i16(a * 1000),
    ...i16(-200 + k),
    ...i16(2048),
    ...i16(a * 300),
    ...i16(0),
    ...i16(-k),
    ...i16(a * 8000),
    ...i16(100),
    ...i16(k * 7),
  ];
  return new Uint8Array(bytes);
}

function u64le(v: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** An H10 raw ACC frame (type 1, i16 mG) of `n` samples whose last sample is at `tsNs`. */
export function polarAccFrame(tsNs: bigint, n: number, k: number): Uint8Array {
  const bytes = [0x02, ...u64le(tsNs), 0x01];
  for (let i = 0; i < n; i++) bytes.push(...i16(900 + ((k + i) % 50)), ...i16(20 - i), ...i16(-330 + k));
  return new Uint8Array(bytes);
}

/** A Tindeq weight notification: one sample (f32 kg, u32 µs). */
export function tindeqWeight(kg: number, us: number): Uint8Array {
  const b = new Uint8Array(10);
  const v = new DataView(b.buffer);
  b[0] = 0x01;
  b[1] = 0x08;
  v.setFloat32(2, kg, true);
  v.setUint32(6, us >>> 0, true);
  return b;
}

/** RSC measurement: running, speed, cadence. */
export function rscMeasurement(k: number): Uint8Array {
  const speed = 700 + (k % 20);
  return new Uint8Array([0x04, speed & 0xff, speed >> 8, 80 + (k % 8)]);
}

const packet = (t: number, device: string, characteristic: string, data: Uint8Array): PacketEvent => ({
  type: 'packet',
  t: Math.round(t * 1000) / 1000,
  device,
  characteristic,
  data: bytesToHex(data),
});

function deviceInfo(spec: DeviceSpec, index: number): DeviceInfo {
  const base = {
    id: spec.id,
    placement: 'shank' as const,
    side: index % 2 === 0 ? ('left' as const) : ('right' as const),
  };
  const extra = {
    ...(spec.address ? { address: spec.address } : {}),
    ...(spec.name ? { name: spec.name } : {}),
  };
  switch (spec.kind) {
    case 'witmotion':
      return {
        ...base,
        ...extra,
        driver: 'witmotion-wt901',
        config: spec.rateHz ? { rateHz: spec.rateHz } : {},
      };
    case 'polar-h10':
      return {
        ...base,
        ...extra,
        placement: 'chest',
        side: 'center',
        driver: 'polar-pmd',
        config: { model: 'h10', rateHz: 200, accRangeG: 8, measurements: ['acc'] },
      };
    case 'tindeq':
      return { ...base, ...extra, placement: 'handle', driver: 'tindeq-progressor', config: {} };
    case 'rsc':
      return { ...base, ...extra, placement: 'foot', driver: 'ble-rsc', config: { cadenceUnit: 'strides' } };
  }
}

function devicePackets(spec: DeviceSpec): PacketEvent[] {
  const start = spec.startMs ?? 5;
  const end = start + spec.durationMs;
  const out: PacketEvent[] = [];
  switch (spec.kind) {
    case 'witmotion': {
      // 100 Hz, two records per notification every 20 ms (as BLE bunches them), slight jitter.
      for (let k = 0, t = start; t < end; k++, t += 20) {
        const two = new Uint8Array(40);
        two.set(witmotionRecord(2 * k), 0);
        two.set(witmotionRecord(2 * k + 1), 20);
        out.push(packet(t + (k % 3) * 0.4, spec.id, WT_NOTIFY, two));
      }
      break;
    }
    case 'polar-h10': {
      // The start ACC answer is recorded on the control point first, then 200 Hz frames of 20 samples.
      out.push(packet(start, spec.id, POLAR_CP, new Uint8Array([0xf0, 0x02, 0x02, 0x00, 0x00])));
      const base = 599_616_035_520_846_242n;
      for (let k = 0, t = start + 100; t < end; k++, t += 100) {
        out.push(packet(t, spec.id, POLAR_DATA, polarAccFrame(base + BigInt(k) * 100_000_000n, 20, k)));
      }
      break;
    }
    case 'tindeq': {
      for (let k = 0, t = start; t < end; k++, t += 12.5) {
        out.push(
          packet(t, spec.id, TINDEQ_DATA, tindeqWeight(10 + Math.sin(k / 20) * 5, 1_000_000 + k * 12_500)),
        );
      }
      break;
    }
    case 'rsc': {
      // Reads after connecting (feature, then battery 87 %), as the daemon does them, then notifications.
      out.push(packet(start, spec.id, RSC_FEATURE, new Uint8Array([0x07, 0x00])));
      out.push(packet(start + 1, spec.id, BATTERY_LEVEL, new Uint8Array([87])));
      for (let k = 0, t = start + 50; t < end; k++, t += 250) {
        out.push(packet(t, spec.id, RSC_MEASUREMENT, rscMeasurement(k)));
      }
      break;
    }
  }
  return out;
}

/** A recording of the given devices, events merged in time order. */
export function makeRecording(
  path: string,
  specs: readonly DeviceSpec[],
  extraEvents: RecordingEvent[] = [],
): VirtualRecording {
  const header: RecordingHeader = {
    type: 'header',
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    startedAt: '2026-11-20T10:00:00.000Z',
    subject: 'athlete-07',
    devices: specs.map(deviceInfo),
  };
  const events: RecordingEvent[] = [...specs.flatMap(devicePackets), ...extraEvents];
  // Stable sort keeps per-device order for equal t.
  events.sort((a, b) => a.t - b.t);
  return { path, header, events };
}

/** Packet events of one device, in order. */
export function packetsOf(events: readonly RecordingEvent[], device: string): PacketEvent[] {
  return events.filter((e): e is PacketEvent => e.type === 'packet' && e.device === device);
}
