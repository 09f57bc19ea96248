import type { ImuBatch } from '@hamstream/core';
import { createCadenceEstimator } from './cadence/cadence-estimator.js';
import { autocorrelate } from './cadence/periodicity.js';
import { createInclinationEstimator } from './inclination/inclination-estimator.js';
import { createRepDetector } from './reps/rep-detector.js';

type Row = { group: string; name: string; value: number; unit: string; baseline?: number; note?: string };

const RATE_HZ = 100;
const SAMPLES = 2_000_000;
const BATCH = 10; // WitMotion-like packets

/** Curls (3 s up/down, 1.5 s rest) seen by a sensor strapped at a fixed odd angle; deterministic. */
function makeData(): { tS: Float64Array; acc: Float64Array; gyro: Float64Array } {
  const tS = new Float64Array(SAMPLES);
  const acc = new Float64Array(3 * SAMPLES);
  const gyro = new Float64Array(3 * SAMPLES);
  // Strap: axis n and in-plane basis (e1, e2) in the sensor frame.
  const n = [0.48, -0.6, 0.64];
  const nl = Math.hypot(n[0]!, n[1]!, n[2]!);
  for (let k = 0; k < 3; k++) n[k] = n[k]! / nl;
  const e1 = [0.8, 0.6, 0];
  const d = e1[0]! * n[0]! + e1[1]! * n[1]!;
  for (let k = 0; k < 3; k++) e1[k] = e1[k]! - d * n[k]!;
  const el = Math.hypot(e1[0]!, e1[1]!, e1[2]!);
  for (let k = 0; k < 3; k++) e1[k] = e1[k]! / el;
  const e2 = [
    n[1]! * e1[2]! - n[2]! * e1[1]!,
    n[2]! * e1[0]! - n[0]! * e1[2]!,
    n[0]! * e1[1]! - n[1]! * e1[0]!,
  ];
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  for (let i = 0; i < SAMPLES; i++) {
    const t = i / RATE_HZ;
    tS[i] = t;
    const x = (t % 4.5) / 3;
    const th = x < 1 ? 40 * (1 - Math.cos(2 * Math.PI * x)) : 0; // 0→80→0°
    const w = x < 1 ? ((40 * 2 * Math.PI) / 3) * Math.sin(2 * Math.PI * x) : 0; // dps
    const phi = (-th * Math.PI) / 180;
    const c = Math.cos(phi) * 9.81;
    const s = Math.sin(phi) * 9.81;
    for (let k = 0; k < 3; k++) {
      acc[3 * i + k] = c * e1[k]! + s * e2[k]! + 0.05 * noise();
      gyro[3 * i + k] = w * n[k]! + 0.3 * noise() + 0.5;
    }
  }
  return { tS, acc, gyro };
}

/**
 * The same per-sample math as the pipeline in one plain loop over the same arrays, with what the pipeline
 * learns from the data given (the plane): stillness detector and gyro-bias update, movement-axis
 * statistics, complementary filter, angular-speed EMA, angle history and a hysteresis rep counter.
 * What it leaves out are the per-event parts (axis check every 0.25 s, per-rep metrics).
 */
function plainLoop(data: { tS: Float64Array; acc: Float64Array; gyro: Float64Array }): number {
  const { tS, acc, gyro } = data;
  const n0 = 0.48;
  const n1 = -0.6;
  const n2 = 0.64;
  const hist = new Float64Array(4096);
  let h = 0;
  let angle = 0;
  let lastT = Number.NaN;
  let lastW = 0;
  let bx = 0;
  let by = 0;
  let bz = 0;
  let mx = 0;
  let my = 0;
  let mz = 0;
  let dev2 = 0;
  let stillS = 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let speed = 0;
  let lastA = 0;
  let reps = 0;
  let away = false;
  for (let i = 0; i < tS.length; i++) {
    const t = tS[i]!;
    const ax = acc[3 * i]!;
    const ay = acc[3 * i + 1]!;
    const az = acc[3 * i + 2]!;
    const gx = gyro[3 * i]!;
    const gy = gyro[3 * i + 1]!;
    const gz = gyro[3 * i + 2]!;
    if (!Number.isFinite(ax + ay + az + gx + gy + gz)) continue;
    const an = Math.sqrt(ax * ax + ay * ay + az * az);
    const dt = t - lastT;
    lastT = t;
    if (!(dt > 0 && dt < 0.25)) {
      angle = -Math.atan2(az, ax) * 57.29;
      continue;
    }
    // Stillness and bias.
    const k = dt / 0.25;
    const dx = gx - mx;
    const dy = gy - my;
    const dz = gz - mz;
    mx += k * dx;
    my += k * dy;
    mz += k * dz;
    dev2 += (dt / 0.1) * (dx * dx + dy * dy + dz * dz - dev2);
    if (dev2 < 2 && Math.abs(an - 9.81) < 1) {
      stillS += dt;
      if (stillS > 0.4) {
        bx += dt * (mx - bx);
        by += dt * (my - by);
        bz += dt * (mz - bz);
      }
    } else stillS = 0;
    const wx = gx - bx;
    const wy = gy - by;
    const wz = gz - bz;
    if (wx * wx + wy * wy + wz * wz > 144) {
      s0 += wx * wx * dt;
      s1 += wy * wy * dt;
      s2 += wx * wy * dt;
    }
    // Fusion.
    const wn = wx * n0 + wy * n1 + wz * n2;
    const meas = -Math.atan2(az, ax) * 57.29;
    const q = wn / 15;
    const wgt = (Math.abs(an - 9.81) < 0.5 ? 1 : 0.5) / (1 + q * q);
    const pred = angle + 0.5 * (wn + lastW) * dt;
    let diff = meas - pred;
    if (diff > 180) diff -= 360;
    else if (diff < -180) diff += 360;
    angle = pred + dt * wgt * diff;
    lastW = wn;
    // Reps.
    speed += (dt / 0.15) * ((angle - lastA) / dt - speed);
    lastA = angle;
    hist[h] = angle;
    h = (h + 1) & 4095;
    if (!away && angle > 30) away = true;
    else if (away && angle < 10 && Math.abs(speed) < 10) {
      away = false;
      reps++;
    }
  }
  return reps + (s0 + s1 + s2 > 0 ? 0 : 1) + (hist[0]! > 1e9 ? 1 : 0);
}

/** The samples as the engine hands them over: one ImuBatch per packet (views, made once). */
function toBatches(
  data: { tS: Float64Array; acc: Float64Array; gyro: Float64Array },
  size: number,
): ImuBatch[] {
  const out: ImuBatch[] = [];
  const n = data.tS.length;
  for (let i = 0; i < n; i += size) {
    const j = Math.min(n, i + size);
    out.push({
      device: 'bench',
      count: j - i,
      tS: data.tS.subarray(i, j),
      accMs2: data.acc.subarray(3 * i, 3 * j),
      gyroDps: data.gyro.subarray(3 * i, 3 * j),
    });
  }
  return out;
}

function pipeline(batches: readonly ImuBatch[]): number {
  const est = createInclinationEstimator({ placement: 'shank', rateHz: RATE_HZ });
  const det = createRepDetector({ activity: 'standing-hamstring-curl' });
  let reps = 0;
  for (const b of batches) reps += det.push(est.push(b)).length;
  return reps + det.finish().length;
}

const RUN_S = 600;

/** A shank during a run: the gyro swings about a tilted axis once per stride (85 strides/min), with noise. */
function makeRun(): ImuBatch {
  const n = RUN_S * RATE_HZ;
  const tS = new Float64Array(n);
  const gyro = new Float64Array(3 * n);
  const acc = new Float64Array(3 * n);
  const axis = [0.36, 0.48, 0.8];
  let seed = 777;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / RATE_HZ;
    tS[i] = t;
    const phase = 2 * Math.PI * (85 / 60) * t;
    const w = 300 * Math.sin(phase) + 80 * Math.sin(2 * phase + 0.7);
    for (let k = 0; k < 3; k++) {
      gyro[3 * i + k] = w * axis[k]! + 3 * noise();
      acc[3 * i + k] = (k === 2 ? 9.81 : 0) + 4 * Math.sin(2 * phase + k) + noise();
    }
  }
  return { device: 'bench', count: n, tS, accMs2: acc, gyroDps: gyro };
}

function cadence(batches: readonly ImuBatch[]): number {
  const est = createCadenceEstimator({ placement: 'shank' });
  let spm = 0;
  for (const b of batches) for (const e of est.pushImu(b)) spm += e.spm;
  return spm;
}

/**
 * The autocorrelation each cadence estimate needs, computed directly (the O(n · lags) sums the estimator
 * used before it went through the FFT): one 8 s window of 400 grid values, 242 lags, per second of data.
 */
function cadenceDirectAutocorrelation(): number {
  const n = 400;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * i) / 35.3);
  const r = new Float64Array(n);
  let sink = 0;
  for (let s = 0; s < RUN_S; s++) {
    x[s % n] = -x[s % n]!;
    autocorrelate(x, n, 1, 242, r);
    sink += r[40]!;
  }
  return sink;
}

/** Process CPU time, s: the machine is shared, so per-core throughput is measured in CPU time. */
function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Best CPU seconds per call of each function over interleaved repetitions (warm-up first). */
function bestOf(fns: readonly (() => number)[], rounds: number): { s: number[]; results: number[] } {
  const results = fns.map((fn) => fn());
  const s = fns.map(() => Number.POSITIVE_INFINITY);
  for (let k = 0; k < rounds; k++) {
    fns.forEach((fn, i) => {
      const t0 = cpuS();
      results[i] = fn();
      s[i] = Math.min(s[i]!, cpuS() - t0);
    });
  }
  return { s, results };
}

/**
 * Inclination + rep detection in 10-sample batches (as a WitMotion stream arrives) against a hand-written
 * single loop of the per-sample core (a lower bound: it leaves out the processors' bookkeeping); cadence
 * (one estimate per second over an 8 s window) against the direct autocorrelation it replaced.
 */
export async function bench(report: (row: Row) => void): Promise<void> {
  const data = makeData();
  const batches = toBatches(data, BATCH);
  const m = bestOf([() => pipeline(batches), () => plainLoop(data)], 5);
  const [batched, plain] = m.s as [number, number];
  report({
    group: 'metrics',
    name: 'inclination + rep detection (10-sample batches)',
    value: SAMPLES / batched,
    unit: 'samples/s',
    baseline: SAMPLES / plain,
    note:
      `per CPU-second; ${SAMPLES} samples at ${RATE_HZ} Hz; baseline: a hand-written single loop of the ` +
      `per-sample core (a lower bound: no axis checks, no per-rep metrics); reps ${m.results[0]} (${m.results[1]})`,
  });
  const run = makeRun();
  const runBatches = toBatches({ tS: run.tS, acc: run.accMs2!, gyro: run.gyroDps! }, BATCH);
  const c = bestOf([() => cadence(runBatches), cadenceDirectAutocorrelation], 3);
  const [cad, direct] = c.s as [number, number];
  report({
    group: 'metrics',
    name: 'cadence (shank gyro, 100 Hz, 1 estimate/s)',
    value: run.count / cad,
    unit: 'samples/s',
    baseline: run.count / direct,
    note: `per CPU-second; baseline: only the direct O(n·lags) autocorrelation per estimate (the method before the FFT); mean ${(c.results[0]! / (RUN_S - 3)).toFixed(1)} spm`,
  });
}
