import type { Vec3 } from '../math/rotation.js';
import type { Profile, ProfileState } from './profile.js';

/**
 * Running gait driven by a stride phase φ(t) (cycles; the instrumented foot strikes at integer φ).
 * φ is the integral of the planned cadence plus a small bounded phase wobble (stride-to-stride
 * variability that averages out, so the planned cadence stays the true mean cadence).
 */
export class GaitModel {
  private readonly dtS = 0.001;
  private readonly phaseGrid: Float64Array;
  /** Instrumented-foot strikes (φ crosses an integer while running), s. */
  readonly footStrikesS: readonly number[];
  /** All steps, both feet (2φ crosses an integer while running), s. */
  readonly stepsS: readonly number[];

  constructor(
    /** Steps per minute, both feet. */
    readonly cadenceSpm: Profile,
    /** 0 standing … 1 running: scales every gait movement. */
    readonly envelope: Profile,
    readonly speedMps: Profile,
    private readonly wobbleCycles: Profile,
    readonly durationS: number,
  ) {
    const n = Math.ceil(durationS / this.dtS) + 2;
    this.phaseGrid = new Float64Array(n);
    let prev = cadenceSpm.at(0).pos / 120;
    for (let i = 1; i < n; i++) {
      const f = cadenceSpm.at(i * this.dtS).pos / 120;
      this.phaseGrid[i] = this.phaseGrid[i - 1]! + 0.5 * (prev + f) * this.dtS;
      prev = f;
    }
    const strikes: number[] = [];
    const steps: number[] = [];
    let prevPhase = this.phase(0).pos;
    for (let i = 1; i < n; i++) {
      const t = i * this.dtS;
      const ph = this.phase(t).pos;
      if (this.envelope.at(t).pos > 0.5) {
        if (Math.floor(ph) > Math.floor(prevPhase)) strikes.push(t);
        if (Math.floor(2 * ph) > Math.floor(2 * prevPhase)) steps.push(t);
      }
      prevPhase = ph;
    }
    this.footStrikesS = strikes;
    this.stepsS = steps;
  }

  /** Stride phase (cycles), its rate (strides/s) and rate of change. */
  phase(tS: number): ProfileState {
    const i = Math.max(0, Math.min(this.phaseGrid.length - 2, Math.floor(tS / this.dtS)));
    const c = this.cadenceSpm.at(tS);
    const base =
      this.phaseGrid[i]! + ((this.phaseGrid[i + 1]! - this.phaseGrid[i]!) * (tS - i * this.dtS)) / this.dtS;
    const w = this.wobbleCycles.at(tS);
    return { pos: base + w.pos, vel: c.pos / 120 + w.vel, acc: c.vel / 120 + w.acc };
  }
}

export interface Harmonic {
  /** Amplitude in the profile's unit. */
  ampl: number;
  /** Multiple of the stride frequency (1 = once per stride, 2 = once per step). */
  k: number;
  /** Phase (cycles) of the peak. */
  peakAt: number;
}

/**
 * A periodic function of the stride phase, g(φ) = offset + Σ ampl·cos(2πk(φ − peakAt)), scaled by
 * the running envelope E(t): value E·g with exact first and second time derivatives.
 */
export class GaitProfile implements Profile {
  constructor(
    private readonly gait: GaitModel,
    private readonly offset: number,
    private readonly harmonics: readonly Harmonic[],
  ) {}

  at(tS: number): ProfileState {
    const ph = this.gait.phase(tS);
    const e = this.gait.envelope.at(tS);
    let g = this.offset;
    let g1 = 0;
    let g2 = 0;
    for (const h of this.harmonics) {
      const w = 2 * Math.PI * h.k;
      const x = w * (ph.pos - h.peakAt);
      const c = Math.cos(x);
      const s = Math.sin(x);
      g += h.ampl * c;
      g1 -= h.ampl * w * s;
      g2 -= h.ampl * w * w * c;
    }
    const gv = g1 * ph.vel;
    const ga = g2 * ph.vel * ph.vel + g1 * ph.acc;
    return { pos: e.pos * g, vel: e.vel * g + e.pos * gv, acc: e.acc * g + 2 * e.vel * gv + e.pos * ga };
  }
}

/** A damped oscillation started by each foot strike: soft-tissue and bone shock, m/s², world frame. */
export function impactAcceleration(
  strikesS: readonly number[],
  peakMs2: number,
  decayS: number,
  freqHz: number,
  direction: Vec3,
): (tS: number) => Vec3 {
  return (tS) => {
    // binary search: last strike at or before tS
    let lo = 0;
    let hi = strikesS.length - 1;
    if (hi < 0 || strikesS[0]! > tS) return [0, 0, 0];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (strikesS[mid]! <= tS) lo = mid;
      else hi = mid - 1;
    }
    const tau = tS - strikesS[lo]!;
    if (tau > 8 * decayS) return [0, 0, 0];
    const a = peakMs2 * Math.exp(-tau / decayS) * Math.sin(2 * Math.PI * freqHz * tau);
    return [a * direction[0], a * direction[1], a * direction[2]];
  };
}
