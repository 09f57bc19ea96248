export type AsymmetryFlag = 'none' | 'ge15' | 'ge20';

export interface AsymmetryFigures {
  /** (stronger − weaker) / stronger, %. */
  asymmetryPct: number;
  flag: AsymmetryFlag;
  /** Which side was stronger ('equal' when both are the same or the inputs are unusable). */
  stronger: 'left' | 'right' | 'equal';
}

/** Thresholds of the flag, %: clinically common cut-offs for between-limb strength deficits. */
export const ASYMMETRY_FLAG_PCT = { ge15: 15, ge20: 20 } as const;

/**
 * Left/right asymmetry, (stronger − weaker)/stronger in %, flagged at ≥ 15 % and ≥ 20 %.
 * Unusable inputs (non-finite, negative, both zero) give 0 % and no flag rather than NaN.
 */
export function computeAsymmetry(leftPeakN: number, rightPeakN: number): AsymmetryFigures {
  if (!Number.isFinite(leftPeakN) || !Number.isFinite(rightPeakN) || leftPeakN < 0 || rightPeakN < 0) {
    return { asymmetryPct: 0, flag: 'none', stronger: 'equal' };
  }
  const stronger = Math.max(leftPeakN, rightPeakN);
  const weaker = Math.min(leftPeakN, rightPeakN);
  if (stronger <= 0 || stronger === weaker) return { asymmetryPct: 0, flag: 'none', stronger: 'equal' };
  const asymmetryPct = ((stronger - weaker) / stronger) * 100;
  const flag: AsymmetryFlag =
    asymmetryPct >= ASYMMETRY_FLAG_PCT.ge20
      ? 'ge20'
      : asymmetryPct >= ASYMMETRY_FLAG_PCT.ge15
        ? 'ge15'
        : 'none';
  return { asymmetryPct, flag, stronger: leftPeakN > rightPeakN ? 'left' : 'right' };
}
