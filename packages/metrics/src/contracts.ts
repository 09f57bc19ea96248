import type { Activity, CadenceReading, ForceBatch, ImuBatch, Placement, RepResult } from '@hamstream/core';

/**
 * The metrics engine's processors: pure, causal, stateful step machines over timestamped samples.
 * They never read the wall clock; every time is the data's own `tS` (seconds on the recording timeline).
 * The engine package drives them (from recordings or live); RxJS operators in this package wrap them.
 * Each `push` returns what became known from that input (possibly nothing), so live and offline
 * replays produce identical results. Input batches are valid during the call only (the engine hands over
 * views of buffers it reuses): a processor copies what it keeps.
 */

/** Inclination of the instrumented segment in its plane of movement, sampled at the IMU rate. */
export interface AngleSeries {
  count: number;
  tS: Float64Array;
  angleDeg: Float64Array;
}

/** Fuses accelerometer and gyro into the segment's inclination in its movement plane, any strap orientation. */
export interface InclinationEstimator {
  push(batch: ImuBatch): AngleSeries;
  /**
   * A gap or disconnect happened before the next sample. Short holes (≤ 0.5 s) are bridged with the gyro;
   * after longer ones the fused angle restarts from the accelerometer. The movement plane is kept.
   */
  reset(): void;
}

export interface InclinationOptions {
  placement: Placement;
  /** Nominal sample rate, Hz, when known (used only until the data's own spacing is measured). */
  rateHz?: number;
}

/** A completed rep, as in analyze output. */
export type RepEvent = RepResult;

/** Finds reps in one set's angle series. */
export interface RepDetector {
  push(angles: AngleSeries): RepEvent[];
  /** End of the set: returns a rep still in progress only if it is complete enough to count. */
  finish(): RepEvent[];
}

export interface RepDetectorOptions {
  activity: Activity;
}

/** Finds force efforts (reps) in a force-gauge stream. */
export interface ForceEffortDetector {
  push(batch: ForceBatch): RepEvent[];
  finish(): RepEvent[];
}

export interface CadenceEstimate {
  tS: number;
  spm: number;
  /** Change versus baseline, %, once a baseline exists (null before). */
  changePct: number | null;
}

/** Running cadence, causal, at least one estimate per second of data. */
export interface CadenceEstimator {
  pushImu(batch: ImuBatch): CadenceEstimate[];
  pushReading(reading: CadenceReading): CadenceEstimate[];
  /** Called on a gap: the window restarts when the data resumes after more than 1.5 s (short holes are bridged). */
  reset(): void;
}

export interface CadenceOptions {
  placement: Placement;
  /** Baseline cadence, spm; if absent the first steady minute becomes the baseline. */
  baselineSpm?: number;
}
