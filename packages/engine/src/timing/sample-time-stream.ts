import { NO_GAPS, StreamClock, type StreamGap } from './stream-clock.js';

/** Imported timestamps are irregular (phones): only a step this many spacings long is a gap. */
const GAP_FACTOR = 3;
/** Steps shorter than this are not gaps whatever the spacing (jittery phone sampling), s. */
const MIN_GAP_S = 0.05;

/**
 * Imported `sample` events already carry the recording time of each sample (no transport latency to
 * remove), so their `t` is used as is. Gaps are steps clearly larger than the running spacing.
 */
export class SampleTimeStream extends StreamClock {
  protected onBreak(): void {}

  /** The times are the importer's: only equal timestamps are separated, by a microsecond. */
  protected override minStepS(): number {
    return 1e-6;
  }

  /** `inT` holds timeline seconds (non-decreasing); written to `outT` (may be the same array). */
  align(inT: Float64Array, n: number, outT: Float64Array): readonly StreamGap[] {
    if (n === 0) return NO_GAPS;
    let gaps: StreamGap[] | null = null;
    let prev = this.lastTS;
    for (let i = 0; i < n; i++) {
      const t = inT[i]!;
      outT[i] = t;
      if (!Number.isNaN(prev)) {
        const stepS = t - prev;
        const spacing = this.spacingS;
        if (spacing > 0 && stepS > GAP_FACTOR * spacing && stepS > MIN_GAP_S) {
          gaps ??= [];
          gaps.push({
            index: i,
            fromS: Number.NaN,
            toS: Number.NaN,
            lostSamples: Math.max(1, Math.round(stepS / spacing) - 1),
            cause: 'sample-time',
            late: false,
          });
        } else {
          this.observeStep(stepS, 0.02);
        }
      }
      prev = t;
    }
    if (this.breakCause !== null) {
      const cause = this.breakCause;
      this.breakCause = null;
      const first = gaps?.[0];
      if (first && first.index === 0) first.cause = cause;
      else {
        gaps ??= [];
        gaps.unshift({ index: 0, fromS: Number.NaN, toS: Number.NaN, lostSamples: 0, cause, late: false });
      }
    }
    const found = gaps ?? NO_GAPS;
    this.commit(outT, n, found);
    return found;
  }
}
