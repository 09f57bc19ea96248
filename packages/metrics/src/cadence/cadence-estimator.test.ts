import type { ImuBatch } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import type { CadenceEstimate } from '../contracts.js';
import {
  randomRotation,
  rng,
  simulateRunning,
  simulateSegment,
  stridePhase,
  toImuBatches,
} from '../test-support/synthetic.js';
import { createCadenceEstimator } from './cadence-estimator.js';

function runImu(
  batches: ImuBatch[],
  placement: 'shank' | 'chest' | 'pelvis',
  baselineSpm?: number,
): CadenceEstimate[] {
  const est = createCadenceEstimator(baselineSpm === undefined ? { placement } : { placement, baselineSpm });
  return batches.flatMap((b) => est.pushImu(b));
}

describe('createCadenceEstimator (IMU)', () => {
  it.each([
    ['shank', 100, 150],
    ['shank', 200, 171.3],
    ['shank', 50, 188],
    ['chest', 100, 162.5],
    ['chest', 200, 205],
    ['chest', 52, 176],
  ] as const)('%s at %i Hz, %d spm: steady-state error well under 1 %', (placement, rateHz, spm) => {
    const sim = simulateRunning({
      placement,
      phase: stridePhase([{ fromS: 0, spm }]),
      rateHz,
      durationS: 30,
      seed: 3,
    });
    const out = runImu(toImuBatches(sim, 5), placement);
    const steady = out.filter((e) => e.tS > 8);
    expect(steady.length).toBeGreaterThanOrEqual(21);
    for (const e of steady) expect(Math.abs(e.spm - spm)).toBeLessThan(0.3);
  });

  it('counts strides from an accelerometer-only arm or thigh (the magnitude would see two bumps per stride)', () => {
    for (const [spm, placement] of [
      [110, 'wrist'],
      [168, 'thigh'],
    ] as const) {
      const phase = stridePhase([{ fromS: 0, spm }]);
      const sim = simulateSegment({
        rateHz: 100,
        durationS: 25,
        seed: 8,
        strap: randomRotation(rng(21)),
        radiusM: 0.55,
        accNoiseMs2: 0.3,
        // The limb swings once per stride; the body bounces once per step.
        thetaDeg: (t) => 25 * Math.sin(2 * Math.PI * phase(t)),
        jointPosM: (t) => [1.4 * t, 0, 0.03 * Math.cos(4 * Math.PI * phase(t))],
      });
      const batches = toImuBatches(sim, 5).map((b) => ({ ...b, gyroDps: null }));
      const est = createCadenceEstimator({ placement });
      const out = batches.flatMap((b) => est.pushImu(b)).filter((e) => e.tS > 8);
      expect(out.length).toBeGreaterThan(10);
      for (const e of out) expect(Math.abs(e.spm - spm)).toBeLessThan(0.5);
    }
  });

  it('emits at least once per second of data, causally, from 2.5 s on', () => {
    const sim = simulateRunning({
      placement: 'shank',
      phase: stridePhase([{ fromS: 0, spm: 170 }]),
      rateHz: 100,
      durationS: 20,
      seed: 1,
    });
    const out = runImu(toImuBatches(sim, 7), 'shank');
    expect(out[0]!.tS).toBeGreaterThanOrEqual(2.5);
    expect(out[0]!.tS).toBeLessThan(3.6);
    for (let i = 1; i < out.length; i++) {
      expect(out[i]!.tS - out[i - 1]!.tS).toBeLessThanOrEqual(1.0 + 1e-9);
      expect(out[i]!.tS).toBeGreaterThan(out[i - 1]!.tS);
    }
    expect(out.at(-1)!.tS).toBeGreaterThanOrEqual(19);
  });

  it('tracks a +5 % retraining block against the first steady minute', () => {
    const sim = simulateRunning({
      placement: 'shank',
      phase: stridePhase([
        { fromS: 0, spm: 164 },
        { fromS: 75, spm: 172.2 },
      ]),
      rateHz: 100,
      durationS: 110,
      seed: 9,
      jitterS: 0.002,
    });
    const out = runImu(toImuBatches(sim, 6), 'shank');
    const before = out.filter((e) => e.tS < 60);
    expect(before.every((e) => e.changePct === null)).toBe(true);
    const after = out.filter((e) => e.tS > 86);
    expect(after.length).toBeGreaterThan(20);
    for (const e of after) {
      expect(Math.abs(e.spm - 172.2)).toBeLessThan(0.4);
      expect(e.changePct!).toBeGreaterThan(4.7);
      expect(e.changePct!).toBeLessThan(5.3);
    }
  });

  it('uses a given baseline from the start', () => {
    const sim = simulateRunning({
      placement: 'chest',
      phase: stridePhase([{ fromS: 0, spm: 168 }]),
      rateHz: 100,
      durationS: 15,
      seed: 2,
    });
    const out = runImu(toImuBatches(sim, 10), 'chest', 160);
    for (const e of out.filter((x) => x.tS > 8)) expect(e.changePct!).toBeCloseTo(5, 0);
  });

  it('bridges packet-loss holes and restarts its window after a long gap', () => {
    const sim = simulateRunning({
      placement: 'shank',
      phase: stridePhase([{ fromS: 0, spm: 176 }]),
      rateHz: 100,
      durationS: 40,
      seed: 4,
    });
    const batches = toImuBatches(sim, 4).filter((_, i) => i % 9 !== 4); // ~11 % of packets lost
    const est = createCadenceEstimator({ placement: 'shank' });
    const out: CadenceEstimate[] = [];
    for (const b of batches) {
      if (b.tS[0]! >= 20 && b.tS[0]! < 20.04) est.reset();
      if (b.tS[0]! > 20 && b.tS[0]! < 25) continue; // a 5 s disconnect
      out.push(...est.pushImu(b));
    }
    expect(out.some((e) => e.tS > 20.1 && e.tS < 27.4)).toBe(false); // nothing across the gap until 2.5 s of new data
    for (const e of out.filter((x) => x.tS > 8)) expect(Math.abs(e.spm - 176)).toBeLessThan(0.5);
  });

  it('estimates a run from its own movement, not from the stand before it', () => {
    for (const placement of ['shank', 'chest'] as const) {
      // Standing for 6 s, then running at 170 spm: an 8 s window half standing is aperiodic or biased.
      const sim = simulateRunning({
        placement,
        phase: stridePhase([
          { fromS: 0, spm: 0 },
          { fromS: 6, spm: 170 },
        ]),
        rateHz: 100,
        durationS: 20,
        seed: 6,
      });
      const out = runImu(toImuBatches(sim, 5), placement);
      for (const e of out.filter((x) => x.tS < 5.9)) expect(e.spm).toBe(0);
      const running = out.filter((x) => x.tS >= 9);
      for (let t = 9; t < 19; t++) expect(running.some((e) => e.tS >= t && e.tS < t + 1)).toBe(true);
      for (const e of running) expect(Math.abs(e.spm - 170)).toBeLessThan(1.5);
    }
  });

  it('bridges a lost frame of up to 1.5 s without restarting its window', () => {
    const sim = simulateRunning({
      placement: 'shank',
      phase: stridePhase([{ fromS: 0, spm: 164 }]),
      rateHz: 52,
      durationS: 30,
      seed: 8,
    });
    const est = createCadenceEstimator({ placement: 'shank' });
    const out: CadenceEstimate[] = [];
    for (const b of toImuBatches(sim, 26)) {
      if (b.tS[0]! > 15 && b.tS[0]! < 16.1) continue; // ~1 s of data lost
      out.push(...est.pushImu(b));
    }
    for (let t = 4; t < 29; t++)
      expect(
        out.some((e) => e.tS >= t && e.tS < t + 1),
        `${t} s`,
      ).toBe(true);
    for (const e of out.filter((x) => x.tS > 8)) expect(Math.abs(e.spm - 164)).toBeLessThan(1);
  });

  it('reports 0 when the runner stands still', () => {
    const sim = simulateRunning({
      placement: 'chest',
      phase: () => 0,
      rateHz: 100,
      durationS: 6,
      seed: 5,
      noise: 0.3,
    });
    const out = runImu(toImuBatches(sim, 10), 'pelvis');
    expect(out.length).toBeGreaterThan(0);
    for (const e of out) expect(e.spm).toBe(0);
  });
});

describe('createCadenceEstimator (footpod readings)', () => {
  it("reports the footpod's own cadence (median of the last three readings) and the change", () => {
    const est = createCadenceEstimator({ placement: 'foot', baselineSpm: 160 });
    const out: CadenceEstimate[] = [];
    for (let i = 0; i < 10; i++) {
      out.push(
        ...est.pushReading({ device: 'pod', tS: i, cadenceSpm: i % 2 === 0 ? 168 : 169, speedMps: 3 }),
      );
    }
    expect(out).toHaveLength(10);
    expect(out.at(-1)!.spm).toBe(169); // readings at 7, 8, 9 s: 169, 168, 169
    expect(out.at(-1)!.changePct!).toBeCloseTo((169 / 160 - 1) * 100, 6);
    expect(est.pushReading({ device: 'pod', tS: 5, cadenceSpm: 170, speedMps: null })).toEqual([]); // out of order
    expect(est.pushReading({ device: 'pod', tS: 11, cadenceSpm: Number.NaN, speedMps: null })).toEqual([]);
  });

  it('does not average the stand before the start into the first seconds of running', () => {
    const est = createCadenceEstimator({ placement: 'foot' });
    const readings = [0, 0, 159, 160, 161, 160];
    const out = readings.flatMap((spm, i) =>
      est.pushReading({ device: 'pod', tS: 4 + i, cadenceSpm: spm, speedMps: spm > 0 ? 3 : 0 }),
    );
    expect(out.map((e) => e.spm)).toEqual([0, 0, 159, 159.5, 160, 160]);
    // Stopping is reported at once: the newest reading says no steps.
    expect(est.pushReading({ device: 'pod', tS: 10, cadenceSpm: 0, speedMps: 0 })[0]!.spm).toBe(0);
  });

  it('fills the seconds a lost notification left empty with the last estimate, not longer silences', () => {
    const est = createCadenceEstimator({ placement: 'foot' });
    est.pushReading({ device: 'pod', tS: 10.9, cadenceSpm: 170, speedMps: 3 });
    const afterLoss = est.pushReading({ device: 'pod', tS: 13.05, cadenceSpm: 172, speedMps: 3 });
    expect(afterLoss.map((e) => [e.tS, e.spm])).toEqual([
      [11, 170],
      [12, 170],
      [13.05, 171],
    ]);
    const afterSilence = est.pushReading({ device: 'pod', tS: 30.2, cadenceSpm: 168, speedMps: 3 });
    expect(afterSilence.map((e) => e.tS)).toEqual([30.2]);
  });
});
