import type { AnalyzeOutput } from '@hamstream/core';

/**
 * A copy of `output` with every number rounded to `decimals` places (3: milliseconds, thousandths of a
 * degree or newton), for printing. Non-finite numbers become null (the engine never makes them, but
 * this is the last line of defence before JSON).
 */
export function roundAnalyzeOutput(output: AnalyzeOutput, decimals = 3): AnalyzeOutput {
  const f = 10 ** decimals;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return null;
      const r = Math.round(v * f) / f;
      return Object.is(r, -0) ? 0 : r;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x);
      return o;
    }
    return v;
  };
  return walk(output) as AnalyzeOutput;
}
