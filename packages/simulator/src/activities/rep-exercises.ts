import type { Activity, Side } from '@hamstream/core';
import { type ActivityOptions, type ActivityPlan, type SegmentMotion, sagittalSegment } from './plan.js';
import { type RepPattern, runRepSession, SessionBuilder, type SetSpec } from './session.js';

/** Geometry of an exercise's instrumented segment (see sagittalSegment). */
interface Geometry {
  baseDeg: number;
  direction: 1 | -1;
  sensorDistM: number;
  anteriorM: number;
}

export interface RepExercise {
  activity: Activity;
  segment: 'thigh' | 'shank';
  geometry: Geometry;
  pattern: RepPattern;
  startDeg: number;
  /** Fidgets stay within these angles (relative to the start angle). */
  fidgetLimitsDeg: [number, number];
  restS: [number, number];
  /** Amplitude scale of the slow postural sway added to the segment angle, degrees (default 0.25). */
  swayDeg?: number;
}

const lateral = (side: Side): number => (side === 'left' ? 0.05 : side === 'right' ? -0.05 : 0);

/**
 * Bridges: supine, feet planted; the thigh turns about the knee as the hips rise. At θ = 0 the thigh
 * points from the knee down to the hip at 50° below horizontal; a rep lifts it to ~10–15°.
 */
export const BRIDGE: RepExercise = {
  activity: 'bridge',
  segment: 'thigh',
  geometry: { baseDeg: -40, direction: -1, sensorDistM: 0.2, anteriorM: 0.07 },
  pattern: {
    romDeg: 38,
    romSdDeg: 2.5,
    concentricS: 1.0,
    topHoldS: 1.0,
    eccentricS: 1.3,
    bottomPauseS: 0.9,
    tempoSd: 0.1,
    fatigueRomDrop: 0.08,
    fatigueSlowdown: 0.15,
  },
  startDeg: 0,
  fidgetLimitsDeg: [-12, 20],
  restS: [14, 22],
};

export const SINGLE_LEG_BRIDGE: RepExercise = {
  ...BRIDGE,
  activity: 'single-leg-bridge',
  pattern: {
    ...BRIDGE.pattern,
    romDeg: 32,
    romSdDeg: 3,
    concentricS: 1.2,
    topHoldS: 0.8,
    eccentricS: 1.5,
    fatigueRomDrop: 0.12,
  },
  restS: [10, 16],
};

/** Prone curls: lying face down, the shank turns about the knee from the floor (θ = 0) to ~105°. */
export const PRONE_CURL: RepExercise = {
  activity: 'prone-hamstring-curl',
  segment: 'shank',
  geometry: { baseDeg: 90, direction: 1, sensorDistM: 0.22, anteriorM: -0.05 },
  pattern: {
    romDeg: 104,
    romSdDeg: 4,
    concentricS: 1.2,
    topHoldS: 0.3,
    eccentricS: 1.7,
    bottomPauseS: 0.8,
    tempoSd: 0.1,
    fatigueRomDrop: 0.1,
    fatigueSlowdown: 0.2,
  },
  startDeg: 0,
  fidgetLimitsDeg: [-3, 60],
  restS: [15, 25],
};

/** Standing curls: the shank hangs from the knee (θ = 0) and flexes back to ~90°. */
export const STANDING_CURL: RepExercise = {
  activity: 'standing-hamstring-curl',
  segment: 'shank',
  geometry: { baseDeg: 0, direction: 1, sensorDistM: 0.2, anteriorM: 0.03 },
  pattern: {
    romDeg: 88,
    romSdDeg: 4,
    concentricS: 1.0,
    topHoldS: 0.4,
    eccentricS: 1.4,
    bottomPauseS: 1.0,
    tempoSd: 0.12,
    fatigueRomDrop: 0.1,
    fatigueSlowdown: 0.15,
  },
  startDeg: 0,
  fidgetLimitsDeg: [-8, 45],
  restS: [15, 25],
};

/**
 * Supine hamstring stretch: the straight leg is raised about the hip (θ = 0 on the floor) to
 * ~75° and held ~20 s while the stretch creeps deeper, then lowered.
 */
export const STRETCH: RepExercise = {
  activity: 'supine-hamstring-stretch',
  segment: 'thigh',
  geometry: { baseDeg: 90, direction: 1, sensorDistM: 0.22, anteriorM: 0.07 },
  pattern: {
    romDeg: 72,
    romSdDeg: 3,
    concentricS: 2.5,
    topHoldS: 20,
    eccentricS: 2.0,
    bottomPauseS: 4,
    tempoSd: 0.08,
    fatigueRomDrop: -0.04,
    fatigueSlowdown: 0,
    holdCreepDeg: 4,
  },
  startDeg: 0,
  fidgetLimitsDeg: [-2, 25],
  restS: [12, 20],
};

export interface RepExerciseOptions extends ActivityOptions {
  side: Side;
  /** Sets and reps per set; default per exercise. */
  setReps?: readonly number[];
  /** Tilt of the joint axis out of the horizontal, degrees (default: 0 clean, ±6–14 hard; 90: side-lying). */
  axisTiltDeg?: number;
  /** Time from a set's mark to its first movement, s (default 0.8–2). */
  markLeadS?: readonly [number, number];
}

function segmentFor(
  ex: RepExercise,
  sb: SessionBuilder,
  role: string,
  side: Side,
  tiltDeg: number,
): SegmentMotion {
  const strap = sb.strapRollProfile(role);
  return sagittalSegment({
    ...ex.geometry,
    lateralM: lateral(side),
    thetaDeg: sb.angleProfile(role),
    axisTiltDeg: tiltDeg,
    ...(strap ? { strapRollDeg: strap } : {}),
  });
}

/** One instrumented segment doing a rep exercise: sets with marks, rests, fidgets, fatigue. */
export function planRepExercise(ex: RepExercise, o: RepExerciseOptions): ActivityPlan {
  const sb = new SessionBuilder(o.rng, o.difficulty);
  const role = `${ex.segment}-${o.side}`;
  sb.addAngle(role, ex.startDeg, undefined, ex.swayDeg);
  const durationS = o.durationS ?? 0;
  const sets: SetSpec[] = (o.setReps ?? [8, 8, 8]).map((reps) => ({ reps, side: o.side, role }));
  runRepSession(sb, {
    activity: ex.activity,
    pattern: ex.pattern,
    sets,
    ...(o.durationS !== undefined ? { durationS: o.durationS } : {}),
    leadInS: o.rng.uniform(2.5, 4),
    restS: ex.restS,
    fidgetRomDeg: { [role]: ex.pattern.romDeg },
    fidgetLimitsDeg: { [role]: ex.fidgetLimitsDeg },
    ...(o.markLeadS ? { markLeadS: o.markLeadS } : {}),
  });
  sb.wait(o.durationS !== undefined ? Math.max(2, durationS - sb.tS) : 3);
  const tilt =
    o.axisTiltDeg ?? (o.difficulty === 'hard' ? o.rng.uniform(6, 14) * (o.rng.chance(0.5) ? 1 : -1) : 0);
  return {
    activity: ex.activity,
    durationS: sb.tS,
    segments: new Map([[role, segmentFor(ex, sb, role, o.side, tilt)]]),
    forces: new Map(),
    marks: sb.marks,
    sets: sb.sets,
  };
}

/**
 * Single-leg bridges with a sensor on each thigh, sets alternating left and right. The other leg is
 * held raised and rides along with the pelvis; only the working leg's set is labelled.
 */
export function planSingleLegBridges(
  o: ActivityOptions & { setReps?: readonly number[]; exercise?: RepExercise },
): ActivityPlan {
  const ex = o.exercise ?? SINGLE_LEG_BRIDGE;
  const sb = new SessionBuilder(o.rng, o.difficulty);
  sb.addAngle('thigh-left', 0, undefined, ex.swayDeg).addAngle('thigh-right', 0, undefined, ex.swayDeg);
  const reps = o.setReps ?? [6, 6, 6, 6];
  const sets: SetSpec[] = reps.map((n, i) => {
    const side: Side = i % 2 === 0 ? 'left' : 'right';
    const other = side === 'left' ? 'thigh-right' : 'thigh-left';
    return {
      reps: n,
      side,
      role: `thigh-${side}`,
      companions: [{ role: other, scale: 0.8, offsetDeg: -30 }],
    };
  });
  const durationS = o.durationS ?? 0;
  runRepSession(sb, {
    activity: ex.activity,
    pattern: ex.pattern,
    sets,
    ...(o.durationS !== undefined ? { durationS: o.durationS } : {}),
    leadInS: o.rng.uniform(2.5, 4),
    restS: ex.restS,
    fidgetRomDeg: { 'thigh-left': ex.pattern.romDeg, 'thigh-right': ex.pattern.romDeg },
    fidgetLimitsDeg: { 'thigh-left': ex.fidgetLimitsDeg, 'thigh-right': ex.fidgetLimitsDeg },
  });
  sb.wait(o.durationS !== undefined ? Math.max(2, durationS - sb.tS) : 3);
  const tilt = (): number =>
    o.difficulty === 'hard' ? o.rng.uniform(6, 14) * (o.rng.chance(0.5) ? 1 : -1) : 0;
  return {
    activity: ex.activity,
    durationS: sb.tS,
    segments: new Map([
      ['thigh-left', segmentFor(ex, sb, 'thigh-left', 'left', tilt())],
      ['thigh-right', segmentFor(ex, sb, 'thigh-right', 'right', tilt())],
    ]),
    forces: new Map(),
    marks: sb.marks,
    sets: sb.sets,
  };
}
