import type { CadenceReading, ImuBatch, Placement } from '@hamstream/core';
import type { CadenceEstimate, CadenceEstimator, CadenceOptions } from '../contracts.js';
import { symEigenvalues3, symEigenvector3 } from '../math/sym-eig3.js';
import { FftAutocorrelation } from './fft-autocorrelation.js';
import { findPeriod } from './periodicity.js';

/**
 * Running cadence, causal. IMU: the last `windowS` of data are resampled onto a 50 Hz grid (bin means,
 * so higher rates are anti-aliased; steps are ≤ 4.5 Hz), and the period is found by autocorrelation
 * (periodicity.ts; computed through the FFT, fft-autocorrelation.ts, as one estimate per second over an
 * 8 s window is the estimator's whole cost):
 * limbs (shank, foot, thigh, wrist) swing once per stride → steps = 2 × strides; trunk sensors (pelvis,
 * chest) bounce once per step. Signal: gyro about its principal axis over the window for limbs with a
 * gyro; otherwise the accelerometer magnitude (orientation-free). Estimates are emitted every whole
 * second of data time. Footpod readings (already steps/min, both feet) are used directly: the median of the
 * last three, once per reading, and every second in between (a lost notification repeats the last one).
 */
export const CADENCE_TUNING = {
  windowS: 8,
  /** First estimate once this much contiguous data is there (short treadmill windows need an answer). */
  minWindowS: 2.5,
  /** Grid of the autocorrelation. 50 Hz estimates differ from 100 Hz ones by 0.004 spm on average on the
   * fixtures (0.07 on Alcantara, 0.04 on Oxford) at a quarter of the work; 25 Hz loses accuracy on short or
   * irregular windows (Alcantara, Oxford). */
  gridHz: 50,
  /** Plausible step cadences, spm. */
  minSpm: 50,
  maxSpm: 270,
  /** Still: signal standard deviation below this (gyro dps, acc m/s²) → cadence 0. */
  stillGyroDps: 15,
  stillAccMs2: 0.4,
  /** A still stretch this long inside the window cuts it: only the movement after it counts, s. */
  stillRunS: 1,
  /** A sample-time jump larger than this restarts the window (like reset()); shorter holes (a lost frame or
   * a burst of lost packets: a step or two) are interpolated on the grid, which the rest of the 8 s window
   * outweighs, rather than costing the 2.5 s a restart needs before the next estimate. */
  maxStepS: 1.5,
  /** Footpod readings: a footpod reports its own (already averaged) cadence, so the estimate is the median
   * of the last readingMedianOf readings within readingWindowS (one odd reading is outvoted, a change is
   * followed within a reading); zeros before the newest non-zero reading are the stand before the start. */
  readingMedianOf: 3,
  readingWindowS: 3.5,
  /** Whole seconds without a reading (a lost notification) up to this long are filled with the last
   * estimate, so that there is one per second; longer silences are not, s. */
  readingFillS: 3,
  /** Baseline: the first 60 s of running in which at least baselineInlierFrac of the estimates lie within
   * ±baselineTolFrac of their median; the baseline is the mean of those. */
  baselineSpanS: 60,
  baselineTolFrac: 0.02,
  baselineInlierFrac: 0.75,
  /** Refinement uses lags up to this fraction of the window (enough overlap for a stable r). */
  refineFrac: 0.6,
  /** r(2P) exceeding r(P) by more than this: the period P is a step (left and right halves differ). */
  halvesDiffer: 0.1,
  /** Trunk: a peak at half the period at least this high is the step. */
  halfPeakMin: 0.3,
  /** Slower "steps" than this, with a strong rhythm, are strides (walking is faster), spm. */
  minStepSpm: 70,
} as const;

type Mode = 'gyro-limb' | 'acc-magnitude';

const LIMB: ReadonlySet<Placement> = new Set<Placement>(['shank', 'foot', 'thigh', 'wrist']);

export function createCadenceEstimator(opts: CadenceOptions): CadenceEstimator {
  return new Cadence(opts);
}

class Cadence implements CadenceEstimator {
  private readonly perStride: boolean;
  // Raw ring: t + 3 values (gyro xyz, or |acc| in v0).
  private readonly cap = 1 << 13;
  private readonly rt = new Float64Array(this.cap);
  private readonly rv = new Float64Array(3 * this.cap);
  private head = 0; // next write position
  private size = 0;
  private mode: Mode | null = null;
  private lastT = Number.NaN;
  private windowStartT = Number.NaN;
  private nextEmitT = Number.NaN;

  // Scratch.
  private readonly grid = new Float64Array(3 * (CADENCE_TUNING.windowS * CADENCE_TUNING.gridHz + 8));
  private readonly gridN = new Float64Array(CADENCE_TUNING.windowS * CADENCE_TUNING.gridHz + 8);
  private readonly r = new Float64Array(CADENCE_TUNING.windowS * CADENCE_TUNING.gridHz + 8);
  private readonly m = new Float64Array(6);
  private readonly eig = new Float64Array(3);
  private readonly axis = new Float64Array(3);
  private readonly acf = new FftAutocorrelation();
  /** findPeriod's lazily computed lags (one closure per instance, not per estimate). */
  private readonly ensureLags = (lo: number, hi: number): void => this.acf.lags(this.r, lo, hi);

  // Footpod readings.
  private readonly readings: { tS: number; spm: number }[] = [];
  private lastReadingEstimate: { tS: number; spm: number } | null = null;

  // Baseline.
  private baselineSpm: number | null;
  private readonly history: { tS: number; spm: number }[] = [];

  private readonly out: CadenceEstimate[] = [];

  constructor(readonly opts: CadenceOptions) {
    this.perStride = LIMB.has(opts.placement);
    this.baselineSpm =
      opts.baselineSpm !== undefined && Number.isFinite(opts.baselineSpm) && opts.baselineSpm > 0
        ? opts.baselineSpm
        : null;
  }

  /**
   * A gap before the next sample. The decision is made on the data's own time step (a hole longer than
   * maxStepS restarts the window; short packet-loss holes are interpolated on the grid), so a reset never
   * changes the result for gap-free data. Footpod readings age out of their window by themselves.
   */
  reset(): void {
    // Nothing to forget eagerly: see above.
  }

  pushReading(reading: CadenceReading): CadenceEstimate[] {
    const t = reading.tS;
    const spm = reading.cadenceSpm;
    if (!Number.isFinite(t) || !Number.isFinite(spm) || spm < 0) return [];
    const rs = this.readings;
    if (rs.length > 0 && t <= rs[rs.length - 1]!.tS) return [];
    const out: CadenceEstimate[] = [];
    // Seconds a lost notification left without an estimate get the last one (computed before them).
    const last = this.lastReadingEstimate;
    if (last !== null && t - last.tS <= CADENCE_TUNING.readingFillS) {
      for (let k = Math.floor(last.tS) + 1; k < Math.floor(t); k++) out.push(this.estimate(k, last.spm));
    }
    rs.push({ tS: t, spm });
    while (rs.length > CADENCE_TUNING.readingMedianOf || rs[0]!.tS < t - CADENCE_TUNING.readingWindowS)
      rs.shift();
    const value = readingMedian(rs);
    this.lastReadingEstimate = { tS: t, spm: value };
    out.push(this.estimate(t, value));
    return out;
  }

  pushImu(batch: ImuBatch): CadenceEstimate[] {
    if (this.out.length !== 0) this.out.length = 0;
    if (this.mode === null) {
      if (this.perStride && batch.gyroDps !== null) this.mode = 'gyro-limb';
      else if (batch.accMs2 !== null) this.mode = 'acc-magnitude';
      else if (batch.gyroDps !== null) this.mode = 'gyro-limb';
      else return [];
    }
    const useGyro = this.mode === 'gyro-limb';
    const src = useGyro ? batch.gyroDps : batch.accMs2;
    if (src === null) return [];
    for (let i = 0; i < batch.count; i++) {
      const t = batch.tS[i]!;
      const x = src[3 * i]!;
      const y = src[3 * i + 1]!;
      const z = src[3 * i + 2]!;
      if (!Number.isFinite(t) || !Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
      const dt = t - this.lastT;
      if (dt <= 0) continue;
      if (!(dt <= CADENCE_TUNING.maxStepS)) {
        this.size = 0;
        this.windowStartT = t;
      }
      this.lastT = t;
      const h = this.head;
      this.rt[h] = t;
      this.rv[3 * h] = x;
      this.rv[3 * h + 1] = y;
      this.rv[3 * h + 2] = z;
      this.head = (h + 1) & (this.cap - 1);
      if (this.size < this.cap) this.size++;
      if (Number.isNaN(this.nextEmitT)) this.nextEmitT = Math.floor(t) + 1;
      if (t >= this.nextEmitT) {
        this.nextEmitT = Math.floor(t) + 1;
        if (t - this.windowStartT >= CADENCE_TUNING.minWindowS) {
          const spm = this.computeSpm(t, useGyro);
          if (spm !== null) this.out.push(this.estimate(t, spm));
        }
      }
    }
    return this.out.length === 0 ? [] : this.out.slice();
  }

  private estimate(tS: number, spm: number): CadenceEstimate {
    this.updateBaseline(tS, spm);
    const base = this.baselineSpm;
    return { tS, spm, changePct: base === null ? null : ((spm - base) / base) * 100 };
  }

  private updateBaseline(tS: number, spm: number): void {
    if (this.baselineSpm !== null) return;
    const h = this.history;
    if (spm <= 0) {
      h.length = 0; // standing still breaks a steady minute
      return;
    }
    h.push({ tS, spm });
    while (h.length > 0 && h[0]!.tS < tS - CADENCE_TUNING.baselineSpanS) h.shift();
    // Spans a minute (allowing one emission period of slack at either end).
    if (h.length < 2 || h[h.length - 1]!.tS - h[0]!.tS < CADENCE_TUNING.baselineSpanS - 2) return;
    const sorted = h.map((x) => x.spm).sort((a, b) => a - b);
    const med = sorted[sorted.length >> 1]!;
    const tol = CADENCE_TUNING.baselineTolFrac * med;
    // Steady: most estimates of the minute near its median; start-up and a step at its end are outliers.
    let sum = 0;
    let n = 0;
    for (const x of h) {
      if (Math.abs(x.spm - med) <= tol) {
        sum += x.spm;
        n++;
      }
    }
    if (n < CADENCE_TUNING.baselineInlierFrac * h.length) return;
    this.baselineSpm = sum / n;
  }
  /** Stores one grid bin's means (of `count` raw samples) if it has any and lies in the window; 1 if stored. */
  private storeBin(n: number, bin: number, sumX: number, sumY: number, sumZ: number, count: number): number {
    if (count === 0 || bin >= n) return 0;
    const g = this.grid;
    g[bin] = sumX / count;
    g[n + bin] = sumY / count;
    g[2 * n + bin] = sumZ / count;
    this.gridN[bin] = count;
    return 1;
  }

  /** Cadence over the last window ending at tEnd, or null when the signal is not periodic. */
  private computeSpm(tEnd: number, useGyro: boolean): number | null {
    const gridHz = CADENCE_TUNING.gridHz;
    const span = Math.min(CADENCE_TUNING.windowS, tEnd - this.windowStartT);
    let n = Math.floor(span * gridHz);
    if (n < 16) return null;
    const t0 = tEnd - n / gridHz;
    const cap = this.cap;
    const first = (this.head - this.size + cap) & (cap - 1);
    // Only the window's samples (the ring holds far more): the first at or after t0, by bisection.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.rt[(first + mid) & (cap - 1)]! < t0) lo = mid + 1;
      else hi = mid;
    }
    const startK = lo;
    // Bin means onto the grid, component by component (grid[c·n + b]), in one pass over the raw samples
    // with the gyro's moments. Limb gyro: the swing axis (principal axis of the gyro covariance over the
    // window) gives one signal; its bin means are the projections of the components' (linear), so the
    // components are binned before the axis is known. Accelerometer: all three components (gravity is
    // removed with the mean), so the autocorrelation is orientation-free and keeps the direction of the
    // swing (|a| folds it and doubles arm/thigh rhythms).
    const g = this.grid;
    const gn = this.gridN;
    gn.fill(0, 0, n);
    const rt = this.rt;
    const rv = this.rv;
    let sx = 0;
    let sy = 0;
    let sz = 0;
    let sxx = 0;
    let syy = 0;
    let szz = 0;
    let sxy = 0;
    let sxz = 0;
    let syz = 0;
    // Samples are in time order, so a bin's samples are consecutive: summed in registers, written once.
    let bin = -1;
    let filled = 0;
    let bx = 0;
    let by = 0;
    let bz = 0;
    let bc = 0;
    for (let k = startK; k < this.size; k++) {
      const j = (first + k) & (cap - 1);
      const x = rv[3 * j]!;
      const y = rv[3 * j + 1]!;
      const z = rv[3 * j + 2]!;
      if (useGyro) {
        sx += x;
        sy += y;
        sz += z;
        sxx += x * x;
        syy += y * y;
        szz += z * z;
        sxy += x * y;
        sxz += x * z;
        syz += y * z;
      }
      // t ≥ t0 from startK on: truncation is the floor.
      const b = ((rt[j]! - t0) * gridHz) | 0;
      if (b !== bin) {
        filled += this.storeBin(n, bin, bx, by, bz, bc);
        bin = b;
        bx = 0;
        by = 0;
        bz = 0;
        bc = 0;
      }
      bx += x;
      by += y;
      bz += z;
      bc++;
    }
    filled += this.storeBin(n, bin, bx, by, bz, bc);
    let dims = 3;
    if (useGyro) {
      const cnt = this.size - startK;
      if (cnt < 8) return null;
      const mx = sx / cnt;
      const my = sy / cnt;
      const mz = sz / cnt;
      const m = this.m;
      m[0] = sxx / cnt - mx * mx;
      m[1] = syy / cnt - my * my;
      m[2] = szz / cnt - mz * mz;
      m[3] = sxy / cnt - mx * my;
      m[4] = sxz / cnt - mx * mz;
      m[5] = syz / cnt - my * mz;
      symEigenvalues3(m, this.eig);
      if (Math.sqrt(Math.max(0, this.eig[0]!)) < CADENCE_TUNING.stillGyroDps) return 0;
      const ax = this.axis;
      if (!symEigenvector3(m, this.eig[0]!, ax)) return null;
      const a0 = ax[0]!;
      const a1 = ax[1]!;
      const a2 = ax[2]!;
      for (let b = 0; b < n; b++) g[b] = g[b]! * a0 + g[n + b]! * a1 + g[2 * n + b]! * a2;
      dims = 1;
    }
    // Empty bins (data slower than the grid, or lost packets) are interpolated; usually there are none.
    if (filled < n) for (let c = 0; c < dims; c++) if (!fillGrid(g, gn, c * n, n)) return null;
    // The window never reaches back into standing still: cadence is that of the current bout (a window
    // half standing, half running is aperiodic or biased in the first seconds of a run).
    const active = activeStart(g, gn, n, dims, useGyro);
    if (active > 0) {
      const m2 = n - active;
      if (m2 < CADENCE_TUNING.minWindowS * gridHz) return active >= n - STILL_BLOCK ? 0 : null;
      for (let c = 0; c < dims; c++) g.copyWithin(c * m2, c * n + active, c * n + n);
      n = m2;
    }
    let varSum = 0;
    for (let c = 0; c < dims; c++) {
      // Two partial sums each: independent additions instead of one dependency chain.
      const o = c * n;
      let m0 = 0;
      let m1 = 0;
      let b = 0;
      for (; b + 1 < n; b += 2) {
        m0 += g[o + b]!;
        m1 += g[o + b + 1]!;
      }
      if (b < n) m0 += g[o + b]!;
      const mean = (m0 + m1) / n;
      let v0 = 0;
      let v1 = 0;
      for (b = 0; b + 1 < n; b += 2) {
        const d0 = g[o + b]! - mean;
        const d1 = g[o + b + 1]! - mean;
        g[o + b] = d0;
        g[o + b + 1] = d1;
        v0 += d0 * d0;
        v1 += d1 * d1;
      }
      if (b < n) {
        const d0 = g[o + b]! - mean;
        g[o + b] = d0;
        v0 += d0 * d0;
      }
      varSum += v0 + v1;
    }
    if (!useGyro && Math.sqrt(varSum / n) < CADENCE_TUNING.stillAccMs2) return 0;
    // Fundamental over all plausible step and stride periods.
    const minLag = Math.floor((60 / CADENCE_TUNING.maxSpm) * gridHz);
    const maxLag = Math.ceil((120 / CADENCE_TUNING.minSpm) * gridHz);
    const refineMax = Math.floor(CADENCE_TUNING.refineFrac * n);
    const lagLimit = Math.min(n - 2, Math.max(maxLag, refineMax) + 2);
    const searchMax = Math.min(maxLag, lagLimit - 1);
    // The search needs every lag up to searchMax + 1; the refinement and the step/stride test only a few
    // beyond, computed on demand (fft-autocorrelation.ts).
    this.acf.transform(g, n, dims, searchMax + 1, this.r);
    const res = findPeriod(this.r, n, minLag, searchMax, Math.max(refineMax, minLag), this.ensureLags);
    if (res.periodSamples <= 0) return null;
    let periodS = res.periodSamples / gridHz;
    // Step or stride? If the signal repeats clearly better over two periods, the period is a step (its
    // halves differ: left and right). Otherwise the period is the whole cycle: a stride for a limb, a step
    // for the trunk, unless that would be an implausibly slow walk (a trunk sensor moving like a limb).
    const l2 = Math.round(2 * res.periodSamples);
    if (l2 + 1 <= lagLimit) this.acf.lags(this.r, l2 - 1, l2 + 1);
    const r2 = l2 + 1 <= lagLimit ? Math.max(this.r[l2 - 1]!, this.r[l2]!, this.r[l2 + 1]!) : Number.NaN;
    let unit: 1 | 2;
    if (r2 - res.strength > CADENCE_TUNING.halvesDiffer) unit = 1;
    else if (this.perStride) unit = 120 / periodS > CADENCE_TUNING.maxSpm ? 1 : 2;
    else {
      // Trunk: a clear peak at half the period is the step (left and right steps a little different).
      this.acf.lags(this.r, 0, Math.ceil(0.575 * res.periodSamples) + 1);
      const half = halfPeriodPeak(this.r, res.periodSamples, Math.max(minLag, 1));
      if (half > 0) {
        periodS = half / gridHz;
        unit = 1;
      } else unit = 60 / periodS < CADENCE_TUNING.minStepSpm ? 2 : 1;
    }
    const spm = (60 * unit) / periodS;
    if (!(spm >= CADENCE_TUNING.minSpm && spm <= CADENCE_TUNING.maxSpm)) return null;
    return spm;
  }
}

/** Stillness is judged over blocks of this many grid bins (0.5 s), aligned to the window's end. */
const STILL_BLOCK = CADENCE_TUNING.gridHz / 2;

/**
 * First bin after the latest stretch of at least `stillRunS` of still blocks (signal SD below the still
 * threshold: gyro dps, or the accelerometer vector's m/s²), or 0 when the window has none. A block that is
 * mostly interpolated (a hole in the data) is not evidence of stillness.
 */
function activeStart(g: Float64Array, gn: Float64Array, n: number, dims: number, useGyro: boolean): number {
  const limit = useGyro ? CADENCE_TUNING.stillGyroDps : CADENCE_TUNING.stillAccMs2;
  const need = Math.ceil(CADENCE_TUNING.stillRunS * 2);
  let run = 0;
  for (let end = n; end - STILL_BLOCK >= 0; end -= STILL_BLOCK) {
    const from = end - STILL_BLOCK;
    // Empty bins are normal below the grid rate (10–50 Hz data); a fifth of a second without data is a hole.
    let empty = 0;
    let longestEmpty = 0;
    for (let b = from; b < end; b++) {
      empty = gn[b]! > 0 ? 0 : empty + 1;
      if (empty > longestEmpty) longestEmpty = empty;
    }
    if (longestEmpty > STILL_BLOCK / 2.5) {
      run = 0;
      continue;
    }
    // Sum of squared deviations in one pass: sums of d = x − x_first (shifted, so no cancellation
    // against a large mean such as gravity), Σ(x − mean)² = Σd² − (Σd)²/K.
    let v = 0;
    for (let c = 0; c < dims; c++) {
      const o = c * n;
      const shift = g[o + from]!;
      let s1 = 0;
      let s2 = 0;
      for (let b = from; b < end; b++) {
        const d = g[o + b]! - shift;
        s1 += d;
        s2 += d * d;
      }
      v += s2 - (s1 * s1) / STILL_BLOCK;
    }
    if (Math.sqrt(v / STILL_BLOCK) < limit) {
      run++;
      if (run >= need) {
        // The still stretch ends where the active tail begins.
        return Math.min(n, end + (run - 1) * STILL_BLOCK);
      }
    } else run = 0;
  }
  return 0;
}

/**
 * Median of the recent footpod readings. A zero means the pod saw no steps: it is the answer when it is the
 * newest reading (the runner stopped), and ignored before a newer non-zero one (the stand before the start
 * must not drag the first seconds of running down).
 */
function readingMedian(rs: readonly { tS: number; spm: number }[]): number {
  const newest = rs[rs.length - 1]!.spm;
  if (newest === 0) return 0;
  const xs: number[] = [];
  for (const r of rs) if (r.spm > 0) xs.push(r.spm);
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
}

/** Interpolated lag of a local maximum of r near period/2 with r ≥ halfPeakMin, or 0. */
function halfPeriodPeak(r: Float64Array, period: number, minLag: number): number {
  const c = period / 2;
  const lo = Math.max(minLag, Math.floor(c * 0.85));
  const hi = Math.ceil(c * 1.15);
  let best = -1;
  for (let i = Math.max(lo, 1); i <= hi; i++) {
    if (r[i]! >= r[i - 1]! && r[i]! > r[i + 1]! && (best < 0 || r[i]! > r[best]!)) best = i;
  }
  if (best < 0 || r[best]! < CADENCE_TUNING.halfPeakMin) return 0;
  const a = r[best - 1]!;
  const b = r[best]!;
  const d = r[best + 1]!;
  const den = a - 2 * b + d;
  return den < 0 ? best + Math.max(-0.5, Math.min(0.5, (0.5 * (a - d)) / den)) : best;
}

/** Fills empty bins of grid[off..off+n) (bin means) by linear interpolation between filled ones; false if all empty. */
function fillGrid(g: Float64Array, gn: Float64Array, off: number, n: number): boolean {
  let prev = -1;
  for (let b = 0; b < n; b++) {
    if (gn[b]! > 0) {
      if (prev >= 0 && b - prev > 1) {
        for (let q = prev + 1; q < b; q++) {
          g[off + q] = g[off + prev]! + ((g[off + b]! - g[off + prev]!) * (q - prev)) / (b - prev);
        }
      } else if (prev < 0) {
        for (let q = 0; q < b; q++) g[off + q] = g[off + b]!;
      }
      prev = b;
    }
  }
  if (prev < 0) return false;
  for (let q = prev + 1; q < n; q++) g[off + q] = g[off + prev]!;
  return true;
}
