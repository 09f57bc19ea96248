import type { Side } from '@hamstream/core';
import { NordicForceProfile } from '../physics/force.js';
import { rangeOver } from '../physics/profile.js';
import { type ActivityOptions, type ActivityPlan, type PlannedSet, r3, sagittalSegment } from './plan.js';
import { SessionBuilder } from './session.js';

export interface NordicOptions extends ActivityOptions {
  /** The leg whose ankle strap holds the force gauge, and whose thigh carries the IMU. */
  side: Side;
  setReps?: readonly number[];
  /** Break angle of the first rep, degrees (default 55–65; fatigue lowers it over a set). */
  breakBaseDeg?: number;
}

/**
 * Nordic curls: kneeling, ankles held by a strap with a force gauge; the thigh (IMU) leans forward
 * from vertical (θ = 0) under control at ~20°/s until the hamstrings give way at the break angle,
 * then falls fast onto the hands (~88°), and the subject pushes back up. The break angle drops and
 * the peak force fades with fatigue over a set.
 */
export function planNordicCurls(o: NordicOptions): ActivityPlan {
  const rng = o.rng;
  const sb = new SessionBuilder(rng, o.difficulty);
  const thigh = `thigh-${o.side}`;
  const force = `force-${o.side}`;
  sb.addAngle(thigh, 0, 0.06, 0.3).addProfile('engage', 0);
  const kN = rng.uniform(360, 440);
  const preloadN = rng.uniform(8, 15);
  // A set of 5 takes ~50 s, a rest ~25 s: with a duration, fit as many sets as it allows.
  const setReps =
    o.setReps ??
    (o.durationS !== undefined
      ? Array.from({ length: Math.max(1, Math.floor((o.durationS + 20) / 75)) }, () => 5)
      : [5, 5]);
  const breakBase = o.breakBaseDeg ?? rng.uniform(55, 65);
  sb.wait(rng.uniform(2.5, 4));
  const repMeta: { startS: number; endS: number; breakDeg: number }[][] = [];
  for (let si = 0; si < setReps.length; si++) {
    if (si > 0) sb.rest(rng.uniform(20, 30), { [thigh]: 25 }, { [thigh]: [-8, 25] });
    const startS = sb.mark('nordic-curl', o.side);
    sb.wait(rng.uniform(1, 2));
    const n = setReps[si]!;
    const reps: { startS: number; endS: number; breakDeg: number }[] = [];
    for (let r = 0; r < n; r++) {
      const f = n > 1 ? r / (n - 1) : 0;
      const breakDeg = breakBase - 8 * f - 3 * si + rng.gauss(0, 2);
      const v = rng.uniform(17, 24) * (1 - 0.1 * f);
      const repStart = sb.tS;
      sb.step(0.7, { [thigh]: { to: 6, vel: v }, engage: 1 });
      sb.step((breakDeg - 6) / (v * 1.1), { [thigh]: { to: breakDeg, vel: v * 1.25 } });
      const fallS = rng.uniform(0.45, 0.6);
      sb.step(fallS, { [thigh]: rng.uniform(85, 90), engage: rng.uniform(0.25, 0.35) });
      sb.step(rng.uniform(0.5, 0.9), { engage: 0.1 });
      sb.step(rng.uniform(1.2, 1.7), { [thigh]: 0, engage: 0.45 });
      const repEnd = sb.tS;
      sb.step(0.5, { engage: 0 });
      reps.push({ startS: repStart, endS: repEnd, breakDeg });
      sb.wait(rng.uniform(2.5, 4.5));
    }
    sb.wait(rng.uniform(0.8, 1.6));
    const endS = sb.mark(null);
    repMeta.push(reps);
    sb.sets.push({
      role: thigh,
      activity: 'nordic-curl',
      side: o.side,
      startS: r3(startS),
      endS: r3(endS),
      reps: [],
    });
  }
  sb.wait(3);
  const theta = sb.angleProfile(thigh);
  const engage = sb.builders.get('engage')!.build();
  const forceN = new NordicForceProfile(theta, engage, kN, preloadN);
  // Labels: thigh reps (ROM, break angle) and the gauge's efforts (peak force) over the same times.
  const sets: PlannedSet[] = [];
  sb.sets.forEach((set, i) => {
    const meta = repMeta[i]!;
    sets.push({
      ...set,
      reps: meta.map((m) => {
        const { min, max } = rangeOver(theta, m.startS, m.endS);
        return { startS: r3(m.startS), endS: r3(m.endS), romDeg: r3(max - min), breakDeg: r3(m.breakDeg) };
      }),
    });
    sets.push({
      ...set,
      role: force,
      reps: meta.map((m) => ({
        startS: r3(m.startS),
        endS: r3(m.endS),
        romDeg: null,
        peakForceN: r3(rangeOver(forceN, m.startS, m.endS).max),
      })),
    });
  });
  const tilt = o.difficulty === 'hard' ? rng.uniform(4, 10) : 0;
  const strap = sb.strapRollProfile(thigh);
  return {
    activity: 'nordic-curl',
    durationS: sb.tS,
    segments: new Map([
      [
        thigh,
        sagittalSegment({
          baseDeg: 180,
          direction: 1,
          thetaDeg: theta,
          sensorDistM: 0.25,
          anteriorM: -0.07,
          lateralM: o.side === 'left' ? 0.05 : -0.05,
          axisTiltDeg: tilt,
          ...(strap ? { strapRollDeg: strap } : {}),
        }),
      ],
    ]),
    forces: new Map([[force, forceN]]),
    marks: sb.marks,
    sets,
  };
}
