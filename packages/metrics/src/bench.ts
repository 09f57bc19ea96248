import type { ImuBatch } from '@hamstream/core';
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
function toBatches(data: { tS: Float64Array; acc: Float64Array; gyro: Float64Array }): ImuBatch[] {
  const out: ImuBatch[] = [];
  for (let i = 0; i < SAMPLES; i += BATCH) {
    const j = Math.min(SAMPLES, i + BATCH);
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

function timeIt(fn: () => number): { s: number; result: number } {
  const t0 = process.hrtime.bigint();
  const result = fn();
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, result };
}

/** Throughput of inclination + rep detection versus a plain single-pass loop doing the same math. */
export async function bench(report: (row: Row) => void): Promise<void> {
  const data = makeData();
  const batches = toBatches(data);
  // Warm up both paths (JIT) on the same data, then take the best of five interleaved runs each.
  timeIt(() => pipeline(batches));
  timeIt(() => plainLoop(data));
  let best = Number.POSITIVE_INFINITY;
  let bestPlain = Number.POSITIVE_INFINITY;
  let reps = 0;
  let plainReps = 0;
  for (let k = 0; k < 5; k++) {
    const a = timeIt(() => pipeline(batches));
    const b = timeIt(() => plainLoop(data));
    best = Math.min(best, a.s);
    bestPlain = Math.min(bestPlain, b.s);
    reps = a.result;
    plainReps = b.result;
  }
  report({
    group: 'metrics',
    name: 'inclination + rep detection (10-sample batches)',
    value: SAMPLES / best,
    unit: 'samples/s',
    baseline: SAMPLES / bestPlain,
    note: `${SAMPLES} samples at ${RATE_HZ} Hz; reps ${reps} (plain loop ${plainReps})`,
  });
}
