import type { Activity, LabeledCadence, LabeledRep, Side } from '@hamstream/core';
import { axisAngle, DEG, type Vec3 } from '../math/rotation.js';
import type { GaitModel } from '../physics/gait.js';
import type { Difficulty } from '../physics/imu.js';
import type { Profile } from '../physics/profile.js';
import type { SegmentModel } from '../physics/segment.js';
import type { Rng } from '../random.js';

/** A segment's motion without the strap: the scenario straps a sensor on at a random orientation. */
export type SegmentMotion = Omit<SegmentModel, 'mount'>;

/** A labelled set before devices are known: `role` names the instrumented segment or gauge. */
export interface PlannedSet {
  role: string;
  activity: Activity;
  side?: Side;
  startS: number;
  endS: number;
  reps: LabeledRep[];
  /** Extension fields (e.g. `repCount`). */
  extra?: Record<string, unknown>;
}

export interface PlannedMark {
  tS: number;
  activity: Activity | null;
  side?: Side;
}

/** What an activity generator returns: the truth every device is simulated from, and its labels. */
export interface ActivityPlan {
  activity: Activity;
  durationS: number;
  /** Segment motions by role (e.g. `thigh-right`). */
  segments: Map<string, SegmentMotion>;
  /** True forces by role, N. */
  forces: Map<string, Profile>;
  gait?: GaitModel;
  marks: PlannedMark[];
  sets: PlannedSet[];
  cadence?: LabeledCadence[];
  /** Extension label fields for the whole recording (e.g. `asymmetry`). */
  extra?: Record<string, unknown>;
}

export interface ActivityOptions {
  rng: Rng;
  difficulty: Difficulty;
  /** Aim for about this long a recording (sets are added or dropped to fit); default per activity. */
  durationS?: number;
}

/**
 * A segment turning in the sagittal plane about a joint axis along world y (tilted out of the
 * horizontal by `axisTiltDeg` for a slightly out-of-plane movement). Segment frame: the long axis
 * points along −z from the joint; `baseDeg` is the segment's angle about y at θ = 0 (0 = hanging
 * straight down, 90 = pointing backward along −x, 180 = pointing up); `direction` sets which way
 * positive θ turns.
 */
export function sagittalSegment(o: {
  baseDeg: number;
  direction: 1 | -1;
  thetaDeg: Profile;
  sensorDistM: number;
  /** Offsets of the sensor from the bone axis: anterior (+x in the segment frame) and lateral (+y). */
  anteriorM?: number;
  lateralM?: number;
  axisTiltDeg?: number;
  strapRollDeg?: Profile;
  jointAccMs2?: (tS: number) => Vec3;
}): SegmentMotion {
  const tilt = (o.axisTiltDeg ?? 0) * DEG;
  const axis: Vec3 = [0, o.direction * Math.cos(tilt), o.direction * Math.sin(tilt)];
  const seg: SegmentMotion = {
    jointAxis: axis,
    base: axisAngle([0, 1, 0], o.baseDeg * DEG),
    thetaDeg: o.thetaDeg,
    longAxis: [0, 0, -1],
    sensorPosM: [o.anteriorM ?? 0.04, o.lateralM ?? 0, -o.sensorDistM],
  };
  if (o.strapRollDeg) seg.strapRollDeg = o.strapRollDeg;
  if (o.jointAccMs2) seg.jointAccMs2 = o.jointAccMs2;
  return seg;
}

/** Rounds a label value to a sensible precision (labels are truth, not float noise). */
export function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
