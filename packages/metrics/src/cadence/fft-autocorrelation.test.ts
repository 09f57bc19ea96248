import { describe, expect, it } from 'vitest';
import { FftAutocorrelation } from './fft-autocorrelation.js';
import { autocorrelate } from './periodicity.js';

function noiseSignal(n: number, dims: number, seed: number): Float64Array {
  let s = seed;
  const x = new Float64Array(dims * n);
  for (let c = 0; c < dims; c++) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const v = Math.sin((2 * Math.PI * i) / (17 + 3 * c)) + (s / 2147483648 - 0.5);
      x[c * n + i] = v;
      m += v;
    }
    for (let i = 0; i < n; i++) x[c * n + i] = x[c * n + i]! - m / n;
  }
  return x;
}

describe('FftAutocorrelation', () => {
  it.each([
    [400, 1, 242],
    [400, 3, 242],
    [125, 3, 80],
    [17, 1, 15],
    [16, 2, 14],
    [333, 2, 331],
  ])('equals the direct sums (n %i, %i components, lags ≤ %i)', (n, dims, maxLag) => {
    const x = noiseSignal(n, dims, n + dims);
    const direct = new Float64Array(n);
    const fast = new Float64Array(n);
    autocorrelate(x, n, dims, maxLag, direct);
    const acf = new FftAutocorrelation();
    acf.compute(x, n, dims, maxLag, fast);
    for (let lag = 0; lag <= maxLag; lag++) expect(Math.abs(fast[lag]! - direct[lag]!)).toBeLessThan(1e-9);
    expect(fast[0]).toBeCloseTo(1, 12);
    // Reused for another size and back: scratch is resized, results unchanged.
    acf.compute(noiseSignal(50, 1, 3), 50, 1, 40, new Float64Array(50));
    const again = new Float64Array(n);
    acf.compute(x, n, dims, maxLag, again);
    expect(Array.from(again.subarray(0, maxLag + 1))).toEqual(Array.from(fast.subarray(0, maxLag + 1)));
  });

  it('gives 0 where a lag has no energy (all-zero signal)', () => {
    const r = new Float64Array(10).fill(7);
    new FftAutocorrelation().compute(new Float64Array(10), 10, 1, 8, r);
    expect(Array.from(r.subarray(0, 9))).toEqual(new Array(9).fill(0));
  });

  it.each([
    [400, 1, 121],
    [400, 3, 121],
    [300, 3, 121],
    [125, 1, 121],
  ])('computes lags beyond the exact ones on demand (n %i, %i components, exact ≤ %i)', (n, dims, exact) => {
    const x = noiseSignal(n, dims, 7 * n + dims);
    const direct = new Float64Array(n);
    autocorrelate(x, n, dims, n - 1, direct);
    const acf = new FftAutocorrelation();
    const r = new Float64Array(n).fill(Number.NaN);
    acf.transform(x, n, dims, exact, r);
    for (let lag = 0; lag <= Math.min(exact, n - 1); lag++)
      expect(Math.abs(r[lag]! - direct[lag]!)).toBeLessThan(1e-9);
    expect(Number.isNaN(r[Math.min(exact, n - 1) + 1]!)).toBe(true);
    // Windows as the period refinement asks for them (overlapping, out of order), up to the last lag.
    for (const [lo, hi] of [
      [200, 210],
      [140, 150],
      [205, 215],
      [n - 3, n + 5],
    ] as const)
      acf.lags(r, lo, hi);
    for (const [lo, hi] of [
      [140, 150],
      [200, 215],
      [n - 3, n - 1],
    ] as const) {
      for (let lag = Math.min(lo, n - 1); lag <= Math.min(hi, n - 1); lag++)
        expect(Math.abs(r[lag]! - direct[lag]!), `lag ${lag}`).toBeLessThan(1e-9);
    }
    // A new transform forgets the lags of the previous one.
    const y = noiseSignal(n, dims, 3 * n + 1);
    autocorrelate(y, n, dims, n - 1, direct);
    acf.transform(y, n, dims, exact, r);
    acf.lags(r, n - 3, n - 1);
    for (let lag = n - 3; lag < n; lag++) expect(Math.abs(r[lag]! - direct[lag]!)).toBeLessThan(1e-9);
  });
});
