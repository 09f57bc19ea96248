import { eulerZyxDeg, type Vec3 } from '../math/rotation.js';
import type { Rng } from '../random.js';
import { idealImuAt, type SegmentModel } from './segment.js';

/**
 * How a real IMU departs from the ideal reading: white noise (the sensor's noise density at its
 * bandwidth), constant bias, bias random walk and scale-factor error per axis.
 */
export interface ImuErrorModel {
  /** White noise σ per sample, m/s². */
  accNoiseMs2: number;
  /** White noise σ per sample, °/s. */
  gyroNoiseDps: number;
  accBiasMs2: Vec3;
  gyroBiasDps: Vec3;
  /** Bias random walk, °/s per √s. */
  gyroBiasWalkDpsPerSqrtS: number;
  /** Multiplicative per-axis scale (1 = perfect). */
  accScale: Vec3;
  gyroScale: Vec3;
  /** Drift of the onboard yaw estimate (6-axis fusion has no heading reference), °/s. */
  yawDriftDps: number;
}

/** Noise density of a sensor model at its configured bandwidth (σ per sample). */
export interface ImuNoiseSpec {
  accNoiseMs2: number;
  gyroNoiseDps: number;
}

export type Difficulty = 'clean' | 'hard';

/**
 * Error model for a device: clean = a calibrated unit at rest-level noise (small bias, which a
 * still period removes); hard = uncalibrated bias, bias walk, ±2 % scale, 3× noise.
 */
export function randomImuErrors(rng: Rng, spec: ImuNoiseSpec, difficulty: Difficulty): ImuErrorModel {
  const v = (sd: number): Vec3 => [rng.gauss(0, sd), rng.gauss(0, sd), rng.gauss(0, sd)];
  const s = (sd: number): Vec3 => [1 + rng.gauss(0, sd), 1 + rng.gauss(0, sd), 1 + rng.gauss(0, sd)];
  if (difficulty === 'clean') {
    return {
      accNoiseMs2: spec.accNoiseMs2,
      gyroNoiseDps: spec.gyroNoiseDps,
      accBiasMs2: v(0.03),
      gyroBiasDps: v(0.08),
      gyroBiasWalkDpsPerSqrtS: 0,
      accScale: s(0.002),
      gyroScale: [1, 1, 1],
      yawDriftDps: rng.gauss(0, 0.01),
    };
  }
  return {
    accNoiseMs2: spec.accNoiseMs2 * 3,
    gyroNoiseDps: spec.gyroNoiseDps * 3,
    accBiasMs2: v(0.15),
    gyroBiasDps: v(1.5),
    gyroBiasWalkDpsPerSqrtS: 0.02,
    accScale: s(0.01),
    gyroScale: s(0.01),
    yawDriftDps: rng.gauss(0, 0.1),
  };
}

/** Sampled IMU output: xyz interleaved. */
export interface ImuSamples {
  count: number;
  accMs2: Float64Array;
  gyroDps: Float64Array;
  /** Onboard attitude (roll, pitch, yaw), degrees. */
  eulerDeg: Float64Array;
}

/** Samples a segment-mounted IMU at the given true times, with its errors. */
export function sampleImu(
  seg: SegmentModel,
  timesS: ArrayLike<number>,
  errors: ImuErrorModel,
  rng: Rng,
): ImuSamples {
  const n = timesS.length;
  const acc = new Float64Array(3 * n);
  const gyro = new Float64Array(3 * n);
  const euler = new Float64Array(3 * n);
  const walk: [number, number, number] = [0, 0, 0];
  let prevT = n > 0 ? timesS[0]! : 0;
  for (let i = 0; i < n; i++) {
    const t = timesS[i]!;
    const ideal = idealImuAt(seg, t);
    if (errors.gyroBiasWalkDpsPerSqrtS > 0) {
      const k = errors.gyroBiasWalkDpsPerSqrtS * Math.sqrt(Math.max(0, t - prevT));
      for (let c = 0; c < 3; c++) walk[c] = walk[c]! + k * rng.normal();
    }
    prevT = t;
    for (let c = 0; c < 3; c++) {
      acc[3 * i + c] =
        ideal.accMs2[c]! * errors.accScale[c]! + errors.accBiasMs2[c]! + errors.accNoiseMs2 * rng.normal();
      gyro[3 * i + c] =
        ideal.gyroDps[c]! * errors.gyroScale[c]! +
        errors.gyroBiasDps[c]! +
        walk[c]! +
        errors.gyroNoiseDps * rng.normal();
    }
    const e = eulerZyxDeg(ideal.sensorToWorld);
    euler[3 * i] = e[0];
    euler[3 * i + 1] = e[1];
    euler[3 * i + 2] = e[2] + errors.yawDriftDps * t;
  }
  return { count: n, accMs2: acc, gyroDps: gyro, eulerDeg: euler };
}
