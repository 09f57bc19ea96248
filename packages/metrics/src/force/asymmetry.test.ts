import { describe, expect, it } from 'vitest';
import { computeAsymmetry } from './asymmetry.js';

describe('computeAsymmetry', () => {
  it.each([
    [300, 300, 0, 'none', 'equal'],
    [300, 270, 10, 'none', 'left'],
    [255, 300, 15, 'ge15', 'right'],
    [300, 246, 18, 'ge15', 'left'],
    [240, 300, 20, 'ge20', 'right'],
    [100, 50, 50, 'ge20', 'left'],
    [0, 0, 0, 'none', 'equal'],
    [Number.NaN, 10, 0, 'none', 'equal'],
    [-5, 10, 0, 'none', 'equal'],
  ] as const)('left %d N, right %d N → %d %% (%s)', (left, right, pct, flag, stronger) => {
    const r = computeAsymmetry(left, right);
    expect(r.asymmetryPct).toBeCloseTo(pct, 9);
    expect(r.flag).toBe(flag);
    expect(r.stronger).toBe(stronger);
  });
});
