import { type ForceBatch, type ImuBatch, mulberry32 } from '@hamstream/core';

/**
 * Small physical generators for the metrics tests (not used by the pipeline): a segment rotating about a
 * horizontal joint axis with a sensor strapped on at an arbitrary orientation, as an IMU would see it.
 */

/** Deterministic PRNG (mulberry32, @hamstream/core). */
export const rng = mulberry32;

export function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Row-major 3×3 rotation matrix from a uniformly random unit quaternion. */
export function randomRotation(rand: () => number): number[] {
  const u1 = rand();
  const u2 = rand();
  const u3 = rand();
  const w = Math.sqrt(1 - u1) * Math.sin(2 * Math.PI * u2);
  const x = Math.sqrt(1 - u1) * Math.cos(2 * Math.PI * u2);
  const y = Math.sqrt(u1) * Math.sin(2 * Math.PI * u3);
  const z = Math.sqrt(u1) * Math.cos(2 * Math.PI * u3);
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  ];
}

export interface SegmentSimOptions {
  rateHz: number;
  durationS: number;
  /** Segment inclination, degrees, about the joint axis (world y, horizontal). */
  thetaDeg: (tS: number) => number;
  /** Sensor→segment rotation (row-major); identity if absent. */
  strap?: number[];
  /** Distance of the sensor from the joint, m. */
  radiusM?: number;
  gyroBiasDps?: [number, number, number];
  gyroNoiseDps?: number;
  accNoiseMs2?: number;
  seed?: number;
  /** Joint translation (running), world m, as a function of time. */
  jointPosM?: (tS: number) => [number, number, number];
  t0S?: number;
  /** Per-sample timing jitter, s (uniform ±). */
  jitterS?: number;
}

export interface SegmentSim {
  tS: Float64Array;
  accMs2: Float64Array;
  gyroDps: Float64Array;
  thetaDeg: Float64Array;
}

const G = 9.80665;

export function simulateSegment(o: SegmentSimOptions): SegmentSim {
  const n = Math.round(o.durationS * o.rateHz);
  const rand = rng(o.seed ?? 1);
  const gauss = gaussian(rand);
  const S = o.strap ?? [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const r = o.radiusM ?? 0.3;
  const bias = o.gyroBiasDps ?? [0, 0, 0];
  const tS = new Float64Array(n);
  const accMs2 = new Float64Array(3 * n);
  const gyroDps = new Float64Array(3 * n);
  const thetaDeg = new Float64Array(n);
  const h = 1e-3;
  const pos = (t: number): [number, number, number] => {
    const th = (o.thetaDeg(t) * Math.PI) / 180;
    // Segment hangs down (−z) at θ = 0 and rotates about +y.
    const ux = -Math.sin(th);
    const uz = -Math.cos(th);
    const j = o.jointPosM ? o.jointPosM(t) : [0, 0, 0];
    return [j[0]! + r * ux, j[1]!, j[2]! + r * uz];
  };
  for (let i = 0; i < n; i++) {
    const jitter = o.jitterS ? (rand() * 2 - 1) * o.jitterS : 0;
    const t = (o.t0S ?? 0) + i / o.rateHz + jitter;
    tS[i] = t;
    const thDeg = o.thetaDeg(t);
    thetaDeg[i] = thDeg;
    const th = (thDeg * Math.PI) / 180;
    const dth = ((o.thetaDeg(t + h) - o.thetaDeg(t - h)) / (2 * h)) * (Math.PI / 180);
    const pm = pos(t - h);
    const p0 = pos(t);
    const pp = pos(t + h);
    const a = [0, 1, 2].map((k) => (pp[k]! - 2 * p0[k]! + pm[k]!) / (h * h));
    // Specific force in world: a − g, with g = (0, 0, −G).
    const fw = [a[0]!, a[1]!, a[2]! + G];
    const ww = [0, dth, 0];
    // Segment orientation Rot_y(θ); sensor orientation R = Rot_y(θ)·S; sensor-frame vector = Rᵀ·world.
    const c = Math.cos(th);
    const s = Math.sin(th);
    const seg = (v: number[]): number[] => [c * v[0]! - s * v[2]!, v[1]!, s * v[0]! + c * v[2]!]; // Rot_y(θ)ᵀ v
    const toSensor = (v: number[]): number[] => {
      const q = seg(v);
      return [
        S[0]! * q[0]! + S[3]! * q[1]! + S[6]! * q[2]!,
        S[1]! * q[0]! + S[4]! * q[1]! + S[7]! * q[2]!,
        S[2]! * q[0]! + S[5]! * q[1]! + S[8]! * q[2]!,
      ];
    };
    const fs = toSensor(fw);
    const ws = toSensor(ww);
    for (let k = 0; k < 3; k++) {
      accMs2[3 * i + k] = fs[k]! + (o.accNoiseMs2 ?? 0) * gauss();
      gyroDps[3 * i + k] = (ws[k]! * 180) / Math.PI + bias[k]! + (o.gyroNoiseDps ?? 0) * gauss();
    }
  }
  return { tS, accMs2, gyroDps, thetaDeg };
}

/** Splits a simulation into ImuBatches of `size` samples (views, no copies). */
export function toImuBatches(sim: SegmentSim, size: number, device = 'imu'): ImuBatch[] {
  const out: ImuBatch[] = [];
  for (let i = 0; i < sim.tS.length; i += size) {
    const j = Math.min(sim.tS.length, i + size);
    out.push({
      device,
      count: j - i,
      tS: sim.tS.subarray(i, j),
      accMs2: sim.accMs2.subarray(3 * i, 3 * j),
      gyroDps: sim.gyroDps.subarray(3 * i, 3 * j),
    });
  }
  return out;
}

export function forceBatches(tS: Float64Array, forceN: Float64Array, size: number): ForceBatch[] {
  const out: ForceBatch[] = [];
  for (let i = 0; i < tS.length; i += size) {
    const j = Math.min(tS.length, i + size);
    out.push({ device: 'force', count: j - i, tS: tS.subarray(i, j), forceN: forceN.subarray(i, j) });
  }
  return out;
}

/** Smooth 0→1→0 step with zero end velocities (half cosine). */
export function smoothStep(x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return 0.5 - 0.5 * Math.cos(Math.PI * x);
}

export interface RepSpec {
  startS: number;
  upS: number;
  holdS: number;
  downS: number;
  romDeg: number;
}

/** Inclination profile: rest at `restDeg`, reps going positive by romDeg with given tempo. */
export function repProfile(reps: RepSpec[], restDeg = 0): (tS: number) => number {
  return (t: number) => {
    for (const r of reps) {
      const t1 = r.startS + r.upS;
      const t2 = t1 + r.holdS;
      const t3 = t2 + r.downS;
      if (t < r.startS || t > t3) continue;
      if (t <= t1) return restDeg + r.romDeg * smoothStep((t - r.startS) / r.upS);
      if (t <= t2) return restDeg + r.romDeg;
      return restDeg + r.romDeg * (1 - smoothStep((t - t2) / r.downS));
    }
    return restDeg;
  };
}

export function collectAngles(
  est: { push(b: ImuBatch): { count: number; tS: Float64Array; angleDeg: Float64Array } },
  batches: ImuBatch[],
): { tS: Float64Array; angleDeg: Float64Array } {
  const t: number[] = [];
  const a: number[] = [];
  for (const b of batches) {
    const s = est.push(b);
    for (let i = 0; i < s.count; i++) {
      t.push(s.tS[i]!);
      a.push(s.angleDeg[i]!);
    }
  }
  return { tS: Float64Array.from(t), angleDeg: Float64Array.from(a) };
}

/** A sampled angle series of a profile with white noise (for rep-detector tests). */
export function angleSeries(
  profile: (tS: number) => number,
  rateHz: number,
  durationS: number,
  noiseDeg = 0,
  seed = 1,
): { count: number; tS: Float64Array; angleDeg: Float64Array } {
  const n = Math.round(durationS * rateHz);
  const g = gaussian(rng(seed));
  const tS = new Float64Array(n);
  const angleDeg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    tS[i] = i / rateHz;
    angleDeg[i] = profile(tS[i]!) + noiseDeg * g();
  }
  return { count: n, tS, angleDeg };
}

/** Pushes a series in chunks of `size` and finishes; returns every rep. */
export function detectAll<R>(
  det: { push(a: { count: number; tS: Float64Array; angleDeg: Float64Array }): R[]; finish(): R[] },
  s: { count: number; tS: Float64Array; angleDeg: Float64Array },
  size: number,
): R[] {
  const out: R[] = [];
  for (let i = 0; i < s.count; i += size) {
    const j = Math.min(s.count, i + size);
    out.push(...det.push({ count: j - i, tS: s.tS.subarray(i, j), angleDeg: s.angleDeg.subarray(i, j) }));
  }
  out.push(...det.finish());
  return out;
}

/** Piecewise profile from [tS, angleDeg] knots joined by half-cosine transitions (zero end speeds). */
export function knots(points: readonly (readonly [number, number])[]): (tS: number) => number {
  return (t: number) => {
    if (t <= points[0]![0]) return points[0]![1];
    for (let i = 1; i < points.length; i++) {
      const [t1, a1] = points[i]!;
      const [t0, a0] = points[i - 1]!;
      if (t <= t1) return a0 + (a1 - a0) * smoothStep((t - t0) / (t1 - t0));
    }
    return points[points.length - 1]![1];
  };
}

/**
 * Running: stride phase (cycles) as a function of time for a piecewise-constant cadence in steps/min,
 * phase-continuous at the changes.
 */
export function stridePhase(segments: readonly { fromS: number; spm: number }[]): (tS: number) => number {
  return (t: number) => {
    let phase = 0;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      const end = i + 1 < segments.length ? segments[i + 1]!.fromS : Number.POSITIVE_INFINITY;
      if (t <= s.fromS) break;
      phase += ((Math.min(t, end) - s.fromS) * s.spm) / 120;
    }
    return phase;
  };
}

/** A running limb (shank) or trunk (chest/pelvis) IMU for a given stride phase. */
export function simulateRunning(o: {
  placement: 'shank' | 'chest';
  phase: (tS: number) => number;
  rateHz: number;
  durationS: number;
  seed: number;
  noise?: number;
  jitterS?: number;
}): SegmentSim {
  const rand = rng(o.seed + 100);
  const asym = 0.15 * rand();
  const p = o.phase;
  const shank = o.placement === 'shank';
  return simulateSegment({
    rateHz: o.rateHz,
    durationS: o.durationS,
    seed: o.seed,
    strap: randomRotation(rand),
    radiusM: shank ? 0.3 : 0.15,
    gyroNoiseDps: (o.noise ?? 1) * 2,
    accNoiseMs2: (o.noise ?? 1) * 0.3,
    gyroBiasDps: [0.5, -1, 0.8],
    ...(o.jitterS !== undefined ? { jitterS: o.jitterS } : {}),
    thetaDeg: shank
      ? (t) => 40 * Math.sin(2 * Math.PI * p(t)) + 10 * Math.sin(4 * Math.PI * p(t) + 0.7)
      : (t) => 4 * Math.sin(2 * Math.PI * p(t)),
    // The body bounces once per step (twice per stride), slightly asymmetric between the legs.
    jointPosM: (t) => [
      3 * t,
      0,
      0.04 * Math.cos(4 * Math.PI * p(t)) + asym * 0.04 * Math.cos(2 * Math.PI * p(t)),
    ],
  });
}
