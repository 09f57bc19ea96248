import type { ImuBatch } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import {
  collectAngles,
  type RepSpec,
  randomRotation,
  repProfile,
  rng,
  type SegmentSim,
  simulateSegment,
  toImuBatches,
} from '../test-support/synthetic.js';
import { createInclinationEstimator } from './inclination-estimator.js';

const reps: RepSpec[] = [0, 1, 2, 3, 4].map((k) => ({
  startS: 3 + k * 6,
  upS: 1.5,
  holdS: 1,
  downS: 1.5,
  romDeg: 80 - 4 * k,
}));

/** Range of the estimated angle over each rep (± 0.5 s) minus the true ROM. */
function romErrors(angles: { tS: Float64Array; angleDeg: Float64Array }, list: RepSpec[]): number[] {
  return list.map((r) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < angles.tS.length; i++) {
      const t = angles.tS[i]!;
      if (t < r.startS - 0.5 || t > r.startS + r.upS + r.holdS + r.downS + 0.5) continue;
      lo = Math.min(lo, angles.angleDeg[i]!);
      hi = Math.max(hi, angles.angleDeg[i]!);
    }
    return hi - lo - r.romDeg;
  });
}

/** Largest deviation of the estimate from the truth after removing the constant offset. */
function maxTrackingError(angles: { tS: Float64Array; angleDeg: Float64Array }, sim: SegmentSim): number {
  const truthAt = new Map<number, number>();
  sim.tS.forEach((t, i) => {
    truthAt.set(t, sim.thetaDeg[i]!);
  });
  const off = angles.angleDeg[0]! - truthAt.get(angles.tS[0]!)!;
  let worst = 0;
  angles.tS.forEach((t, i) => {
    worst = Math.max(worst, Math.abs(angles.angleDeg[i]! - off - truthAt.get(t)!));
  });
  return worst;
}

function sim(
  seed: number,
  rateHz: number,
  extra: Partial<Parameters<typeof simulateSegment>[0]> = {},
): SegmentSim {
  return simulateSegment({
    rateHz,
    durationS: 34,
    thetaDeg: repProfile(reps, 10),
    strap: randomRotation(rng(seed)),
    radiusM: 0.35,
    gyroBiasDps: [((seed * 7) % 5) - 2, ((seed * 3) % 5) - 2, 1.5],
    gyroNoiseDps: 0.3,
    accNoiseMs2: 0.06,
    seed,
    ...extra,
  });
}

describe('createInclinationEstimator', () => {
  it('tracks the segment angle for random strap orientations, rates 25–200 Hz and gyro bias', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rateHz = [25, 50, 100, 200][seed % 4]!;
      const s = sim(seed, rateHz);
      const out = collectAngles(
        createInclinationEstimator({ placement: 'shank', rateHz }),
        toImuBatches(s, 5),
      );
      expect(out.tS.length).toBe(s.tS.length);
      for (const e of romErrors(out, reps)) expect(Math.abs(e)).toBeLessThan(1);
      expect(maxTrackingError(out, s)).toBeLessThan(2);
    }
  });

  it('makes the first excursion positive whatever the strap and the direction of the movement', () => {
    for (const sign of [1, -1]) {
      for (let seed = 1; seed <= 4; seed++) {
        const s = sim(seed, 100, { thetaDeg: (t) => sign * repProfile(reps, 0)(t) });
        const out = collectAngles(createInclinationEstimator({ placement: 'thigh' }), toImuBatches(s, 10));
        const a0 = out.angleDeg[0]!;
        const peak = out.angleDeg.reduce((m, a) => (Math.abs(a - a0) > Math.abs(m - a0) ? a : m), a0);
        expect(peak - a0).toBeGreaterThan(70);
      }
    }
  });

  it("learns a gyro scale error from the holds and takes it out of the ROM, less the accelerometer's share", () => {
    const many: RepSpec[] = Array.from({ length: 12 }, (_, k) => ({
      startS: 3 + 6 * k,
      upS: 1.2,
      holdS: 0.8,
      downS: 1.5,
      romDeg: 90,
    }));
    for (const scale of [1.06, 0.94, 1]) {
      const s = simulateSegment({
        rateHz: 100,
        durationS: 76,
        thetaDeg: repProfile(many, 5),
        strap: randomRotation(rng(31)),
        radiusM: 0.3,
        gyroNoiseDps: 0.1,
        accNoiseMs2: 0.03,
        seed: 4,
      });
      for (let i = 0; i < s.gyroDps.length; i++) s.gyroDps[i] = s.gyroDps[i]! * scale;
      const out = collectAngles(createInclinationEstimator({ placement: 'shank' }), toImuBatches(s, 10));
      const errs = romErrors(out, many);
      const late = errs.slice(-4).map(Math.abs);
      if (scale === 1) {
        // An exact gyro is left alone.
        for (const e of errs) expect(Math.abs(e)).toBeLessThan(1);
      } else {
        // The first reps carry the scale error (a gyro reading high overshoots the top, one reading low is
        // partly pulled up by the accelerometer during the hold); once four pose pairs agree the gyro is
        // rescaled, all but the 2 % the accelerometer cannot vouch for.
        expect(Math.abs(errs[0]!)).toBeGreaterThan(1.5);
        for (const e of late) expect(e).toBeLessThan(Math.min(3, 0.4 * Math.abs(errs[0]!)));
      }
    }
  });

  it('does not depend on how samples are batched', () => {
    const s = sim(5, 100);
    const a = collectAngles(createInclinationEstimator({ placement: 'shank' }), toImuBatches(s, 1));
    const b = collectAngles(createInclinationEstimator({ placement: 'shank' }), toImuBatches(s, 13));
    const c = collectAngles(createInclinationEstimator({ placement: 'shank' }), toImuBatches(s, 5000));
    expect(b.angleDeg).toEqual(a.angleDeg);
    expect(c.angleDeg).toEqual(a.angleDeg);
  });

  it('keeps every sample held before the plane is found, whatever the batch size (no lost outputs)', () => {
    // At 400 Hz the 10 s before the first rep are ~4000 samples held until the plane is known; they all
    // come out in the batch that finds it, beside the rest of that batch.
    const s = sim(6, 400);
    const one = collectAngles(createInclinationEstimator({ placement: 'shank' }), toImuBatches(s, 1));
    expect(one.angleDeg.length).toBe(s.tS.length);
    for (const size of [64, 300, 512, 777, 2048]) {
      const b = collectAngles(createInclinationEstimator({ placement: 'shank' }), toImuBatches(s, size));
      expect(b.tS).toEqual(one.tS);
      expect(b.angleDeg).toEqual(one.angleDeg);
    }
  });

  it('copes with a joint axis that is not horizontal (tilted 12°) and with centripetal loads', () => {
    const s = simulateSegment({
      rateHz: 100,
      durationS: 34,
      thetaDeg: repProfile(reps, 0),
      // Sensor rolled about the segment and the whole joint axis tilted: rotation of the strap frame.
      strap: randomRotation(rng(77)),
      radiusM: 0.5,
      gyroNoiseDps: 0.3,
      accNoiseMs2: 0.06,
      seed: 2,
    });
    // Tilt the joint axis by rotating the recorded vectors' world frame: equivalent to a sensor rotated
    // about a non-horizontal axis; gravity then has a component along the axis.
    const tilt = (12 * Math.PI) / 180;
    const c = Math.cos(tilt);
    const si = Math.sin(tilt);
    const g = 9.80665;
    for (let i = 0; i < s.tS.length; i++) {
      // Remove gravity, add a gravity tilted about world x in the segment's frame: the test keeps it simple
      // by checking the estimator still finds the plane and ROM with a fixed extra gravity component.
      s.accMs2[3 * i] = s.accMs2[3 * i]! * c + si * g * 0.2;
    }
    const out = collectAngles(createInclinationEstimator({ placement: 'shank' }), toImuBatches(s, 10));
    for (const e of romErrors(out, reps)) expect(Math.abs(e)).toBeLessThan(2.5);
  });

  it('restarts from the accelerometer after reset(), keeping the plane and the angle reference', () => {
    const s = sim(3, 100);
    const est = createInclinationEstimator({ placement: 'shank' });
    const batches = toImuBatches(s, 10);
    const kept = batches.filter((b) => !(b.tS[0]! >= 13.4 && b.tS[0]! < 14.6)); // 1.2 s gap in a rest (13–15 s)
    const before: number[] = [];
    const after: number[] = [];
    let gapDone = false;
    for (const b of kept) {
      if (!gapDone && b.tS[0]! >= 14.6) {
        est.reset();
        gapDone = true;
      }
      const out = est.push(b);
      for (let i = 0; i < out.count; i++) (out.tS[i]! < 13.4 ? before : after).push(out.angleDeg[i]!);
    }
    for (const a of [...before, ...after]) expect(Number.isFinite(a)).toBe(true);
    // Same rest position before and after the gap (the angle reference is absolute in the plane).
    const restBefore = before.at(-1)!;
    const restAfter = after[20]!; // 14.8 s, still at rest
    expect(Math.abs(restAfter - restBefore)).toBeLessThan(1);
  });

  it('finds the new movement plane after a re-strap', () => {
    const first = sim(11, 100);
    const second = simulateSegment({
      rateHz: 100,
      durationS: 60,
      t0S: 40,
      thetaDeg: (t) => repProfile(reps, 0)(t - 40),
      strap: randomRotation(rng(99)),
      radiusM: 0.3,
      gyroNoiseDps: 0.3,
      accNoiseMs2: 0.06,
      seed: 12,
    });
    const est = createInclinationEstimator({ placement: 'shank' });
    collectAngles(est, toImuBatches(first, 10));
    est.reset();
    const out = collectAngles(est, toImuBatches(second, 10));
    const lateReps = reps.slice(2).map((r) => ({ ...r, startS: r.startS + 40 }));
    for (const e of romErrors(out, lateReps)) expect(Math.abs(e)).toBeLessThan(1.5);
  });

  it('skips non-finite samples, handles acc-only and gyro-only batches, and never emits NaN', () => {
    const s = sim(6, 50);
    for (let i = 0; i < s.tS.length; i += 23) s.accMs2[3 * i + 1] = Number.NaN;
    for (let i = 5; i < s.tS.length; i += 31) s.gyroDps[3 * i] = Number.POSITIVE_INFINITY;
    const est = createInclinationEstimator({ placement: 'shank' });
    const batches = toImuBatches(s, 10).map(
      (b, k): ImuBatch => (k % 5 === 3 ? { ...b, gyroDps: null } : k % 5 === 4 ? { ...b, accMs2: null } : b),
    );
    const out = collectAngles(est, batches);
    expect(out.tS.length).toBeGreaterThan(s.tS.length * 0.9);
    for (const a of out.angleDeg) expect(Number.isFinite(a)).toBe(true);
    for (const e of romErrors(out, reps)) expect(Math.abs(e)).toBeLessThan(2);
    expect(
      est.push({ device: 'x', count: 0, tS: new Float64Array(0), accMs2: null, gyroDps: null }).count,
    ).toBe(0);
  });

  it('keeps producing angles for a sensor that never moves (provisional plane)', () => {
    const s = simulateSegment({
      rateHz: 50,
      durationS: 15,
      thetaDeg: () => 20,
      strap: randomRotation(rng(1)),
      gyroNoiseDps: 0.2,
      accNoiseMs2: 0.05,
    });
    const out = collectAngles(createInclinationEstimator({ placement: 'thigh' }), toImuBatches(s, 10));
    expect(out.tS.length).toBeGreaterThan(0);
    for (const a of out.angleDeg) expect(Math.abs(a - out.angleDeg[0]!)).toBeLessThan(1);
  });
});
