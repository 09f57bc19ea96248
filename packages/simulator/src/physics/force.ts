import { DEG } from '../math/rotation.js';
import type { Profile, ProfileState } from './profile.js';

/**
 * Strap force of a Nordic curl, N: the hamstrings hold the body's gravity moment about the knee,
 * M = m·g·d·sin θ, so the ankle strap (lever L) sees e(t)·K·sin θ with K = m·g·d/L and e the
 * muscles' engagement (1 while lowering under control, dropping in the fall). Plus strap preload.
 */
export class NordicForceProfile implements Profile {
  constructor(
    private readonly thetaDeg: Profile,
    private readonly engagement: Profile,
    private readonly kN: number,
    private readonly preloadN: number,
  ) {}

  at(tS: number): ProfileState {
    const th = this.thetaDeg.at(tS);
    const e = this.engagement.at(tS);
    const x = Math.max(0, th.pos) * DEG;
    const s = Math.sin(x);
    const c = Math.cos(x);
    const xv = th.pos > 0 ? th.vel * DEG : 0;
    const xa = th.pos > 0 ? th.acc * DEG : 0;
    const sv = c * xv;
    const sa = c * xa - s * xv * xv;
    return {
      pos: this.preloadN + this.kN * e.pos * s,
      vel: this.kN * (e.vel * s + e.pos * sv),
      acc: this.kN * (e.acc * s + 2 * e.vel * sv + e.pos * sa),
    };
  }
}

/** A force with physiological tremor proportional to its size: F·(1 + depth·m(t)). */
export class TremorForceProfile implements Profile {
  constructor(
    private readonly force: Profile,
    private readonly modulation: Profile,
    private readonly depth: number,
  ) {}

  at(tS: number): ProfileState {
    const f = this.force.at(tS);
    const m = this.modulation.at(tS);
    const k = 1 + this.depth * m.pos;
    return {
      pos: f.pos * k,
      vel: f.vel * k + f.pos * this.depth * m.vel,
      acc: f.acc * k + 2 * f.vel * this.depth * m.vel + f.pos * this.depth * m.acc,
    };
  }
}
