import { describe, expect, it } from 'vitest';
import type { RepEvent } from '../contracts.js';
import { forceBatches, gaussian, rng } from '../test-support/synthetic.js';
import { createForceEffortDetector } from './force-effort-detector.js';

interface Effort {
  startS: number;
  rampS: number;
  holdS: number;
  releaseS: number;
  peakN: number;
}

/** Linear ramp, flat hold, linear release on top of a baseline (a pre-load), sampled at rateHz. */
function forceSignal(
  efforts: Effort[],
  durationS: number,
  rateHz: number,
  baseN: number,
  noiseN: number,
  seed = 1,
) {
  const n = Math.round(durationS * rateHz);
  const g = gaussian(rng(seed));
  const tS = new Float64Array(n);
  const forceN = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    let f = baseN;
    for (const e of efforts) {
      const x = t - e.startS;
      if (x <= 0) continue;
      if (x < e.rampS) f += (e.peakN * x) / e.rampS;
      else if (x < e.rampS + e.holdS) f += e.peakN;
      else if (x < e.rampS + e.holdS + e.releaseS) f += e.peakN * (1 - (x - e.rampS - e.holdS) / e.releaseS);
    }
    tS[i] = t;
    forceN[i] = f + noiseN * g();
  }
  return { tS, forceN };
}

function detect(sig: { tS: Float64Array; forceN: Float64Array }, chunk = 8): RepEvent[] {
  const det = createForceEffortDetector();
  return [...forceBatches(sig.tS, sig.forceN, chunk).flatMap((b) => det.push(b)), ...det.finish()];
}

describe('createForceEffortDetector', () => {
  it('measures peak force, RFD over 0–100 and 0–200 ms, impulse and tempo', () => {
    const efforts = [0, 1, 2].map((k) => ({
      startS: 3 + 12 * k,
      rampS: 0.8,
      holdS: 4,
      releaseS: 0.4,
      peakN: 280 - 10 * k,
    }));
    const found = detect(forceSignal(efforts, 40, 80, 0, 0.3));
    expect(found).toHaveLength(3);
    found.forEach((r, k) => {
      const e = efforts[k]!;
      const slope = e.peakN / e.rampS;
      expect(Math.abs(r.peakForceN! - e.peakN) / e.peakN).toBeLessThan(0.01);
      expect(r.rfd100NPerS!).toBeCloseTo(slope, -1);
      expect(Math.abs(r.rfd200NPerS! - slope) / slope).toBeLessThan(0.03);
      const impulse = e.peakN * (e.rampS / 2 + e.holdS + e.releaseS / 2);
      expect(Math.abs(r.impulseNs! - impulse) / impulse).toBeLessThan(0.02);
      expect(r.startS).toBeGreaterThan(e.startS - 0.02);
      expect(r.startS).toBeLessThan(e.startS + 0.05);
      expect(r.holdS!).toBeGreaterThan(e.holdS - 0.3);
      expect(r.holdS!).toBeLessThan(e.holdS + 0.3);
      expect(r.romDeg).toBeNull();
    });
  });

  it('handles a pre-load baseline (force stays above zero between efforts)', () => {
    const efforts = [0, 1, 2, 3].map((k) => ({
      startS: 2 + 6 * k,
      rampS: 1.5,
      holdS: 0.5,
      releaseS: 0.6,
      peakN: 150,
    }));
    const found = detect(forceSignal(efforts, 27, 100, 12, 0.5));
    expect(found).toHaveLength(4);
    for (const r of found) {
      expect(Math.abs(r.peakForceN! - 162) / 162).toBeLessThan(0.01);
      // Impulse is measured above the baseline.
      expect(r.impulseNs!).toBeCloseTo(150 * (0.75 + 0.5 + 0.3), -1);
    }
  });

  it('does not count small touches of the gauge or noise', () => {
    const efforts = [
      { startS: 2, rampS: 0.3, holdS: 0.2, releaseS: 0.3, peakN: 8 },
      { startS: 5, rampS: 0.8, holdS: 3, releaseS: 0.4, peakN: 250 },
      { startS: 12, rampS: 0.2, holdS: 0.1, releaseS: 0.2, peakN: 40 }, // 16 % of the typical effort
      { startS: 15, rampS: 0.8, holdS: 3, releaseS: 0.4, peakN: 240 },
    ];
    const found = detect(forceSignal(efforts, 22, 80, 0, 1));
    expect(found.map((r) => Math.round(r.peakForceN! / 10) * 10)).toEqual([250, 240]);
  });

  it('is independent of chunking and finishes an effort that has come down', () => {
    const sig = forceSignal(
      [{ startS: 1, rampS: 0.5, holdS: 2, releaseS: 1.5, peakN: 200 }],
      4.8,
      80,
      0,
      0.2,
    );
    expect(detect(sig, 1)).toEqual(detect(sig, 1000));
    // Cut while still holding: not complete.
    const det = createForceEffortDetector();
    det.push({ device: 'f', count: 200, tS: sig.tS.subarray(0, 200), forceN: sig.forceN.subarray(0, 200) });
    expect(det.finish()).toEqual([]);
  });

  it('never emits non-finite numbers and skips bad samples', () => {
    const sig = forceSignal([{ startS: 1, rampS: 0.5, holdS: 2, releaseS: 0.5, peakN: 200 }], 6, 80, 0, 0.2);
    sig.forceN[100] = Number.NaN;
    sig.forceN[101] = Number.POSITIVE_INFINITY;
    const found = detect(sig);
    expect(found).toHaveLength(1);
    for (const v of Object.values(found[0]!))
      if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
  });
});
