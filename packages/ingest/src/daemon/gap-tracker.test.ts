import type { DecodedItem } from '@hamstream/sensors';
import { describe, expect, it } from 'vitest';
import { GapTracker } from './gap-tracker.js';

const force = (...tUs: number[]): DecodedItem => ({
  kind: 'force',
  count: tUs.length,
  sensorTUs: Float64Array.from(tUs),
  forceN: new Float64Array(tUs.length),
});

/** Feeds one-sample packets at the given sensor times. */
function feed(g: GapTracker, times: number[]): void {
  for (const t of times) g.observe(force(t));
}

const every = (from: number, n: number, stepUs: number) =>
  Array.from({ length: n }, (_, i) => from + i * stepUs);

describe('gap tracker', () => {
  it('counts a jump in the sensor clock as one gap, however many packets it swallowed', () => {
    const g = new GapTracker();
    const step = 12_500;
    const a = every(1_000_000, 20, step);
    const b = every(a[a.length - 1]! + 4 * step, 10, step); // three packets lost before b
    const c = every(b[b.length - 1]! + 2 * step, 5, step); // one lost before c
    feed(g, a);
    expect(g.gaps).toBe(0);
    feed(g, b);
    feed(g, c);
    expect(g.gaps).toBe(2);
  });

  it('ignores jitter and streams without a clock, and forgets the clock across reconnects', () => {
    const g = new GapTracker();
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 50; i++) {
      t += 12_500 + (i % 3) * 2_000;
      times.push(t);
    }
    feed(g, times);
    g.observe({ kind: 'acc', count: 1, sensorTUs: null, valuesMs2: new Float64Array(3) });
    g.reset();
    feed(g, [t + 10_000_000, t + 10_012_500]);
    expect(g.gaps).toBe(0);
  });
});
