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
  it('averages readings over the last seconds and computes the change', () => {
    const est = createCadenceEstimator({ placement: 'foot', baselineSpm: 160 });
    const out: CadenceEstimate[] = [];
    for (let i = 0; i < 10; i++) {
      out.push(
        ...est.pushReading({ device: 'pod', tS: i, cadenceSpm: i % 2 === 0 ? 168 : 169, speedMps: 3 }),
      );
    }
    expect(out).toHaveLength(10);
    expect(out.at(-1)!.spm).toBeCloseTo((168 + 169 + 168 + 169) / 4, 9); // readings of the last 3 s (6–9 s)
    expect(out.at(-1)!.changePct!).toBeCloseTo((168.5 / 160 - 1) * 100, 6);
    expect(est.pushReading({ device: 'pod', tS: 5, cadenceSpm: 170, speedMps: null })).toEqual([]); // out of order
    expect(est.pushReading({ device: 'pod', tS: 11, cadenceSpm: Number.NaN, speedMps: null })).toEqual([]);
  });
});
