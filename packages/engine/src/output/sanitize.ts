import type { RepResult, SetSummary } from '@hamstream/core';

/** NaN/Infinity never leave the engine: a non-finite figure becomes null (absent). */
export function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A rep with finite times, every other figure finite or null; null if its times are unusable. */
export function sanitizeRep(rep: RepResult): RepResult | null {
  if (!Number.isFinite(rep.startS) || !Number.isFinite(rep.endS)) return null;
  const out: RepResult = {
    startS: rep.startS,
    endS: rep.endS,
    romDeg: finiteOrNull(rep.romDeg),
    peakDeg: finiteOrNull(rep.peakDeg),
    concentricS: finiteOrNull(rep.concentricS),
    eccentricS: finiteOrNull(rep.eccentricS),
    holdS: finiteOrNull(rep.holdS),
    peakForceN: finiteOrNull(rep.peakForceN),
  };
  if (rep.breakDeg !== undefined) out.breakDeg = finiteOrNull(rep.breakDeg);
  if (rep.rfd100NPerS !== undefined) out.rfd100NPerS = finiteOrNull(rep.rfd100NPerS);
  if (rep.rfd200NPerS !== undefined) out.rfd200NPerS = finiteOrNull(rep.rfd200NPerS);
  if (rep.impulseNs !== undefined) out.impulseNs = finiteOrNull(rep.impulseNs);
  return out;
}

export function sanitizeSummary(summary: SetSummary): SetSummary {
  const out: SetSummary = {
    romMeanDeg: finiteOrNull(summary.romMeanDeg),
    romMaxDeg: finiteOrNull(summary.romMaxDeg),
  };
  if (summary.holdTotalS !== undefined) out.holdTotalS = finiteOrNull(summary.holdTotalS);
  if (summary.peakForceN !== undefined) out.peakForceN = finiteOrNull(summary.peakForceN);
  if (summary.breakDegMean !== undefined) out.breakDegMean = finiteOrNull(summary.breakDegMean);
  return out;
}
