import type { GapCause } from '../types.js';

/** A hole in one stream, found while aligning a packet. */
export interface StreamGap {
  /** Index in the packet of the first sample after the hole. */
  index: number;
  /** Timeline time of the last sample before the hole (NaN if unknown). */
  fromS: number;
  toS: number;
  lostSamples: number;
  cause: GapCause;
  late: boolean;
}

export const NO_GAPS: readonly StreamGap[] = Object.freeze([]) as readonly StreamGap[];

/**
 * What every stream clock shares: the timeline position of its last sample, the measured sample
 * spacing, counters for quality, and the bookkeeping of contiguous segments for the measured rate.
 * Subclasses differ in where sample times come from (sensor clock, host receive time, imported `t`).
 */
export abstract class StreamClock {
  /** Timeline time of the last emitted sample, s (NaN before any). */
  lastTS = Number.NaN;
  /** Measured sample spacing, s (NaN until known). */
  spacingS: number;
  samples = 0;
  gaps = 0;
  lostSamples = 0;

  /** A disconnect (or clock restart) happened: the next sample starts a new segment. */
  protected breakCause: GapCause | null = null;
  private segStartTS = Number.NaN;
  private segCount = 0;
  private doneIntervals = 0;
  private doneDurS = 0;

  constructor(nominalRateHz: number | undefined) {
    this.spacingS = nominalRateHz && nominalRateHz > 0 ? 1 / nominalRateHz : Number.NaN;
  }

  /** Samples per second over the contiguous stretches seen so far (null before two samples). */
  get rateHz(): number | null {
    const open = this.segCount > 1 ? this.lastTS - this.segStartTS : 0;
    const intervals = this.doneIntervals + Math.max(0, this.segCount - 1);
    const durS = this.doneDurS + open;
    return intervals > 0 && durS > 0 ? intervals / durS : null;
  }

  /** The link dropped: whatever comes next is measured as a gap from the last sample. */
  markBreak(cause: GapCause): void {
    if (!Number.isNaN(this.lastTS)) this.breakCause = cause;
    this.onBreak();
  }

  protected abstract onBreak(): void;

  /**
   * Final step of every alignment: keeps times strictly increasing (a falling offset estimate must not
   * reorder samples), closes segments at gaps and updates the counters. The times are outT[from … from + n);
   * gap indices are relative to `from`.
   */
  protected commit(outT: Float64Array, n: number, gaps: readonly StreamGap[], from = 0): void {
    const minStepS = this.minStepS();
    let g = 0;
    let nextGapIndex = gaps.length > 0 ? gaps[0]!.index : -1;
    let last = this.lastTS;
    for (let i = 0; i < n; i++) {
      let t = outT[from + i]!;
      if (!(t >= last + minStepS)) t = Number.isNaN(last) ? t : last + minStepS;
      outT[from + i] = t;
      if (i === nextGapIndex) {
        const gap = gaps[g]!;
        gap.fromS = last;
        gap.toS = t;
        this.closeSegment(last);
        this.gaps++;
        this.lostSamples += gap.lostSamples;
        g++;
        nextGapIndex = g < gaps.length ? gaps[g]!.index : -1;
      }
      if (this.segCount === 0) this.segStartTS = t;
      this.segCount++;
      last = t;
    }
    this.lastTS = last;
    this.samples += n;
  }

  /** Smallest step allowed between consecutive samples when the offset estimate falls. */
  protected minStepS(): number {
    return this.spacingS > 0 ? 0.25 * this.spacingS : 1e-6;
  }

  /** A loss found only after its samples were placed: counted, and the segment is split here. */
  protected countLateLoss(lost: number): void {
    this.closeSegment(this.lastTS);
    this.gaps++;
    this.lostSamples += lost;
  }

  private closeSegment(endTS: number): void {
    if (this.segCount > 1) {
      this.doneIntervals += this.segCount - 1;
      this.doneDurS += endTS - this.segStartTS;
    }
    this.segCount = 0;
  }

  /** Updates the spacing estimate from one observed step between consecutive samples. */
  protected observeStep(stepS: number, weight: number): void {
    if (!(stepS > 0)) return;
    this.spacingS = Number.isNaN(this.spacingS) ? stepS : this.spacingS + weight * (stepS - this.spacingS);
  }
}
