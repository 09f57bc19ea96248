import { describe, expect, it } from 'vitest';
import { sagittalSegment } from '../activities/plan.js';
import {
  apply,
  axisAngle,
  DEG,
  IDENTITY,
  type Mat3,
  mul,
  randomRotation,
  transpose,
  type Vec3,
} from '../math/rotation.js';
import { createRng } from '../random.js';
import { randomImuErrors, sampleImu } from './imu.js';
import { OscillationProfile, ProfileBuilder, SumProfile } from './profile.js';
import { idealImuAt, type SegmentModel, STANDARD_GRAVITY_MS2 } from './segment.js';

const det = (m: Mat3): number =>
  m[0] * (m[4] * m[8] - m[5] * m[7]) -
  m[1] * (m[3] * m[8] - m[5] * m[6]) +
  m[2] * (m[3] * m[7] - m[4] * m[6]);

/** World position of the sensor point, computed independently of idealImuAt (for finite differences). */
function sensorPosition(seg: SegmentModel, t: number, joint: (t: number) => Vec3): { p: Vec3; r: Mat3 } {
  const th = seg.thetaDeg.at(t).pos;
  const psi = seg.strapRollDeg ? seg.strapRollDeg.at(t).pos : 0;
  const segToWorld = mul(axisAngle(seg.jointAxis, th * DEG), seg.base);
  const strap = axisAngle(seg.longAxis, psi * DEG);
  const rel = apply(segToWorld, apply(strap, seg.sensorPosM));
  const j = joint(t);
  return { p: [j[0] + rel[0], j[1] + rel[1], j[2] + rel[2]], r: mul(mul(segToWorld, strap), seg.mount) };
}

function movingSegment(seed: string): { seg: SegmentModel; joint: (t: number) => Vec3 } {
  const rng = createRng(seed);
  const theta = new SumProfile([
    new ProfileBuilder(0, 0).hold(0.5).moveTo(95, 1.1).hold(0.3).moveTo(10, 1.4).build(),
    OscillationProfile.random(rng, 0.3, 1),
  ]);
  const roll = new ProfileBuilder(0, 0).hold(0.8).moveTo(25, 1.5).build();
  const A = 0.05;
  const w = 2 * Math.PI * 1.3;
  const motion = sagittalSegment({
    baseDeg: 37,
    direction: -1,
    thetaDeg: theta,
    sensorDistM: 0.23,
    anteriorM: 0.06,
    lateralM: -0.04,
    axisTiltDeg: 11,
    strapRollDeg: roll,
    jointAccMs2: (t) => [-A * w * w * Math.sin(w * t), 0, -A * w * w * Math.cos(w * t)],
  });
  return {
    seg: { ...motion, mount: randomRotation(rng) },
    joint: (t) => [A * Math.sin(w * t), 0, A * Math.cos(w * t)],
  };
}

describe('rotations', () => {
  it('random strap rotations are proper rotations and seed-reproducible', () => {
    const rng = createRng(1);
    for (let i = 0; i < 50; i++) {
      const m = randomRotation(rng);
      const mmT = mul(m, transpose(m));
      for (let k = 0; k < 9; k++) expect(mmT[k]).toBeCloseTo(IDENTITY[k]!, 12);
      expect(det(m)).toBeCloseTo(1, 12);
    }
    expect(randomRotation(createRng('x'))).toEqual(randomRotation(createRng('x')));
    expect(randomRotation(createRng('x'))).not.toEqual(randomRotation(createRng('y')));
  });
});

describe('movement profiles', () => {
  it('are C² continuous across pieces and hit their targets at rest', () => {
    const p = new ProfileBuilder(0, 5)
      .hold(1)
      .moveTo(50, 0.8, { vel: 30 })
      .moveTo(80, 1)
      .moveTo(5, 1.2)
      .build();
    for (const tb of [1, 1.8, 2.8]) {
      const a = p.at(tb - 1e-7);
      const b = p.at(tb + 1e-7);
      expect(b.pos).toBeCloseTo(a.pos, 4);
      expect(b.vel).toBeCloseTo(a.vel, 3);
      expect(b.acc).toBeCloseTo(a.acc, 2);
    }
    expect(p.at(1.8).vel).toBeCloseTo(30, 6);
    expect(p.at(2.8)).toEqual({ pos: 80, vel: 0, acc: 0 });
    const end = p.at(10);
    expect(end.pos).toBeCloseTo(5, 9);
    expect([end.vel, end.acc]).toEqual([0, 0]);
    // derivatives are the derivatives of the position
    for (let t = 1.05; t < 4; t += 0.37) {
      const h = 1e-5;
      expect((p.at(t + h).pos - p.at(t - h).pos) / (2 * h)).toBeCloseTo(p.at(t).vel, 3);
      expect((p.at(t + h).vel - p.at(t - h).vel) / (2 * h)).toBeCloseTo(p.at(t).acc, 2);
    }
  });
});

describe('segment kinematics → ideal IMU', () => {
  it('a sensor at rest reads +1 g upward (9.80665 m/s²) and no rotation, whatever the strap', () => {
    const rng = createRng('rest');
    for (let i = 0; i < 20; i++) {
      const motion = sagittalSegment({
        baseDeg: rng.uniform(-180, 180),
        direction: 1,
        thetaDeg: new ProfileBuilder(0, rng.uniform(-90, 90)).build(),
        sensorDistM: 0.2,
      });
      const seg = { ...motion, mount: randomRotation(rng) };
      const r = idealImuAt(seg, 1);
      expect(Math.hypot(...r.accMs2)).toBeCloseTo(STANDARD_GRAVITY_MS2, 10);
      expect(Math.hypot(...r.gyroDps)).toBeCloseTo(0, 12);
      // the measured force points up in the world
      const up = apply(r.sensorToWorld, r.accMs2);
      expect(up[2]).toBeCloseTo(STANDARD_GRAVITY_MS2, 10);
    }
  });

  it('accelerometer = second derivative of the sensor point position − g, in the sensor frame', () => {
    const { seg, joint } = movingSegment('acc');
    const h = 1e-4;
    for (let t = 0.6; t < 3.2; t += 0.173) {
      const p0 = sensorPosition(seg, t - h, joint).p;
      const p1 = sensorPosition(seg, t, joint).p;
      const p2 = sensorPosition(seg, t + h, joint).p;
      const a: Vec3 = [
        (p2[0] - 2 * p1[0] + p0[0]) / (h * h),
        (p2[1] - 2 * p1[1] + p0[1]) / (h * h),
        (p2[2] - 2 * p1[2] + p0[2]) / (h * h),
      ];
      const r = idealImuAt(seg, t);
      const fWorld = apply(r.sensorToWorld, r.accMs2);
      expect(fWorld[0]).toBeCloseTo(a[0], 2);
      expect(fWorld[1]).toBeCloseTo(a[1], 2);
      expect(fWorld[2]).toBeCloseTo(a[2] + STANDARD_GRAVITY_MS2, 2);
    }
  });

  it('gyro = angular velocity of the sensor frame, expressed in the sensor frame', () => {
    const { seg, joint } = movingSegment('gyro');
    const h = 1e-6;
    for (let t = 0.6; t < 3.2; t += 0.211) {
      const ra = sensorPosition(seg, t - h, joint).r;
      const rb = sensorPosition(seg, t + h, joint).r;
      // Rᵀ(t−h)·R(t+h) ≈ I + [ω_sensor]× · 2h
      const d = mul(transpose(ra), rb);
      const w: Vec3 = [(d[7] - d[5]) / (4 * h), (d[2] - d[6]) / (4 * h), (d[3] - d[1]) / (4 * h)];
      const g = idealImuAt(seg, t).gyroDps;
      for (let c = 0; c < 3; c++) expect(g[c]).toBeCloseTo(w[c]! / DEG, 2);
    }
  });
});

describe('IMU error model', () => {
  it('adds the configured white noise and bias', () => {
    const rng = createRng('noise');
    const motion = sagittalSegment({
      baseDeg: 0,
      direction: 1,
      thetaDeg: new ProfileBuilder(0, 0).build(),
      sensorDistM: 0.2,
    });
    const seg = { ...motion, mount: IDENTITY };
    const errors = randomImuErrors(rng, { accNoiseMs2: 0.03, gyroNoiseDps: 0.05 }, 'clean');
    const times = Float64Array.from({ length: 20000 }, (_, i) => i / 100);
    const s = sampleImu(seg, times, errors, rng);
    const mean = (c: number, v: Float64Array): number =>
      v.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / s.count;
    const sd = (c: number, v: Float64Array): number => {
      const m = mean(c, v);
      return Math.sqrt(v.filter((_, i) => i % 3 === c).reduce((a, b) => a + (b - m) ** 2, 0) / s.count);
    };
    for (let c = 0; c < 3; c++) {
      expect(mean(c, s.gyroDps)).toBeCloseTo(errors.gyroBiasDps[c]!, 2);
      expect(sd(c, s.gyroDps)).toBeCloseTo(0.05, 2);
      expect(sd(c, s.accMs2)).toBeCloseTo(0.03, 2);
    }
  });
});
