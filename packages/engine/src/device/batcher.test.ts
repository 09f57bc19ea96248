import type { ImuBatch } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_BATCH_LIMITS, ForceBatcher, ImuBatcher, LIVE_BATCH_LIMITS } from './batcher.js';

/** 100 Hz samples in notifications of two, as a WitMotion sends them. */
function feed(batcher: ImuBatcher, seconds: number, gyro = true): void {
  const tS = new Float64Array(2);
  const acc = new Float64Array(6);
  const gy = new Float64Array(6);
  for (let k = 0; k < 50 * seconds; k++) {
    tS[0] = (2 * k) / 100;
    tS[1] = (2 * k + 1) / 100;
    acc.fill(k);
    gy.fill(-k);
    batcher.push(tS, 0, acc, gyro ? gy : null, 0, 2);
  }
}

describe('ImuBatcher', () => {
  const collect = (limits = LIVE_BATCH_LIMITS) => {
    const out: { count: number; spanS: number; tLen: number; accLen: number; first: number }[] = [];
    const b = new ImuBatcher(
      'd',
      (x: ImuBatch) =>
        out.push({
          count: x.count,
          spanS: x.tS[x.count - 1]! - x.tS[0]!,
          tLen: x.tS.length,
          accLen: x.accMs2!.length,
          first: x.accMs2![0]!,
        }),
      limits,
    );
    return { b, out };
  };

  it('live: hands on at most 64 samples or 0.2 s of data, as exact-length arrays, nothing lost', () => {
    const { b, out } = collect();
    feed(b, 10);
    b.flush();
    expect(out.reduce((n, x) => n + x.count, 0)).toBe(1000);
    for (const x of out) {
      expect(x.count).toBeLessThanOrEqual(64);
      // The limit is checked per notification: a batch may end one notification (here 20 ms) past it.
      expect(x.spanS).toBeLessThanOrEqual(0.2 + 0.02 + 1e-9);
      expect(x.tLen).toBe(x.count);
      expect(x.accLen).toBe(3 * x.count);
    }
    // In order: each batch starts where the previous one ended.
    expect(out.map((x) => x.first)).toEqual(
      out.map((_, i) => out.slice(0, i).reduce((n, x) => n + x.count, 0) / 2),
    );
  });

  it('analysis: larger batches (fewer processor calls), same samples', () => {
    const { b, out } = collect(ANALYSIS_BATCH_LIMITS);
    feed(b, 10);
    b.flush();
    expect(out.reduce((n, x) => n + x.count, 0)).toBe(1000);
    expect(out.length).toBeLessThanOrEqual(6);
    for (const x of out) expect(x.spanS).toBeLessThanOrEqual(ANALYSIS_BATCH_LIMITS.maxSpanS + 0.02 + 1e-9);
  });

  it("hands a push of a batch's worth on as views of the caller's arrays when nothing is collected", () => {
    const seen: ImuBatch[] = [];
    const b = new ImuBatcher('d', (x) => seen.push(x), ANALYSIS_BATCH_LIMITS);
    const n = 200;
    const tS = new Float64Array(n + 5).map((_, i) => i / 100);
    const acc = new Float64Array(3 * (n + 10)).map((_, i) => i);
    const gyro = new Float64Array(3 * (n + 10)).map((_, i) => -i);
    b.push(tS, 5, acc, gyro, 10, n);
    expect(seen).toHaveLength(1);
    const x = seen[0]!;
    expect(x.count).toBe(n);
    expect(x.tS.buffer).toBe(tS.buffer);
    expect([x.tS.length, x.accMs2!.length, x.gyroDps!.length]).toEqual([n, 3 * n, 3 * n]);
    expect([x.tS[0], x.accMs2![0], x.gyroDps![3 * n - 1]]).toEqual([0.05, 30, -(3 * (10 + n) - 1)]);
    // Small pushes are still collected (copied) into batches.
    b.push(tS, 0, acc, gyro, 0, 2);
    expect(seen).toHaveLength(1);
  });

  it('never merges paired and accelerometer-only samples into one batch', () => {
    const shapes: boolean[] = [];
    const b = new ImuBatcher('d', (x) => shapes.push(x.gyroDps !== null));
    feed(b, 0.1, true);
    feed(b, 0.1, false);
    b.flush();
    expect(shapes).toEqual([true, false]);
  });
});

describe('ForceBatcher', () => {
  it('respects its limits and loses nothing', () => {
    const counts: number[] = [];
    const b = new ForceBatcher('f', (x) => counts.push(x.count), LIVE_BATCH_LIMITS);
    const tS = new Float64Array(1);
    const f = new Float64Array(1);
    for (let i = 0; i < 800; i++) {
      tS[0] = i / 80;
      f[0] = i;
      b.push(tS, 0, f, 0, 1);
    }
    b.flush();
    expect(counts.reduce((a, c) => a + c, 0)).toBe(800);
    expect(Math.max(...counts)).toBeLessThanOrEqual(64);
  });
});
