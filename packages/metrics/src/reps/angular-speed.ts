/**
 * Angular speed by central difference over ±halfWindowS (clipped to [from, to]): robust to sample noise
 * and tremor at 25–200 Hz, and independent of the sample rate. out[k] is the speed at index from + k.
 */
export function centralSpeedDps(
  tS: Float64Array,
  angleDeg: Float64Array,
  from: number,
  to: number,
  halfWindowS: number,
  out: Float64Array,
): void {
  let lo = from;
  let hi = from;
  for (let i = from; i <= to; i++) {
    const t = tS[i]!;
    while (lo < i && tS[lo]! < t - halfWindowS) lo++;
    if (hi < i) hi = i;
    while (hi < to && tS[hi + 1]! <= t + halfWindowS) hi++;
    const span = tS[hi]! - tS[lo]!;
    out[i - from] = span > 0 ? (angleDeg[hi]! - angleDeg[lo]!) / span : 0;
  }
}
