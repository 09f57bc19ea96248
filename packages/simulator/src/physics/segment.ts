import {
  add,
  apply,
  applyT,
  axisAngle,
  cross,
  DEG,
  IDENTITY,
  type Mat3,
  mul,
  scale,
  type Vec3,
} from '../math/rotation.js';
import type { Profile } from './profile.js';

/** Standard gravity, m/s² (the value the sensors' datasheets scale by). */
export const STANDARD_GRAVITY_MS2 = 9.80665;

/**
 * A body segment rotating about its joint. World frame: x forward, y to the subject's left,
 * z up. The segment turns by θ(t) about `jointAxis` (horizontal for a pure sagittal movement,
 * tilted for a movement slightly out of plane); θ is the truth the labels measure ROM in.
 */
export interface SegmentModel {
  /** Unit joint axis in the world frame. */
  jointAxis: Vec3;
  /** Segment-to-world orientation at θ = 0. */
  base: Mat3;
  /** θ(t), degrees, with derivatives. */
  thetaDeg: Profile;
  /** Unit vector along the segment's long axis, segment frame (the strap slides about it). */
  longAxis: Vec3;
  /** Where the sensor sits relative to the joint, metres, segment frame. */
  sensorPosM: Vec3;
  /** How the strap holds the sensor: sensor-to-segment rotation (random: straps are never aligned). */
  mount: Mat3;
  /** Strap roll about the long axis over time (slips, repositioning), degrees; absent = none. */
  strapRollDeg?: Profile;
  /** Acceleration of the joint centre in the world frame, m/s² (running); absent = fixed joint. */
  jointAccMs2?: (tS: number) => Vec3;
}

/** What an ideal IMU at the sensor point reads: specific force and angular rate, sensor frame. */
export interface IdealImuReading {
  /** Specific force (what an accelerometer measures), m/s²: reads +1 g upward at rest. */
  accMs2: Vec3;
  gyroDps: Vec3;
  /** Sensor-to-world rotation (for onboard attitude outputs). */
  sensorToWorld: Mat3;
}

const GRAVITY_WORLD: Vec3 = [0, 0, -STANDARD_GRAVITY_MS2];

/**
 * Rigid-body kinematics of the sensor point. Acceleration of a point at r from the joint:
 * a = a_joint + α × r + ω × (ω × r) (tangential + centripetal). The accelerometer measures the
 * specific force a − g, rotated into the sensor frame; the gyro measures ω in the sensor frame.
 */
export function idealImuAt(seg: SegmentModel, tS: number): IdealImuReading {
  const th = seg.thetaDeg.at(tS);
  const rTheta = axisAngle(seg.jointAxis, th.pos * DEG);
  const segToWorld = mul(rTheta, seg.base);
  let strapToSeg: Mat3 = IDENTITY;
  let psiVel = 0;
  let psiAcc = 0;
  if (seg.strapRollDeg) {
    const psi = seg.strapRollDeg.at(tS);
    strapToSeg = axisAngle(seg.longAxis, psi.pos * DEG);
    psiVel = psi.vel * DEG;
    psiAcc = psi.acc * DEG;
  }
  const sensorToWorld = mul(mul(segToWorld, strapToSeg), seg.mount);
  const r = apply(segToWorld, apply(strapToSeg, seg.sensorPosM));
  const longWorld = apply(segToWorld, seg.longAxis);
  const thVel = th.vel * DEG;
  const thAcc = th.acc * DEG;
  const axisOmega = scale(seg.jointAxis, thVel);
  const omega = add(axisOmega, scale(longWorld, psiVel));
  // dω/dt: the long axis itself turns with θ, hence the ψ'·(θ'·axis × long) term.
  const alpha = add(
    add(scale(seg.jointAxis, thAcc), scale(longWorld, psiAcc)),
    scale(cross(axisOmega, longWorld), psiVel),
  );
  let a = add(cross(alpha, r), cross(omega, cross(omega, r)));
  if (seg.jointAccMs2) a = add(a, seg.jointAccMs2(tS));
  const specificForce: Vec3 = [a[0] - GRAVITY_WORLD[0], a[1] - GRAVITY_WORLD[1], a[2] - GRAVITY_WORLD[2]];
  const omegaSensor = applyT(sensorToWorld, omega);
  return {
    accMs2: applyT(sensorToWorld, specificForce),
    gyroDps: [omegaSensor[0] / DEG, omegaSensor[1] / DEG, omegaSensor[2] / DEG],
    sensorToWorld,
  };
}
