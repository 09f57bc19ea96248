import type { ForceBatch } from '@hamstream/core';
import type { ForceEffortDetector, RepEvent } from '../contracts.js';

/**
 * Force efforts (Tindeq pulls, force during a Nordic lowering): a causal state machine on the force above
 * a tracked rest baseline, with hysteresis; metrics are computed from the effort's samples when it ends.
 * Definitions (README): onset = the interpolated time where the force first rises above baseline +
 * max(2 % of the effort's peak above baseline, 4 σ of the rest noise, 1 N) before the detection crossing;
 * offset = the interpolated time where it falls below baseline + max(5 % of peak above baseline, onMinN/2);
 * RFD over 0–100/0–200 ms from onset; impulse = ∫(F − baseline) dt from onset to offset.
 */
export const FORCE_TUNING = {
  /** Detection threshold above baseline, N (an effort certainly started). */
  onMinN: 10,
  /** …and as a fraction of the typical effort's peak above baseline. */
  onFracOfTypical: 0.15,
  /** Counts as an effort when its peak above baseline reaches this, N… */
  countMinN: 20,
  /** …and this fraction of the typical effort. */
  countFracOfTypical: 0.3,
  /** Onset level: this fraction of the effort's peak above baseline (or the noise floor, or 1 N). */
  onsetFracOfPeak: 0.02,
  onsetNoiseSigmas: 4,
  onsetMinN: 1,
  /** Effort over when the force fell below this fraction of its peak above baseline (or half the floor). */
  offFracOfPeak: 0.05,
  /** Below the off level this long before the effort ends (no chatter at the end), s. */
  offHoldS: 0.1,
  /** Baseline tracking at rest: fast downwards, slow upwards. */
  baseDownTauS: 0.3,
  baseUpTauS: 3,
  /** Time steps longer than this (a disconnect) are left out of the impulse, s. */
  maxHoleS: 0.5,
  /** Shortest effort, s. */
  minEffortS: 0.15,
  /** History kept before a detection crossing to find the onset, s. */
  historyS: 3,
  /** Half window of the smoothing behind peakForceN, s (SG quadratic: peaks of smooth curves are kept). */
  peakHalfWindowS: 0.04,
  /** Hold: while the force stays within this fraction of the peak above baseline (holds fade a little). */
  holdFrac: 0.15,
  typicalOf: 5,
} as const;

export interface ForceEffortOptions {
  /** Overrides of the tuning (tests, unusual gauges). */
  onMinN?: number;
  countMinN?: number;
}

/** Returned when a push completes no effort: shared, so the hot path allocates nothing. */
const NO_EFFORTS: RepEvent[] = [];

export function createForceEffortDetector(opts: ForceEffortOptions = {}): ForceEffortDetector {
  return new ForceMachine(opts);
}

class ForceMachine implements ForceEffortDetector {
  private bufT = new Float64Array(2048);
  private bufF = new Float64Array(2048);
  private bufN = 0;

  private inEffort = false;
  private hasBase = false;
  private baseN = 0;
  private noiseVar = 0;
  private lastF = Number.NaN;
  private lastT = Number.NaN;
  private typicalN = 0;
  private readonly recent: number[] = [];

  private crossIdx = 0;
  private peakAbove = 0;
  private belowS = 0;
  private readonly onMinN: number;
  private readonly countMinN: number;

  private readonly events: RepEvent[] = [];

  constructor(opts: ForceEffortOptions) {
    this.onMinN = opts.onMinN ?? FORCE_TUNING.onMinN;
    this.countMinN = opts.countMinN ?? FORCE_TUNING.countMinN;
  }

  push(batch: ForceBatch): RepEvent[] {
    if (this.events.length !== 0) this.events.length = 0;
    for (let i = 0; i < batch.count; i++) {
      const t = batch.tS[i]!;
      const f = batch.forceN[i]!;
      if (!Number.isFinite(t) || !Number.isFinite(f) || t <= this.lastT) continue;
      this.step(t, f);
    }
    return this.events.length === 0 ? NO_EFFORTS : this.events.slice();
  }

  finish(): RepEvent[] {
    if (this.events.length !== 0) this.events.length = 0;
    // An effort still under way at the end is complete enough only if it has come most of the way down.
    if (this.inEffort && this.bufN > 0) {
      const last = this.bufF[this.bufN - 1]! - this.baseN;
      if (last <= 0.5 * this.peakAbove) this.finalize(this.bufN - 1);
    }
    this.inEffort = false;
    return this.events.slice();
  }

  private onLevel(): number {
    return Math.max(this.onMinN, FORCE_TUNING.onFracOfTypical * this.typicalN, 6 * Math.sqrt(this.noiseVar));
  }

  /** End-of-effort level above baseline: a fraction of the peak, never below half the detection floor. */
  private offAbove(peakAbove: number): number {
    return Math.max(FORCE_TUNING.offFracOfPeak * peakAbove, 0.5 * this.onMinN);
  }

  private step(t: number, f: number): void {
    const dt = t - this.lastT;
    const okDt = dt > 0 && dt < 1;
    const prevF = this.lastF;
    this.lastT = t;
    this.lastF = f;
    if (this.bufN === this.bufT.length) this.makeRoom(t);
    const idx = this.bufN++;
    this.bufT[idx] = t;
    this.bufF[idx] = f;
    if (!this.hasBase) {
      this.baseN = f;
      this.hasBase = true;
    }
    const above = f - this.baseN;
    if (!this.inEffort) {
      if (okDt) {
        const k = Math.min(1, dt / (f < this.baseN ? FORCE_TUNING.baseDownTauS : FORCE_TUNING.baseUpTauS));
        if (above < this.onLevel() * 0.5) {
          this.baseN += k * (f - this.baseN);
          const d = f - prevF;
          // Noise from successive differences (var(dF) = 2σ²), only at rest.
          this.noiseVar += Math.min(1, dt / 2) * ((d * d) / 2 - this.noiseVar);
        }
      }
      if (above >= this.onLevel()) {
        this.inEffort = true;
        this.crossIdx = idx;
        this.peakAbove = above;
        this.belowS = 0;
      } else if (idx > 256 && this.bufT[0]! < t - 2 * FORCE_TUNING.historyS) {
        this.dropOlderThan(t - FORCE_TUNING.historyS);
      }
      return;
    }
    if (above > this.peakAbove) this.peakAbove = above;
    if (above <= this.offAbove(this.peakAbove)) {
      this.belowS += okDt ? dt : 0;
      if (this.belowS >= FORCE_TUNING.offHoldS) {
        this.finalize(idx);
        this.inEffort = false;
        this.dropOlderThan(t - FORCE_TUNING.historyS);
      }
    } else {
      this.belowS = 0;
    }
  }

  private makeRoom(t: number): void {
    if (!this.inEffort) this.dropOlderThan(t - FORCE_TUNING.historyS);
    if (this.bufN < this.bufT.length) return;
    const nt = new Float64Array(this.bufT.length * 2);
    const nf = new Float64Array(this.bufF.length * 2);
    nt.set(this.bufT);
    nf.set(this.bufF);
    this.bufT = nt;
    this.bufF = nf;
  }

  private dropOlderThan(tMin: number): void {
    let k = 0;
    while (k < this.bufN - 1 && this.bufT[k]! < tMin) k++;
    if (k === 0) return;
    this.bufT.copyWithin(0, k, this.bufN);
    this.bufF.copyWithin(0, k, this.bufN);
    this.bufN -= k;
    this.crossIdx = Math.max(0, this.crossIdx - k);
  }

  private finalize(lastIdx: number): void {
    const T = this.bufT;
    const F = this.bufF;
    const base = this.baseN;
    // Peak of a Savitzky–Golay smoothing (quadratic, ±peakHalfWindowS): keeps the curvature of the force
    // curve while averaging out sensor noise, which a raw maximum adds to the peak (+2–3 σ).
    const spanS = T[lastIdx]! - T[this.crossIdx]!;
    const dtS = lastIdx > this.crossIdx && spanS > 0 ? spanS / (lastIdx - this.crossIdx) : 0.0125;
    const m = Math.max(2, Math.min(15, Math.round(FORCE_TUNING.peakHalfWindowS / dtS)));
    const norm = (2 * m + 3) * (2 * m + 1) * (2 * m - 1);
    const c0 = 3 * (3 * m * m + 3 * m - 1);
    let peakIdx = this.crossIdx;
    let peakForceN = Number.NEGATIVE_INFINITY;
    for (let i = this.crossIdx; i <= lastIdx; i++) {
      let f = F[i]!;
      if (i >= m && i + m <= lastIdx) {
        let acc = 0;
        let hi = Number.NEGATIVE_INFINITY;
        for (let k = -m; k <= m; k++) {
          const v = F[i + k]!;
          acc += (c0 - 15 * k * k) * v;
          if (v > hi) hi = v;
        }
        // Never above the raw samples it came from: SG overshoots at steps (fast releases, lost packets).
        f = Math.min(acc / norm, hi);
      }
      if (f > peakForceN) {
        peakForceN = f;
        peakIdx = i;
      }
    }
    const peakAbove = peakForceN - base;
    const typical = this.typicalN;
    if (peakAbove < this.countMinN || peakAbove < FORCE_TUNING.countFracOfTypical * typical) return;
    const level =
      base +
      Math.max(
        FORCE_TUNING.onsetFracOfPeak * peakAbove,
        FORCE_TUNING.onsetNoiseSigmas * Math.sqrt(this.noiseVar),
        FORCE_TUNING.onsetMinN,
      );
    // Onset: last upward crossing of `level` before the detection crossing, interpolated.
    let i0 = this.crossIdx;
    while (i0 > 0 && F[i0 - 1]! > level) i0--;
    const onsetS = i0 > 0 ? crossTime(T, F, i0 - 1, i0, level) : T[i0]!;
    // Offset: first downward crossing of the end level after the peak.
    const offLevel = base + this.offAbove(peakAbove);
    let i1 = peakIdx;
    while (i1 < lastIdx && F[i1 + 1]! > offLevel) i1++;
    const offsetS = i1 < lastIdx ? crossTime(T, F, i1, i1 + 1, offLevel) : T[i1]!;
    if (offsetS - onsetS < FORCE_TUNING.minEffortS) return;
    const fOnset = i0 > 0 ? level : F[i0]!;
    const f100 = forceAt(T, F, i0 > 0 ? i0 - 1 : i0, lastIdx, onsetS + 0.1);
    const f200 = forceAt(T, F, i0 > 0 ? i0 - 1 : i0, lastIdx, onsetS + 0.2);
    // Impulse above baseline, trapezoids, from onset to offset (partial end intervals interpolated).
    let impulse = 0;
    let pt = onsetS;
    let pf = fOnset - base;
    for (let i = i0; i <= i1; i++) {
      const ti = T[i]!;
      if (ti <= pt) continue;
      const fi = F[i]! - base;
      // Holes (a disconnect) are not bridged: the impulse covers the data that was seen.
      if (ti - pt <= FORCE_TUNING.maxHoleS) impulse += 0.5 * (pf + fi) * (ti - pt);
      pt = ti;
      pf = fi;
    }
    if (offsetS > pt) impulse += 0.5 * (pf + (offLevel - base)) * (offsetS - pt);
    // Tempo: rise to the hold band near the peak, hold, release.
    const band = base + (1 - FORCE_TUNING.holdFrac) * peakAbove;
    let enter = peakIdx;
    for (let i = i0; i <= peakIdx; i++) {
      if (F[i]! >= band) {
        enter = i;
        break;
      }
    }
    let leave = peakIdx;
    for (let i = i1; i >= peakIdx; i--) {
      if (F[i]! >= band) {
        leave = i;
        break;
      }
    }
    const rep: RepEvent = {
      startS: onsetS,
      endS: offsetS,
      romDeg: null,
      peakDeg: null,
      concentricS: Math.max(0, T[enter]! - onsetS),
      eccentricS: Math.max(0, offsetS - T[leave]!),
      holdS: Math.max(0, T[leave]! - T[enter]!),
      peakForceN,
      rfd100NPerS: f100 === null ? null : (f100 - fOnset) / 0.1,
      rfd200NPerS: f200 === null ? null : (f200 - fOnset) / 0.2,
      impulseNs: impulse,
    };
    this.events.push(rep);
    this.recent.push(peakAbove);
    if (this.recent.length > FORCE_TUNING.typicalOf) this.recent.shift();
    const s = this.recent.slice().sort((a, b) => a - b);
    this.typicalN = s[s.length >> 1]!;
  }
}

function crossTime(T: Float64Array, F: Float64Array, a: number, b: number, level: number): number {
  const fa = F[a]!;
  const fb = F[b]!;
  if (fb === fa) return T[b]!;
  const u = Math.min(1, Math.max(0, (level - fa) / (fb - fa)));
  return T[a]! + u * (T[b]! - T[a]!);
}

/** Force at time t by linear interpolation, or null beyond the buffered effort. */
function forceAt(T: Float64Array, F: Float64Array, from: number, to: number, t: number): number | null {
  for (let i = Math.max(from, 0); i < to; i++) {
    const ta = T[i]!;
    const tb = T[i + 1]!;
    if (t >= ta && t <= tb) {
      return tb > ta ? F[i]! + ((F[i + 1]! - F[i]!) * (t - ta)) / (tb - ta) : F[i + 1]!;
    }
  }
  return null;
}
