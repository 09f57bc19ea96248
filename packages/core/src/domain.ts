/** Activities named by the recording format. Unknown strings are allowed: readers treat them as a generic repeated movement. */
export const KNOWN_ACTIVITIES = [
  'bridge',
  'single-leg-bridge',
  'prone-hamstring-curl',
  'standing-hamstring-curl',
  'nordic-curl',
  'supine-hamstring-stretch',
  'isometric-hamstring',
  'run',
] as const;
export type KnownActivity = (typeof KNOWN_ACTIVITIES)[number];
/** An activity name; known ones get activity-specific analysis, others are treated as generic reps. */
export type Activity = KnownActivity | (string & {});

export const PLACEMENTS = ['thigh', 'shank', 'foot', 'pelvis', 'chest', 'wrist', 'handle'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const SIDES = ['left', 'right', 'center'] as const;
export type Side = (typeof SIDES)[number];

export type CadenceUnit = 'steps' | 'strides';

/** What the daemon asked a sensor for (`devices[].config` in a recording header). */
export interface DeviceConfig {
  /** Nominal sample rate, Hz. */
  rateHz?: number;
  /** Device model within a driver family, e.g. `h10`, `verity-sense`. */
  model?: string;
  /** Streams requested, e.g. `["acc","gyro"]`. */
  measurements?: string[];
  accRangeG?: number;
  gyroRangeDps?: number;
  /** What an RSC footpod's cadence counts. */
  cadenceUnit?: CadenceUnit;
  /** Readers keep keys they do not know. */
  [key: string]: unknown;
}

/** One sensor as described in a recording header. */
export interface DeviceInfo {
  /** Short id, unique in a recording, e.g. `L-shank`. */
  id: string;
  /** Driver id, e.g. `witmotion-wt901`. */
  driver: string;
  placement: Placement;
  side: Side;
  name?: string;
  address?: string;
  config: DeviceConfig;
}

export function isKnownActivity(a: string): a is KnownActivity {
  return (KNOWN_ACTIVITIES as readonly string[]).includes(a);
}
