import type { RepResult, SetSummary } from '@hamstream/core';

/** Per-set summary figures from its reps; null where no rep carries the figure. */
export function summarizeSet(reps: readonly RepResult[]): SetSummary {
  let romSum = 0;
  let romN = 0;
  let romMax: number | null = null;
  let holdTotal: number | null = null;
  let peakForce: number | null = null;
  let breakSum = 0;
  let breakN = 0;
  for (const r of reps) {
    if (r.romDeg !== null && Number.isFinite(r.romDeg)) {
      romSum += r.romDeg;
      romN++;
      romMax = romMax === null ? r.romDeg : Math.max(romMax, r.romDeg);
    }
    if (r.holdS !== null && Number.isFinite(r.holdS)) holdTotal = (holdTotal ?? 0) + r.holdS;
    if (r.peakForceN !== null && Number.isFinite(r.peakForceN)) {
      peakForce = peakForce === null ? r.peakForceN : Math.max(peakForce, r.peakForceN);
    }
    if (r.breakDeg !== undefined && r.breakDeg !== null && Number.isFinite(r.breakDeg)) {
      breakSum += r.breakDeg;
      breakN++;
    }
  }
  return {
    romMeanDeg: romN > 0 ? romSum / romN : null,
    romMaxDeg: romMax,
    holdTotalS: holdTotal,
    peakForceN: peakForce,
    breakDegMean: breakN > 0 ? breakSum / breakN : null,
  };
}
