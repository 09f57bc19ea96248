import type { Rng } from '../random.js';

/** Position, velocity and acceleration of a scalar profile at one instant (units of the profile, per s, per s²). */
export interface ProfileState {
  pos: number;
  vel: number;
  acc: number;
}

/** A scalar function of time with analytic first and second derivatives (an angle in degrees, a force in N). */
export interface Profile {
  at(tS: number): ProfileState;
}

interface Piece {
  t0: number;
  t1: number;
  /** Quintic coefficients in τ = t − t0. */
  c: readonly [number, number, number, number, number, number];
}

/**
 * Coefficients of the quintic that goes from (p0, v0, a0) to (p1, v1, a1) in `T` seconds: the
 * minimum-jerk movement when both ends are at rest. Human point-to-point movements follow this shape
 * closely (Flash & Hogan 1985), and it keeps position, velocity and acceleration continuous, so the
 * accelerometer never sees a physically impossible step.
 */
function quintic(
  p0: number,
  v0: number,
  a0: number,
  p1: number,
  v1: number,
  a1: number,
  T: number,
): Piece['c'] {
  const d = p1 - p0;
  const T2 = T * T;
  const T3 = T2 * T;
  return [
    p0,
    v0,
    a0 / 2,
    (20 * d - (8 * v1 + 12 * v0) * T - (3 * a0 - a1) * T2) / (2 * T3),
    (-30 * d + (14 * v1 + 16 * v0) * T + (3 * a0 - 2 * a1) * T2) / (2 * T3 * T),
    (12 * d - 6 * (v1 + v0) * T - (a0 - a1) * T2) / (2 * T3 * T2),
  ];
}

/** A piecewise-quintic profile; constant before its first and after its last piece. */
export class PiecewiseProfile implements Profile {
  private readonly pieces: readonly Piece[];
  private cursor = 0;
  constructor(
    private readonly initial: number,
    pieces: readonly Piece[],
  ) {
    this.pieces = pieces;
  }

  at(tS: number): ProfileState {
    const ps = this.pieces;
    if (ps.length === 0) return { pos: this.initial, vel: 0, acc: 0 };
    // Evaluation is almost always in increasing time: move a cursor, fall back to a binary search.
    let i = this.cursor;
    const cur = ps[i]!;
    if (!(tS >= cur.t0 && tS < cur.t1)) {
      const nxt = ps[i + 1];
      if (nxt && tS >= nxt.t0 && tS < nxt.t1) i++;
      else {
        let lo = 0;
        let hi = ps.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (ps[mid]!.t0 <= tS) lo = mid;
          else hi = mid - 1;
        }
        i = lo;
      }
      this.cursor = i;
    }
    const p = ps[i]!;
    if (tS < p.t0) return this.evalPiece(ps[0]!, ps[0]!.t0, true);
    if (tS >= p.t1) {
      // After the end of piece i: constant at its end value if nothing follows before tS.
      return this.evalPiece(p, p.t1, true);
    }
    return this.evalPiece(p, tS, false);
  }

  private evalPiece(p: Piece, tS: number, frozen: boolean): ProfileState {
    const [c0, c1, c2, c3, c4, c5] = p.c;
    const x = tS - p.t0;
    const pos = c0 + x * (c1 + x * (c2 + x * (c3 + x * (c4 + x * c5))));
    if (frozen) return { pos, vel: 0, acc: 0 };
    const vel = c1 + x * (2 * c2 + x * (3 * c3 + x * (4 * c4 + x * 5 * c5)));
    const acc = 2 * c2 + x * (6 * c3 + x * (12 * c4 + x * 20 * c5));
    return { pos, vel, acc };
  }
}

/**
 * Builds a profile as a chain of movements: every `moveTo` starts from where the last one ended
 * (position, velocity and acceleration), so the result is C² continuous.
 */
export class ProfileBuilder {
  private readonly pieces: Piece[] = [];
  private tNow: number;
  private pos: number;
  private vel = 0;
  private acc = 0;
  private readonly initial: number;

  constructor(startS: number, startValue: number) {
    this.tNow = startS;
    this.pos = startValue;
    this.initial = startValue;
  }

  get tS(): number {
    return this.tNow;
  }
  get value(): number {
    return this.pos;
  }
  get velocity(): number {
    return this.vel;
  }

  /** Moves to `target` in `durS`, ending with the given velocity and acceleration (default: at rest). */
  moveTo(target: number, durS: number, end: { vel?: number; acc?: number } = {}): this {
    if (!(durS > 0)) throw new RangeError(`movement duration must be > 0, got ${durS}`);
    const v1 = end.vel ?? 0;
    const a1 = end.acc ?? 0;
    this.pieces.push({
      t0: this.tNow,
      t1: this.tNow + durS,
      c: quintic(this.pos, this.vel, this.acc, target, v1, a1, durS),
    });
    this.tNow += durS;
    this.pos = target;
    this.vel = v1;
    this.acc = a1;
    return this;
  }

  /** Stays put for `durS` (only valid at rest). */
  hold(durS: number): this {
    if (durS <= 0) return this;
    if (this.vel !== 0 || this.acc !== 0) throw new Error('hold() needs the profile to be at rest');
    this.pieces.push({ t0: this.tNow, t1: this.tNow + durS, c: [this.pos, 0, 0, 0, 0, 0] });
    this.tNow += durS;
    return this;
  }

  /** Holds until `tS` (no-op if already there). */
  holdUntil(tS: number): this {
    return this.hold(tS - this.tNow);
  }

  build(): PiecewiseProfile {
    return new PiecewiseProfile(this.initial, [...this.pieces]);
  }
}

/** A sum of sinusoids: physiological tremor and postural sway, with exact derivatives. */
export class OscillationProfile implements Profile {
  constructor(private readonly terms: readonly { ampl: number; freqHz: number; phaseRad: number }[]) {}

  at(tS: number): ProfileState {
    let pos = 0;
    let vel = 0;
    let acc = 0;
    for (const { ampl, freqHz, phaseRad } of this.terms) {
      const w = 2 * Math.PI * freqHz;
      const ph = w * tS + phaseRad;
      const s = Math.sin(ph);
      pos += ampl * s;
      vel += ampl * w * Math.cos(ph);
      acc -= ampl * w * w * s;
    }
    return { pos, vel, acc };
  }

  /** Random tremor (8–11 Hz) and sway (0.1–0.6 Hz) terms; amplitudes in the profile's unit. */
  static random(rng: Rng, tremorAmpl: number, swayAmpl: number): OscillationProfile {
    const terms: { ampl: number; freqHz: number; phaseRad: number }[] = [];
    for (let i = 0; i < 3; i++) {
      terms.push({
        ampl: tremorAmpl * rng.uniform(0.3, 0.7),
        freqHz: rng.uniform(8, 11),
        phaseRad: rng.uniform(0, 6.283),
      });
    }
    for (let i = 0; i < 2; i++) {
      terms.push({
        ampl: swayAmpl * rng.uniform(0.4, 0.8),
        freqHz: rng.uniform(0.1, 0.6),
        phaseRad: rng.uniform(0, 6.283),
      });
    }
    return new OscillationProfile(terms);
  }
}

/** Pointwise sum of profiles. */
export class SumProfile implements Profile {
  constructor(private readonly parts: readonly Profile[]) {}
  at(tS: number): ProfileState {
    let pos = 0;
    let vel = 0;
    let acc = 0;
    for (const p of this.parts) {
      const s = p.at(tS);
      pos += s.pos;
      vel += s.vel;
      acc += s.acc;
    }
    return { pos, vel, acc };
  }
}

/** A profile that never changes. */
export const constantProfile = (value: number): Profile => ({ at: () => ({ pos: value, vel: 0, acc: 0 }) });

/** Largest minus smallest value of a profile over [fromS, toS], evaluated every `stepS`. */
export function rangeOver(
  profile: Profile,
  fromS: number,
  toS: number,
  stepS = 0.001,
): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const n = Math.max(1, Math.ceil((toS - fromS) / stepS));
  for (let i = 0; i <= n; i++) {
    const v = profile.at(fromS + ((toS - fromS) * i) / n).pos;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
