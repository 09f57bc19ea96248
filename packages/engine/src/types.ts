import type {
  Activity,
  AsymmetryResult,
  CadencePoint,
  DeviceQuality,
  RepResult,
  SetResult,
  Side,
} from '@hamstream/core';

/** Why a gap was declared. */
export type GapCause =
  /** The sensor's own clock jumped (Polar, Tindeq, imported `sensorT`). */
  | 'sensor-clock'
  /** No clock: host receive times show samples missing (WitMotion, RSC). */
  | 'host-time'
  /** Imported samples whose own `t` jumps. */
  | 'sample-time'
  /** The link dropped; data resumed after a reconnect. */
  | 'disconnect';

/** Identifies one set: `device#index` (index counts the device's sets from 0). */
export type SetId = string;

/**
 * Incremental updates of the engine, in data order. The live dashboard consumes them as they come;
 * `collectAnalyzeOutput` reduces them to the analyze document. Plain JSON-safe objects (no typed arrays),
 * every number finite.
 */
export type EngineUpdate =
  | {
      /** A mark started a new activity period (null: rest). */
      type: 'activity';
      tS: number;
      activity: Activity | null;
      side: Side | null;
    }
  | {
      type: 'set-start';
      setId: SetId;
      device: string;
      activity: Activity;
      side: Side | null;
      startS: number;
      /** What this set produces: reps from inclination, force efforts, or cadence (no reps). */
      role: SetRole;
    }
  | { type: 'rep'; setId: SetId; device: string; repIndex: number; rep: RepResult }
  | {
      /** The set is complete; `set` is exactly its entry in the analyze output. */
      type: 'set-end';
      setId: SetId;
      set: SetResult;
    }
  | { type: 'cadence'; point: CadencePoint }
  | {
      /** Inclination trace for display, decimated to `display.angleHz`. */
      type: 'angle';
      device: string;
      tS: number[];
      angleDeg: number[];
    }
  | {
      /** Force trace for display, decimated to `display.forceHz`. */
      type: 'force';
      device: string;
      tS: number[];
      forceN: number[];
    }
  | {
      /** Cumulative counters for one device, at least once per second of its data and at the end. */
      type: 'quality';
      tS: number;
      quality: DeviceQuality;
    }
  | {
      type: 'gap';
      device: string;
      /** Timeline time of the last sample before the gap. */
      fromS: number;
      /** Timeline time of the first sample after it. */
      toS: number;
      lostSamples: number;
      cause: GapCause;
      /**
       * True when the loss was found only afterwards (a persistent shift of host receive times on a
       * sensor without a clock): counted, but the processors could not be reset at the hole.
       */
      late: boolean;
    }
  | {
      type: 'connection';
      device: string;
      tS: number;
      state: 'connected' | 'disconnected';
      reason: string | null;
    }
  | { type: 'battery'; device: string; tS: number; percent: number | null; volts: number | null }
  | { type: 'warning'; device: string | null; tS: number; code: EngineWarningCode; message: string }
  | {
      /** Left/right comparison, re-sent whenever one of its sides gets a new set. */
      type: 'asymmetry';
      results: AsymmetryResult[];
    }
  | {
      /** Last update of a finished stream: the recording's duration. */
      type: 'end';
      durationS: number;
    };

export type EngineUpdateType = EngineUpdate['type'];

/**
 * - `reps`: reps found in the segment's inclination;
 * - `force`: efforts found in a force gauge's signal;
 * - `isometric`: an IMU during an isometric test: one rep per effort of the period's force gauge, with
 *   the range the limb moved during it (how isometric the effort really was);
 * - `cadence`: gait, no reps.
 */
export type SetRole = 'reps' | 'force' | 'isometric' | 'cadence';

export type EngineWarningCode =
  | 'unknown-driver'
  | 'unknown-device'
  | 'bad-hex'
  | 'control-error'
  | 'stream-stopped'
  | 'non-finite'
  | 'processor-error';

/** What kind of samples a device delivers (from its driver or, for imported data, from the sample fields). */
export type DataKind = 'imu' | 'force' | 'cadence';
