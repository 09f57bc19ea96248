/**
 * Period of a roughly periodic signal on a uniform grid, by normalised autocorrelation.
 * Pure and allocation-free: the caller provides the scratch array for r(lag).
 */
export interface PeriodResult {
  /** Period in grid samples (fractional), or 0 when no periodicity was found. */
  periodSamples: number;
  /** Normalised autocorrelation at the fundamental. */
  strength: number;
}

export const PERIOD_TUNING = {
  /** A local maximum within this fraction of the best one is a fundamental candidate (smallest lag wins). */
  candidateFrac: 0.8,
  /** Below this autocorrelation the signal is not periodic enough to report. */
  minStrength: 0.3,
  /** Multiples of the fundamental are used for refinement while r stays above this fraction of r(L). */
  multipleFrac: 0.5,
  /** Multiples are searched only where the overlap is at least this fraction of the window. */
  minOverlapFrac: 0.4,
} as const;

/**
 * Normalised autocorrelation r(lag), lag in [0, maxLag], of a `dims`-component signal stored component
 * by component (x[c·n + i], means already removed): the components' products are summed, so the result
 * does not depend on the sensor's orientation.
 */
export function autocorrelate(
  x: Float64Array,
  n: number,
  dims: number,
  maxLag: number,
  r: Float64Array,
): void {
  for (let lag = 0; lag <= maxLag && lag < n; lag++) {
    let s = 0;
    let ea = 0;
    let eb = 0;
    const m = n - lag;
    for (let c = 0; c < dims; c++) {
      const o = c * n;
      for (let i = 0; i < m; i++) {
        const a = x[o + i]!;
        const b = x[o + i + lag]!;
        s += a * b;
        ea += a * a;
        eb += b * b;
      }
    }
    const d = Math.sqrt(ea * eb);
    r[lag] = d > 0 ? s / d : 0;
  }
}

function parabolicPeak(r: Float64Array, i: number): number {
  const a = r[i - 1]!;
  const b = r[i]!;
  const c = r[i + 1]!;
  const den = a - 2 * b + c;
  if (den >= 0) return i;
  const d = (0.5 * (a - c)) / den;
  return i + Math.max(-0.5, Math.min(0.5, d));
}

/** Highest local maximum of r within around ± halfWidth, or -1. */
function peakNear(
  r: Float64Array,
  around: number,
  halfWidth: number,
  maxLag: number,
  ensure: ((lo: number, hi: number) => void) | undefined,
): number {
  const lo = Math.max(1, Math.floor(around - halfWidth));
  const hi = Math.min(maxLag - 1, Math.ceil(around + halfWidth));
  ensure?.(lo - 1, hi + 1);
  let best = -1;
  for (let i = lo; i <= hi; i++) {
    if (r[i]! >= r[i - 1]! && r[i]! >= r[i + 1]! && (best < 0 || r[i]! > r[best]!)) best = i;
  }
  return best;
}

/**
 * Finds the fundamental period in [minLag, maxLag] samples: the smallest-lag local maximum of r whose
 * height is within candidateFrac of the highest one, refined by parabolic interpolation and by the peaks
 * at its multiples (a least-squares fit of lag_k = k·P over the multiples found).
 * r must hold lags 0 … maxLag + 1; the refinement reads a few lags around each multiple up to
 * refineMaxLag + 1: from r as given, or after `ensure(lo, hi)` has written r[lo … hi] (a caller computing
 * r lazily: only a few of those lags are ever read).
 */
export function findPeriod(
  r: Float64Array,
  n: number,
  minLag: number,
  maxLag: number,
  refineMaxLag: number,
  ensure?: (lo: number, hi: number) => void,
): PeriodResult {
  const hiLag = Math.min(maxLag, n - 2);
  let best = -1;
  for (let i = Math.max(1, minLag); i <= hiLag; i++) {
    if (r[i]! >= r[i - 1]! && r[i]! > r[i + 1]! && (best < 0 || r[i]! > r[best]!)) best = i;
  }
  if (best < 0 || r[best]! < PERIOD_TUNING.minStrength)
    return { periodSamples: 0, strength: best < 0 ? 0 : r[best]! };
  let fund = best;
  for (let i = Math.max(1, minLag); i < best; i++) {
    if (r[i]! >= r[i - 1]! && r[i]! > r[i + 1]! && r[i]! >= PERIOD_TUNING.candidateFrac * r[best]!) {
      fund = i;
      break;
    }
  }
  const p1 = parabolicPeak(r, fund);
  const strength = r[fund]!;
  // Refinement by multiples: lag_k ≈ k·P, weight k (timing error of each peak is about the same).
  let num = p1;
  let den = 1;
  const limit = Math.min(refineMaxLag, n - 2);
  let multiples = 0;
  for (let k = 2; k * p1 <= limit; k++) {
    const j = peakNear(r, k * p1, Math.max(2, 0.1 * p1), limit + 1, ensure);
    if (j < 0 || r[j]! < PERIOD_TUNING.multipleFrac * strength) break;
    const pk = parabolicPeak(r, j);
    num += k * pk;
    den += k * k;
    multiples++;
  }
  // A rhythm repeats: where the window has room for the second period, it must be there too
  // (handling a phone or a one-off jolt gives a single chance peak).
  if (multiples === 0 && 2 * p1 <= limit) return { periodSamples: 0, strength };
  return { periodSamples: num / den, strength };
}
