import { centralSpeedDps } from './angular-speed.js';

/**
 * Nordic curl break point. Over the lowering (rep start → peak), the angular speed is taken as a central
 * difference over ±`halfWindowS` (robust to sample noise at 25–200 Hz). The controlled pace is the median
 * of that speed over the whole lowering: the controlled part lasts seconds, the fall a fraction of a second,
 * so the median is the controlled pace. The break is the first sample where the speed exceeds the
 * controlled pace by more than `marginDps` (10 °/s, the accepted rule) and stays above for `sustainS`.
 */
export const BREAK_TUNING = {
  marginDps: 10,
  halfWindowS: 0.1,
  sustainS: 0.1,
} as const;

/**
 * Returns the (absolute) angle at the break, or null when the lowering never sped up past the rule.
 * `sign` is +1 when the lowering increases the angle, −1 when it decreases it.
 */
export function computeBreakDeg(
  tS: Float64Array,
  angleDeg: Float64Array,
  startIdx: number,
  peakIdx: number,
  sign: number,
): number | null {
  const n = peakIdx - startIdx + 1;
  if (n < 4) return null;
  const speed = new Float64Array(n);
  centralSpeedDps(tS, angleDeg, startIdx, peakIdx, BREAK_TUNING.halfWindowS, speed);
  if (sign < 0) for (let k = 0; k < n; k++) speed[k] = -speed[k]!;
  const sorted = speed.slice().sort();
  const mid = n >> 1;
  const pace = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const limit = pace + BREAK_TUNING.marginDps;
  for (let i = 0; i < n; i++) {
    if (speed[i]! <= limit) continue;
    const t0 = tS[startIdx + i]!;
    let j = i;
    let sustained = true;
    while (j < n && tS[startIdx + j]! - t0 < BREAK_TUNING.sustainS) {
      if (speed[j]! <= limit) {
        sustained = false;
        break;
      }
      j++;
    }
    if (sustained) return angleDeg[startIdx + i]!;
  }
  return null;
}
