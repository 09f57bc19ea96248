import { describe, expect, it } from 'vitest';
import type { RepEvent } from '../contracts.js';
import { summarizeSet } from './set-summary.js';

const rep = (o: Partial<RepEvent>): RepEvent => ({
  startS: 0,
  endS: 1,
  romDeg: null,
  peakDeg: null,
  concentricS: null,
  eccentricS: null,
  holdS: null,
  peakForceN: null,
  ...o,
});

describe('summarizeSet', () => {
  it('summarises ROM, holds, force and break angles', () => {
    const s = summarizeSet([
      rep({ romDeg: 80, holdS: 1, breakDeg: 50 }),
      rep({ romDeg: 90, holdS: 2, peakForceN: 300, breakDeg: null }),
      rep({ romDeg: 70, peakForceN: 320, breakDeg: 60 }),
    ]);
    expect(s).toEqual({ romMeanDeg: 80, romMaxDeg: 90, holdTotalS: 3, peakForceN: 320, breakDegMean: 55 });
  });
  it('gives nulls for an empty set', () => {
    expect(summarizeSet([])).toEqual({
      romMeanDeg: null,
      romMaxDeg: null,
      holdTotalS: null,
      peakForceN: null,
      breakDegMean: null,
    });
  });
});
