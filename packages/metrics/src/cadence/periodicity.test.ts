import { describe, expect, it } from 'vitest';
import { autocorrelate, findPeriod } from './periodicity.js';

function signal(n: number, f: (i: number) => number): Float64Array {
  const x = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i] = f(i);
  m /= n;
  for (let i = 0; i < n; i++) x[i] = x[i]! - m;
  return x;
}

describe('findPeriod', () => {
  it.each([37.3, 52.9, 71.05])('finds a non-integer period of %d samples to 0.05 %', (p) => {
    const n = 800;
    const x = signal(n, (i) => Math.sin((2 * Math.PI * i) / p) + 0.4 * Math.sin((4 * Math.PI * i) / p + 1));
    const r = new Float64Array(n);
    autocorrelate(x, n, 1, 500, r);
    const res = findPeriod(r, n, 20, 200, 480);
    expect(Math.abs(res.periodSamples - p) / p).toBeLessThan(5e-4);
    expect(res.strength).toBeGreaterThan(0.9);
  });

  it('prefers the fundamental over its multiples and rejects noise', () => {
    const n = 600;
    const x = signal(n, (i) => Math.sin((2 * Math.PI * i) / 30));
    const r = new Float64Array(n);
    autocorrelate(x, n, 1, 300, r);
    expect(findPeriod(r, n, 20, 150, 300).periodSamples).toBeCloseTo(30, 1);
    let s = 12345;
    const noise = signal(n, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648 - 0.5;
    });
    autocorrelate(noise, n, 1, 300, r);
    expect(findPeriod(r, n, 20, 150, 300).periodSamples).toBe(0);
  });

  it('reads lags beyond the search range only after asking for them', () => {
    const n = 400;
    const x = signal(
      n,
      (i) => Math.sin((2 * Math.PI * i) / 17.6) + 0.3 * Math.sin((2 * Math.PI * i) / 35.2 + 0.5),
    );
    const full = new Float64Array(n);
    autocorrelate(x, n, 1, n - 1, full);
    // Lags the search needs (≤ maxLag + 1) given, the rest NaN until ensured: a NaN read would change the result.
    const lazy = new Float64Array(n).fill(Number.NaN);
    lazy.set(full.subarray(0, 122));
    const asked: [number, number][] = [];
    const res = findPeriod(lazy, n, 11, 120, 240, (lo, hi) => {
      asked.push([lo, hi]);
      for (let i = lo; i <= hi; i++) lazy[i] = full[i]!;
    });
    expect(res).toEqual(findPeriod(full, n, 11, 120, 240));
    expect(res.periodSamples).toBeCloseTo(17.6, 1);
    expect(asked.length).toBeGreaterThan(1);
  });
});
