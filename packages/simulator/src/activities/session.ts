import type { Activity, LabeledRep, Side } from '@hamstream/core';
import type { Difficulty } from '../physics/imu.js';
import {
  OscillationProfile,
  type Profile,
  ProfileBuilder,
  rangeOver,
  SumProfile,
} from '../physics/profile.js';
import type { Rng } from '../random.js';
import { type PlannedMark, type PlannedSet, r3 } from './plan.js';

/** A target for one profile in a lockstep step: an end value, optionally with end velocity/acceleration. */
export type StepTarget = number | { to: number; vel?: number; acc?: number };

/**
 * Builds several time profiles (segment angles, forces) in lockstep through a session of sets,
 * rests and fidgets, writing marks and labels as it goes. Activities describe a rep; this class
 * handles everything around it.
 */
export class SessionBuilder {
  readonly builders = new Map<string, ProfileBuilder>();
  readonly marks: PlannedMark[] = [];
  readonly sets: PlannedSet[] = [];
  private readonly tremor = new Map<string, Profile>();
  private readonly strapRoll = new Map<string, ProfileBuilder>();
  private readonly origin = new Map<string, number>();
  private t = 0;

  constructor(
    readonly rng: Rng,
    readonly difficulty: Difficulty,
  ) {
    // Recordings start at rest: say so, or a reader would apply the header's activity to the lead-in.
    this.marks.push({ tS: 0, activity: null });
  }

  get tS(): number {
    return this.t;
  }

  /** Adds an angle profile (degrees) with physiological tremor and sway. */
  addAngle(role: string, startDeg: number, tremorDeg = 0.05, swayDeg = 0.25): this {
    this.builders.set(role, new ProfileBuilder(0, startDeg));
    this.origin.set(role, startDeg);
    this.tremor.set(role, OscillationProfile.random(this.rng.fork(`tremor/${role}`), tremorDeg, swayDeg));
    this.strapRoll.set(role, new ProfileBuilder(0, 0));
    return this;
  }

  /** Adds a plain profile (a force, an engagement factor) without tremor. */
  addProfile(name: string, start: number): this {
    this.builders.set(name, new ProfileBuilder(0, start));
    return this;
  }

  value(name: string): number {
    return this.builder(name).value;
  }

  private builder(name: string): ProfileBuilder {
    const b = this.builders.get(name);
    if (!b) throw new Error(`no profile named ${name}`);
    return b;
  }

  /** Moves the named profiles to their targets over `durS`; all others hold. */
  step(durS: number, targets: Readonly<Record<string, StepTarget>> = {}): this {
    if (durS <= 0) return this;
    for (const [name, b] of this.builders) {
      const tg = targets[name];
      if (tg === undefined) b.hold(durS);
      else if (typeof tg === 'number') b.moveTo(tg, durS);
      else {
        const end: { vel?: number; acc?: number } = {};
        if (tg.vel !== undefined) end.vel = tg.vel;
        if (tg.acc !== undefined) end.acc = tg.acc;
        b.moveTo(tg.to, durS, end);
      }
    }
    for (const b of this.strapRoll.values()) b.holdUntil(this.t + durS);
    this.t += durS;
    return this;
  }

  wait(durS: number): this {
    return this.step(durS);
  }

  mark(activity: Activity | null, side?: Side): number {
    this.marks.push(side ? { tS: r3(this.t), activity, side } : { tS: r3(this.t), activity });
    return this.t;
  }

  /** The truth angle of a role (builder + tremor), once the session is complete. */
  angleProfile(role: string): Profile {
    return new SumProfile([this.builder(role).build(), this.tremor.get(role)!]);
  }

  strapRollProfile(role: string): Profile | undefined {
    const b = this.strapRoll.get(role);
    return b ? b.build() : undefined;
  }

  /**
   * A rest between sets: the subject fidgets and repositions (movements that are NOT reps), and on
   * hard variants the strap gets pushed round the limb. `romDeg` scales the fidgets per role.
   */
  rest(
    durS: number,
    romDeg: Readonly<Record<string, number>>,
    limitsDeg: Readonly<Record<string, [number, number]>> = {},
  ): this {
    const end = this.t + durS;
    const roles = Object.keys(romDeg);
    const events: { at: number; role: string; kind: 'shift' | 'wiggle' | 'scratch' }[] = [];
    for (const role of roles) {
      const k = this.rng.int(1, 3);
      for (let i = 0; i < k; i++) {
        events.push({
          at: this.t + this.rng.uniform(0.1, 0.75) * durS,
          role,
          kind: this.rng.pick(['shift', 'wiggle', 'scratch'] as const),
        });
      }
      if (this.difficulty === 'hard') {
        const sr = this.strapRoll.get(role);
        if (sr) {
          sr.holdUntil(this.t + this.rng.uniform(0.2, 0.5) * durS);
          sr.moveTo(sr.value + this.rng.uniform(-20, 20), this.rng.uniform(0.5, 1.2));
        }
      }
    }
    events.sort((a, b) => a.at - b.at);
    for (const ev of events) {
      if (ev.at > this.t) this.wait(ev.at - this.t);
      if (this.t > end - 3) break;
      const cur = this.value(ev.role);
      const home = this.origin.get(ev.role) ?? cur;
      const rom = romDeg[ev.role]!;
      const [lo, hi] = limitsDeg[ev.role] ?? [home - 10, home + rom];
      const clamp = (x: number): number => Math.max(lo, Math.min(hi, x));
      if (ev.kind === 'shift') {
        this.step(this.rng.uniform(0.6, 1.2), { [ev.role]: clamp(home + this.rng.uniform(-6, 6)) });
      } else if (ev.kind === 'wiggle') {
        const a = this.rng.uniform(4, Math.max(5, 0.4 * rom)) * (this.rng.chance(0.7) ? 1 : -1);
        this.step(this.rng.uniform(0.4, 1.5), { [ev.role]: clamp(cur + a) });
        this.wait(this.rng.uniform(0, 0.8));
        this.step(this.rng.uniform(0.4, 1.5), { [ev.role]: clamp(cur + this.rng.uniform(-2, 2)) });
      } else {
        const a = this.rng.uniform(3, 6);
        this.step(0.3, { [ev.role]: clamp(cur + a) })
          .step(0.3, { [ev.role]: cur })
          .step(0.3, { [ev.role]: clamp(cur + a) })
          .step(0.35, { [ev.role]: cur });
      }
    }
    if (end > this.t) this.wait(end - this.t);
    return this;
  }

  /** Labels a rep of `role` between two times: ROM is the range of the truth angle over it. */
  repLabel(
    role: string | null,
    startS: number,
    endS: number,
    extra: Record<string, unknown> = {},
  ): LabeledRep {
    let romDeg: number | null = null;
    if (role !== null) {
      // Building the profile copies the piece list so far: cheap, and the rep is complete by now.
      const { min, max } = rangeOver(this.angleProfile(role), startS, endS);
      romDeg = r3(max - min);
    }
    return { startS: r3(startS), endS: r3(endS), romDeg, ...extra };
  }

  /** Starts a strap slip within a set on hard variants (a slow roll of the sensor round the limb). */
  slip(role: string, durS: number): void {
    if (this.difficulty !== 'hard') return;
    const sr = this.strapRoll.get(role);
    if (!sr) return;
    sr.holdUntil(this.t);
    sr.moveTo(sr.value + this.rng.uniform(-4, 4), durS);
  }
}

/** Mean and spread of one exercise's rep: angles in degrees, durations in seconds. */
export interface RepPattern {
  romDeg: number;
  romSdDeg: number;
  concentricS: number;
  topHoldS: number;
  eccentricS: number;
  bottomPauseS: number;
  /** Relative spread of each phase's duration. */
  tempoSd: number;
  /** ROM lost by the last rep of a set (fraction). */
  fatigueRomDrop: number;
  /** How much slower the last rep is (fraction). */
  fatigueSlowdown: number;
  /** Stretch holds: the angle keeps creeping by this much during the hold (stress relaxation). */
  holdCreepDeg?: number;
}

/** One planned set. */
export interface SetSpec {
  reps: number;
  side?: Side;
  /** The role that performs the reps (and is labelled). */
  role: string;
  /** Other roles that move along (the raised leg of a single-leg bridge): scale and offset of the worker's excursion. */
  companions?: readonly { role: string; scale: number; offsetDeg: number }[];
}

/**
 * Runs a typical rep-based session: lead-in, sets of reps with marks at set starts and ends, rests
 * with fidgets between sets, fatigue within a set. Adds sets from `pattern` cyclically while they fit
 * into `durationS` (at least one).
 */
export function runRepSession(
  sb: SessionBuilder,
  o: {
    activity: Activity;
    pattern: RepPattern;
    sets: readonly SetSpec[];
    /** With a duration, sets cycle through `sets` while they fit; without, each listed set runs once. */
    durationS?: number;
    leadInS: number;
    restS: readonly [number, number];
    /** Per role: ROM for fidget scaling; limits keep fidgets physically possible. */
    fidgetRomDeg: Readonly<Record<string, number>>;
    fidgetLimitsDeg?: Readonly<Record<string, [number, number]>>;
    /** Time from a set's mark to its first movement, s (default 0.8–2). */
    markLeadS?: readonly [number, number];
  },
): void {
  const rng = sb.rng;
  const p = o.pattern;
  sb.wait(o.leadInS);
  const repS = p.concentricS + p.topHoldS + p.eccentricS + p.bottomPauseS;
  let i = 0;
  for (;;) {
    if (o.durationS === undefined && i >= o.sets.length) break;
    const spec = o.sets[i % o.sets.length]!;
    const setS = spec.reps * repS * (1 + p.fatigueSlowdown / 2) + 4;
    if (i > 0) {
      const restS = rng.uniform(o.restS[0], o.restS[1]);
      if (o.durationS !== undefined && sb.tS + restS + setS > o.durationS - 2) break;
      sb.rest(restS, o.fidgetRomDeg, o.fidgetLimitsDeg);
    }
    const startS = sb.mark(o.activity, spec.side);
    const lead = o.markLeadS ?? [0.8, 2.0];
    sb.wait(rng.uniform(lead[0], lead[1]));
    const worker = spec.role;
    const restDeg = sb.value(worker);
    const companions = spec.companions ?? [];
    // The other leg is lifted for the whole set and follows the worker's excursion partly.
    const companionBase = new Map(companions.map((c) => [c.role, sb.value(c.role) + c.offsetDeg]));
    const companionRest = new Map(companions.map((c) => [c.role, sb.value(c.role)]));
    if (companions.length > 0) {
      sb.step(
        rng.uniform(0.8, 1.4),
        Object.fromEntries(companions.map((c) => [c.role, companionBase.get(c.role)!])),
      );
      sb.wait(rng.uniform(0.3, 0.8));
    }
    const reps = [];
    sb.slip(worker, 0.6 * setS);
    for (let r = 0; r < spec.reps; r++) {
      const f = spec.reps > 1 ? r / (spec.reps - 1) : 0;
      const rom = Math.max(5, rng.gauss(p.romDeg, p.romSdDeg) * (1 - p.fatigueRomDrop * f));
      const slow = 1 + p.fatigueSlowdown * f;
      const dur = (mean: number): number => Math.max(0.15, mean * slow * (1 + rng.gauss(0, p.tempoSd)));
      const targets = (excursion: number): Record<string, StepTarget> => {
        const tg: Record<string, StepTarget> = { [worker]: restDeg + excursion };
        for (const c of companions) tg[c.role] = companionBase.get(c.role)! + c.scale * excursion;
        return tg;
      };
      const repStart = sb.tS;
      sb.step(dur(p.concentricS), targets(rom));
      const holdS = p.topHoldS > 0 ? dur(p.topHoldS) : 0;
      if (holdS > 0) {
        if (p.holdCreepDeg) sb.step(holdS, targets(rom + rng.uniform(0.5, 1.5) * p.holdCreepDeg));
        else sb.wait(holdS);
      }
      sb.step(dur(p.eccentricS), targets(0));
      const repEnd = sb.tS;
      reps.push(
        sb.repLabel(worker, repStart, repEnd, p.topHoldS > 0 ? { holdS: Math.round(holdS * 100) / 100 } : {}),
      );
      sb.wait(dur(p.bottomPauseS));
    }
    if (companions.length > 0) {
      sb.step(
        rng.uniform(0.8, 1.4),
        Object.fromEntries(companions.map((c) => [c.role, companionRest.get(c.role)!])),
      );
    }
    sb.wait(rng.uniform(0.8, 2.0));
    const endS = sb.mark(null);
    const set: PlannedSet = { role: worker, activity: o.activity, startS: r3(startS), endS: r3(endS), reps };
    if (spec.side) set.side = spec.side;
    sb.sets.push(set);
    i++;
  }
}
