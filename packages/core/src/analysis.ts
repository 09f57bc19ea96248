import type { Activity, Side } from './domain.js';

/** The document `hamstream analyze RECORDING --json` prints (spec: analyze-output.md). Extended, never broken. */
export interface AnalyzeOutput {
  recording: { startedAt: string; durationS: number; devices: string[] };
  sets: SetResult[];
  cadence: CadencePoint[];
  quality: DeviceQuality[];
  /** Extension: left/right comparisons (force tests, ROM). */
  asymmetry?: AsymmetryResult[];
}

export interface SetResult {
  device: string;
  activity: Activity;
  side: Side | null;
  startS: number;
  endS: number;
  repCount: number;
  reps: RepResult[];
  /** Extension: per-set summary figures. */
  summary?: SetSummary;
}

export interface RepResult {
  startS: number;
  endS: number;
  romDeg: number | null;
  peakDeg: number | null;
  concentricS: number | null;
  eccentricS: number | null;
  holdS: number | null;
  peakForceN: number | null;
  /** Extension, Nordic curls: angle where the lowering first breaks away from its controlled pace. */
  breakDeg?: number | null;
  /** Extension, force efforts: rate of force development from onset, N/s. */
  rfd100NPerS?: number | null;
  rfd200NPerS?: number | null;
  /** Extension, force efforts: impulse above onset baseline, N·s. */
  impulseNs?: number | null;
}

export interface SetSummary {
  romMeanDeg: number | null;
  romMaxDeg: number | null;
  /** Stretch holds: total time held, s. */
  holdTotalS?: number | null;
  peakForceN?: number | null;
  breakDegMean?: number | null;
}

export interface CadencePoint {
  device: string;
  /** Computed only from data up to tS. */
  tS: number;
  /** Steps per minute, both feet counted. */
  spm: number;
  /** Extension: change versus baseline in %, once a baseline exists. */
  changePct?: number | null;
}

export interface DeviceQuality {
  device: string;
  packets: number;
  samples: number;
  gaps: number;
  lostSamples: number;
  decodeErrors: number;
  rateHz: number | null;
  /** Extension: disconnect events seen. */
  disconnects?: number;
}

export interface AsymmetryResult {
  activity: Activity;
  metric: 'peakForceN' | 'romDeg';
  left: number;
  right: number;
  /** (stronger − weaker) / stronger, in %. */
  asymmetryPct: number;
  flag: 'none' | 'ge15' | 'ge20';
}
