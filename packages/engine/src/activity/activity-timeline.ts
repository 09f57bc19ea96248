import type { Activity, Side } from '@hamstream/core';

/** From `startS` until `endS` (Infinity while open) the subject does `activity` (null: rest). */
export interface ActivityPeriod {
  index: number;
  startS: number;
  endS: number;
  activity: Activity | null;
  /** The side the mark named, if any. */
  side: Side | null;
}

/**
 * Activity periods on the recording timeline: the header's activity from t = 0, then one period per
 * `mark` event (spec: a mark holds until the next one). Marks arrive in time order, so periods only
 * ever get appended and the last one is the only open one.
 */
export class ActivityTimeline {
  readonly periods: ActivityPeriod[] = [];

  constructor(headerActivity: Activity | undefined) {
    if (headerActivity !== undefined) {
      this.periods.push({
        index: 0,
        startS: 0,
        endS: Number.POSITIVE_INFINITY,
        activity: headerActivity,
        side: null,
      });
    }
  }

  /** Applies a mark at `tS`; returns the new period. */
  mark(tS: number, activity: Activity | null, side: Side | undefined): ActivityPeriod {
    const last = this.periods[this.periods.length - 1];
    if (last) last.endS = Math.max(last.startS, tS);
    const period: ActivityPeriod = {
      index: this.periods.length,
      startS: tS,
      endS: Number.POSITIVE_INFINITY,
      activity,
      side: side ?? null,
    };
    this.periods.push(period);
    return period;
  }

  /**
   * Index of the period containing `tS` (−1 before the first one), searching forward from `hint`
   * (a device's data time only grows, so the search is almost always zero or one step).
   */
  indexAt(tS: number, hint: number): number {
    const periods = this.periods;
    let i = Math.max(0, hint);
    if (i >= periods.length) i = periods.length - 1;
    if (i < 0) return -1;
    while (i > 0 && tS < periods[i]!.startS) i--;
    if (tS < periods[i]!.startS) return -1;
    while (i + 1 < periods.length && tS >= periods[i]!.endS) i++;
    return i;
  }
}
