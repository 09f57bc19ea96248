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
});
