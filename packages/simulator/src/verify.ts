import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import { hexToBytes } from '@hamstream/core';
import { type DecodedItem, type DecodeError, getDriver } from '@hamstream/sensors';

/** Decoded samples of one stream kind: values xyz interleaved (or scalar), with per-sample times. */
export interface DecodedSeries {
  count: number;
  /** Host receive time of the packet that carried each sample, ms. */
  packetTMs: number[];
  /** Sensor clock per sample, µs, where the device has one (else NaN). */
  sensorTUs: number[];
  values: number[];
}

/** Everything one device's packets decoded to through the real driver. */
export interface DecodedDevice {
  device: string;
  driver: string;
  packets: number;
  decodeErrors: number;
  errors: DecodeError[];
  acc: DecodedSeries;
  gyro: DecodedSeries;
  force: DecodedSeries;
  /** RSC cadence readings, steps/min, with host times. */
  cadence: DecodedSeries;
  items: Map<DecodedItem['kind'], number>;
}

const emptySeries = (): DecodedSeries => ({ count: 0, packetTMs: [], sensorTUs: [], values: [] });

function push(
  series: DecodedSeries,
  tMs: number,
  count: number,
  sensorTUs: Float64Array | null,
  values: ArrayLike<number>,
): void {
  for (let i = 0; i < count; i++) {
    series.packetTMs.push(tMs);
    series.sensorTUs.push(sensorTUs ? sensorTUs[i]! : Number.NaN);
  }
  for (let i = 0; i < values.length; i++) series.values.push(values[i]!);
  series.count += count;
}

/**
 * Replays a recording's packets through the real drivers (@hamstream/sensors), one decoder per
 * device, reset on every disconnect as the daemon does. Used to prove the simulator's bytes are
 * what the decoders expect.
 */
export function decodeRecordingEvents(
  header: RecordingHeader,
  events: readonly RecordingEvent[],
): Map<string, DecodedDevice> {
  const out = new Map<string, DecodedDevice>();
  const decoders = new Map<string, ReturnType<NonNullable<ReturnType<typeof getDriver>>['createDecoder']>>();
  for (const d of header.devices) {
    const driver = getDriver(d.driver);
    if (!driver) throw new Error(`no driver ${d.driver}`);
    decoders.set(d.id, driver.createDecoder(d.config));
    out.set(d.id, {
      device: d.id,
      driver: d.driver,
      packets: 0,
      decodeErrors: 0,
      errors: [],
      acc: emptySeries(),
      gyro: emptySeries(),
      force: emptySeries(),
      cadence: emptySeries(),
      items: new Map(),
    });
  }
  for (const e of events) {
    if (e.type === 'disconnect') decoders.get(e.device)?.reset();
    if (e.type !== 'packet') continue;
    const dev = out.get(e.device)!;
    const bytes = hexToBytes(e.data);
    dev.packets++;
    if (!bytes) {
      dev.decodeErrors++;
      continue;
    }
    const res = decoders.get(e.device)!.decode(e.characteristic, bytes);
    if (res.error) {
      dev.decodeErrors++;
      if (dev.errors.length < 20) dev.errors.push(res.error);
    }
    for (const item of res.items) {
      dev.items.set(item.kind, (dev.items.get(item.kind) ?? 0) + 1);
      if (item.kind === 'acc') push(dev.acc, e.t, item.count, item.sensorTUs, item.valuesMs2);
      else if (item.kind === 'gyro') push(dev.gyro, e.t, item.count, item.sensorTUs, item.valuesDps);
      else if (item.kind === 'force') push(dev.force, e.t, item.count, item.sensorTUs, item.forceN);
      else if (item.kind === 'rsc') push(dev.cadence, e.t, 1, null, [item.cadenceSpm]);
    }
  }
  return out;
}

/**
 * Per-sample times (s) of a series: from the sensor clock where there is one, else a straight line
 * fitted to the packets' host times (valid on recordings without gaps: the device samples evenly).
 */
export function seriesTimesS(series: DecodedSeries): Float64Array {
  const n = series.count;
  const out = new Float64Array(n);
  if (n === 0) return out;
  if (!Number.isNaN(series.sensorTUs[0]!)) {
    // Align the sensor clock with the host clock by the median offset (only differences matter).
    const t0 = series.sensorTUs[0]!;
    for (let i = 0; i < n; i++) out[i] = (series.sensorTUs[i]! - t0) / 1e6;
    const offsets = Array.from(out, (t, i) => series.packetTMs[i]! / 1000 - t).sort((a, b) => a - b);
    const off = offsets[Math.floor(n / 2)]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! + off;
    return out;
  }
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const y = series.packetTMs[i]! / 1000;
    sx += i;
    sy += y;
    sxx += i * i;
    sxy += i * y;
  }
  const b = (n * sxy - sx * sy) / (n * sxx - sx * sx || 1);
  const a = (sy - b * sx) / n;
  for (let i = 0; i < n; i++) out[i] = a + b * i;
  return out;
}

/** Unit principal axis (largest eigenvector of Σ v vᵀ) of xyz samples in [from, to). */
export function principalAxis(values: ArrayLike<number>, from: number, to: number): [number, number, number] {
  let xx = 0;
  let xy = 0;
  let xz = 0;
  let yy = 0;
  let yz = 0;
  let zz = 0;
  for (let i = from; i < to; i++) {
    const x = values[3 * i]!;
    const y = values[3 * i + 1]!;
    const z = values[3 * i + 2]!;
    xx += x * x;
    xy += x * y;
    xz += x * z;
    yy += y * y;
    yz += y * z;
    zz += z * z;
  }
  // Power iteration: the covariance is symmetric positive semi-definite.
  let v: [number, number, number] = [0.8, 0.5, 0.3];
  for (let it = 0; it < 200; it++) {
    const w0 = xx * v[0] + xy * v[1] + xz * v[2];
    const w1 = xy * v[0] + yy * v[1] + yz * v[2];
    const w2 = xz * v[0] + yz * v[1] + zz * v[2];
    const n = Math.hypot(w0, w1, w2) || 1;
    v = [w0 / n, w1 / n, w2 / n];
  }
  return v;
}

export interface GyroRomCheck {
  startS: number;
  endS: number;
  labelRomDeg: number;
  gyroRomDeg: number;
}

/**
 * Integrates a device's decoded gyro about its movement axis (principal axis of the gyro over each
 * labelled set) and measures every labelled rep's range. The bias is removed per set from the
 * net rotation over the set, which starts and ends at rest in the same posture.
 */
export function romFromGyro(
  decoded: DecodedDevice,
  sets: readonly {
    startS: number;
    endS: number;
    reps: readonly { startS: number; endS: number; romDeg: number | null }[];
  }[],
): GyroRomCheck[] {
  const g = decoded.gyro;
  const t = seriesTimesS(g);
  const out: GyroRomCheck[] = [];
  const indexAt = (ts: number): number => {
    let lo = 0;
    let hi = g.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid]! < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const set of sets) {
    const i0 = indexAt(set.startS);
    const i1 = Math.min(g.count, indexAt(set.endS));
    if (i1 - i0 < 10) continue;
    const axis = principalAxis(g.values, i0, i1);
    const angle = new Float64Array(i1 - i0);
    for (let i = i0 + 1; i < i1; i++) {
      const w0 =
        g.values[3 * (i - 1)]! * axis[0] +
        g.values[3 * (i - 1) + 1]! * axis[1] +
        g.values[3 * (i - 1) + 2]! * axis[2];
      const w1 = g.values[3 * i]! * axis[0] + g.values[3 * i + 1]! * axis[1] + g.values[3 * i + 2]! * axis[2];
      angle[i - i0] = angle[i - i0 - 1]! + 0.5 * (w0 + w1) * (t[i]! - t[i - 1]!);
    }
    const span = t[i1 - 1]! - t[i0]!;
    const drift = angle[i1 - i0 - 1]! / span;
    for (let i = i0; i < i1; i++) angle[i - i0] = angle[i - i0]! - drift * (t[i]! - t[i0]!);
    for (const rep of set.reps) {
      if (rep.romDeg === null) continue;
      const r0 = indexAt(rep.startS) - i0;
      const r1 = indexAt(rep.endS) - i0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = Math.max(0, r0); k < Math.min(angle.length, r1 + 1); k++) {
        min = Math.min(min, angle[k]!);
        max = Math.max(max, angle[k]!);
      }
      out.push({ startS: rep.startS, endS: rep.endS, labelRomDeg: rep.romDeg, gyroRomDeg: max - min });
    }
  }
  return out;
}
