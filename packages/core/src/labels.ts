import type { Activity, Side } from './domain.js';

/** Ground truth sidecar `NAME.labels.json` (fixtures only; the pipeline never reads it). */
export interface RecordingLabels {
  sets: LabeledSet[];
  cadence?: LabeledCadence[];
  /** Where the truth comes from (simulator seed, dataset and its ground-truth device, ...). */
  provenance?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface LabeledSet {
  device: string;
  activity: Activity;
  side?: Side;
  startS: number;
  endS: number;
  reps: LabeledRep[];
  /** Nordic curls: the break angle, degrees, when known. */
  [key: string]: unknown;
}

export interface LabeledRep {
  startS: number;
  endS: number;
  romDeg: number | null;
  peakForceN?: number | null;
  [key: string]: unknown;
}

export interface LabeledCadence {
  fromS: number;
  toS: number;
  spm: number;
  device?: string;
}
