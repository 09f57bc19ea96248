import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomRotation, rng } from '../test-support/synthetic.js';
import { symEigenvalues3, symEigenvector3 } from './sym-eig3.js';

/** M = R·diag(l)·Rᵀ in [xx, yy, zz, xy, xz, yz] form. */
function compose(r: number[], l: [number, number, number]): Float64Array {
  const m = (i: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < 3; k++) s += r[3 * i + k]! * l[k]! * r[3 * j + k]!;
    return s;
  };
  return new Float64Array([m(0, 0), m(1, 1), m(2, 2), m(0, 1), m(0, 2), m(1, 2)]);
}

describe('symmetric 3×3 eigen-decomposition', () => {
  it('recovers eigenvalues and the principal eigenvector of random matrices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (seed, l1, f2, f3) => {
          const l: [number, number, number] = [l1 + 1, (l1 + 1) * f2, (l1 + 1) * f2 * f3];
          const r = randomRotation(rng(seed));
          const m = compose(r, l);
          const ev = new Float64Array(3);
          symEigenvalues3(m, ev);
          for (let k = 0; k < 3; k++) expect(ev[k]!).toBeCloseTo(l[k]!, 6 - Math.log10(l1 + 1));
          const v = new Float64Array(3);
          if (l[0] - l[1] > 1e-3 * l[0]) {
            expect(symEigenvector3(m, ev[0]!, v)).toBe(true);
            // Principal axis = first column of R (up to sign).
            const c = Math.abs(v[0]! * r[0]! + v[1]! * r[3]! + v[2]! * r[6]!);
            expect(c).toBeGreaterThan(1 - 1e-6);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles multiples of the identity and the zero matrix', () => {
    const ev = new Float64Array(3);
    symEigenvalues3(new Float64Array([2, 2, 2, 0, 0, 0]), ev);
    expect([...ev]).toEqual([2, 2, 2]);
    symEigenvalues3(new Float64Array(6), ev);
    expect([...ev]).toEqual([0, 0, 0]);
    expect(symEigenvector3(new Float64Array(6), 0, new Float64Array(3))).toBe(false);
  });
});
