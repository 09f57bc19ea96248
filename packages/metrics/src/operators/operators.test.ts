import type { ForceBatch } from '@hamstream/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createCadenceEstimator } from '../cadence/cadence-estimator.js';
import type { AngleSeries } from '../contracts.js';
import { createForceEffortDetector } from '../force/force-effort-detector.js';
import { createInclinationEstimator } from '../inclination/inclination-estimator.js';
import { createRepDetector } from '../reps/rep-detector.js';
import {
  angleSeries,
  forceBatches,
  randomRotation,
  repProfile,
  rng,
  simulateRunning,
  simulateSegment,
  stridePhase,
  toImuBatches,
} from '../test-support/synthetic.js';
import { countReps } from './count-reps.js';
import { forceEfforts } from './force-efforts.js';
import { inclination } from './inclination.js';
import { runningCadence } from './running-cadence.js';

const scheduler = (): TestScheduler => new TestScheduler((a, e) => expect(a).toEqual(e));

function slice(s: AngleSeries, fromS: number, toS: number): AngleSeries {
  let i = 0;
  while (i < s.count && s.tS[i]! < fromS) i++;
  let j = i;
  while (j < s.count && s.tS[j]! < toS) j++;
  return { count: j - i, tS: s.tS.slice(i, j), angleDeg: s.angleDeg.slice(i, j) };
}

// Three curls: 2–5.2 s, 6.5–9.7 s, 11–14.2 s.
const reps = [0, 1, 2].map((k) => ({ startS: 2 + 4.5 * k, upS: 1.2, holdS: 0.4, downS: 1.6, romDeg: 80 }));
const series = angleSeries(repProfile(reps, 0), 50, 16, 0.1, 5);
const parts = {
  a: slice(series, 0, 6), // rep 1 complete
  b: slice(series, 6, 9.6), // rep 2 almost back down
  c: slice(series, 9.6, 16), // rep 2 settles, rep 3 complete
};

describe('countReps', () => {
  it('emits each rep in the frame of the chunk that completes it', () => {
    const det = createRepDetector({ activity: 'prone-hamstring-curl' });
    const [r1] = det.push(parts.a);
    expect(det.push(parts.b)).toEqual([]);
    const [r2, r3] = det.push(parts.c);
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a--b--c-----|', parts);
      expectObservable(src.pipe(countReps({ activity: 'prone-hamstring-curl' }))).toBe('-x-----(yz)--|', {
        x: r1,
        y: r2,
        z: r3,
      });
    });
  });

  it('flushes a rep that has come back when the set completes', () => {
    const det = createRepDetector({ activity: 'x' });
    const [r1] = det.push(parts.a);
    det.push(parts.b);
    const [r2] = det.finish();
    expect(r2).toBeDefined();
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-|', parts).pipe(countReps({ activity: 'x' }))).toBe('-x---(y|)', {
        x: r1,
        y: r2,
      });
    });
  });

  it('passes errors through without flushing, and unsubscribes from the source', () => {
    const [r1] = createRepDetector({ activity: 'x' }).push(parts.a);
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('-a-b-#', parts).pipe(countReps({ activity: 'x' }))).toBe('-x---#', { x: r1 });
      const h = hot('-a-b-c-|', parts);
      expectObservable(h.pipe(countReps({ activity: 'x' })), '^--!').toBe('-x-', { x: r1 });
      expectSubscriptions(h.subscriptions).toBe('^--!');
    });
  });

  it('keeps one detector per subscription', () => {
    const [r1] = createRepDetector({ activity: 'x' }).push(parts.a);
    scheduler().run(({ cold, expectObservable }) => {
      const shared = cold('-a|', parts).pipe(countReps({ activity: 'x' }));
      expectObservable(shared).toBe('-x|', { x: r1 });
      expectObservable(shared).toBe('-x|', { x: r1 });
    });
  });
});

describe('inclination', () => {
  const sim = simulateSegment({
    rateHz: 50,
    durationS: 12,
    thetaDeg: repProfile(reps.slice(0, 2), 0),
    strap: randomRotation(rng(4)),
    gyroNoiseDps: 0.2,
    accNoiseMs2: 0.03,
  });
  const batches = toImuBatches(sim, 75); // 1.5 s each
  const values = { a: batches[0]!, b: batches[1]!, c: batches[2]!, d: batches[3]! };

  it('emits owned copies of what the estimator computed, skipping empty results', () => {
    const est = createInclinationEstimator({ placement: 'shank' });
    const expected = batches.slice(0, 4).map((b) => {
      const s = est.push(b);
      return { count: s.count, tS: s.tS.slice(0, s.count), angleDeg: s.angleDeg.slice(0, s.count) };
    });
    // Before any movement the plane is unknown: the first 1.5 s produce nothing; they come with the rest later.
    expect(expected[0]!.count).toBe(0);
    expect(expected[1]!.count).toBe(150);
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-c-d-|', values).pipe(inclination({ placement: 'shank' }))).toBe(
        '---x-y-z-|',
        {
          x: expected[1],
          y: expected[2],
          z: expected[3],
        },
      );
    });
  });

  it('emitted series stay valid after later batches', () => {
    const seen: AngleSeries[] = [];
    scheduler().run(({ cold }) => {
      cold('abcd|', values)
        .pipe(inclination({ placement: 'shank' }))
        .subscribe((s) => seen.push(s));
    });
    expect(seen.length).toBe(3);
    expect(seen.reduce((n, x) => n + x.count, 0)).toBe(300);
    const snapshot = Array.from(seen[0]!.angleDeg);
    expect(seen[0]!.angleDeg).not.toBe(seen[1]!.angleDeg);
    expect(Array.from(seen[0]!.angleDeg)).toEqual(snapshot);
    expect(seen[0]!.tS.length).toBe(seen[0]!.count);
  });
});

describe('forceEfforts', () => {
  const n = 960;
  const tS = new Float64Array(n);
  const forceN = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    tS[i] = i / 80;
    const x = (tS[i]! - 1) % 4;
    forceN[i] = tS[i]! > 1 && x < 2 ? 200 * Math.min(1, x / 0.5) * (x > 1.5 ? (2 - x) / 0.5 : 1) : 0;
  }
  const [a, b, c] = forceBatches(tS, forceN, 320) as [ForceBatch, ForceBatch, ForceBatch]; // 0–4, 4–8, 8–12 s; efforts 1–3, 5–7, 9–11 s
  it('emits efforts as they end and completes with the source', () => {
    const det = createForceEffortDetector();
    const ea = det.push(a);
    const eb = det.push(b);
    const ec = [...det.push(c), ...det.finish()];
    expect([ea.length, eb.length, ec.length]).toEqual([1, 1, 1]);
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c|', { a, b, c }).pipe(forceEfforts())).toBe('x-y-z|', {
        x: ea[0],
        y: eb[0],
        z: ec[0],
      });
      expectObservable(cold('a-#', { a }).pipe(forceEfforts())).toBe('x-#', { x: ea[0] });
    });
  });
});

describe('runningCadence', () => {
  const sim = simulateRunning({
    placement: 'shank',
    phase: stridePhase([{ fromS: 0, spm: 170 }]),
    rateHz: 100,
    durationS: 8,
    seed: 2,
  });
  const batches = toImuBatches(sim, 200); // 2 s each
  const v = { a: batches[0]!, b: batches[1]!, c: batches[2]!, d: batches[3]!, g: { gap: true as const } };
  it('estimates once per second of data and restarts after a gap', () => {
    const est = createCadenceEstimator({ placement: 'shank' });
    const e = [v.a, v.b, v.c].map((x) => est.pushImu(x));
    // First estimate once 2.5 s of data are there (at t = 3 s), then one per second.
    expect(e.map((x) => x.length)).toEqual([0, 1, 2]);
    const afterGap = createCadenceEstimator({ placement: 'shank' });
    afterGap.pushImu(v.a);
    const p = afterGap.pushImu(v.b);
    afterGap.reset();
    expect(afterGap.pushImu(v.d)).toEqual([]); // 6–8 s after a 2 s hole: a new window, too short yet
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-c----|', v).pipe(runningCadence({ placement: 'shank' }))).toBe(
        '---p-(rs)-|',
        {
          p: e[1]![0],
          r: e[2]![0],
          s: e[2]![1],
        },
      );
      expectObservable(cold('-a-b-g-d-|', v).pipe(runningCadence({ placement: 'shank' }))).toBe(
        '---p-----|',
        {
          p: p[0],
        },
      );
    });
  });
});
