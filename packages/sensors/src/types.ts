import type { DeviceConfig } from '@hamstream/core';

/**
 * The sensor-driver contract. A driver knows bytes and GATT, nothing of noble, RxJS or the server.
 * UUIDs are in noble's form: lowercase hex without dashes; 16-bit UUIDs as 4 digits.
 */

/**
 * What a decoder emits. Vectors are xyz interleaved (3 × count) to avoid per-sample allocation.
 * From `decode`, the Float64Arrays are exactly `count` (3 × count) long and those of one packet may be
 * views into one shared ArrayBuffer (one allocation per packet): copy an array before transferring or
 * detaching its `.buffer`. From `decodeTransient` they are the decoder's scratch (see there).
 */
export type DecodedItem =
  | {
      kind: 'acc';
      count: number;
      /** The sensor's own per-sample time, µs (device epoch as documented per driver); null if it has no clock. */
      sensorTUs: Float64Array | null;
      /** m/s², sensor frame, gravity included. */
      valuesMs2: Float64Array;
    }
  | { kind: 'gyro'; count: number; sensorTUs: Float64Array | null; valuesDps: Float64Array }
  | {
      /** The sensor's onboard orientation estimate (roll, pitch, yaw), degrees. */
      kind: 'euler';
      count: number;
      sensorTUs: Float64Array | null;
      valuesDeg: Float64Array;
    }
  | { kind: 'quaternion'; w: number; x: number; y: number; z: number }
  | { kind: 'magnetometer'; raw: [number, number, number] }
  | { kind: 'temperature'; celsius: number }
  | { kind: 'force'; count: number; sensorTUs: Float64Array | null; forceN: Float64Array }
  | {
      kind: 'rsc';
      speedMps: number;
      /** The value as the footpod sent it (1/min). */
      cadenceRaw: number;
      /** Steps per minute, both feet, after applying the device's `cadenceUnit`. */
      cadenceSpm: number;
      strideLengthM: number | null;
      totalDistanceM: number | null;
      running: boolean;
    }
  | {
      kind: 'rsc-feature';
      strideLength: boolean;
      totalDistance: boolean;
      walkingRunning: boolean;
      calibration: boolean;
      multipleLocations: boolean;
    }
  | { kind: 'battery'; volts: number | null; percent: number | null }
  | {
      /** A control-point response (Polar PMD `F0 …`, RSC `10 …`, Tindeq command response). */
      kind: 'control-response';
      op: number;
      /** Measurement type the response is about (Polar), else null. */
      measurementType: number | null;
      status: number;
      statusText: string;
      /** Raw parameter bytes (reassembled across `more` packets for Polar). */
      params: Uint8Array;
    }
  | { kind: 'stream-stopped'; measurementTypes: number[] }
  | { kind: 'low-power' }
  | { kind: 'text'; text: string };

export type DecodedKind = DecodedItem['kind'];

export type DecodeErrorCode =
  | 'E_SHORT_FRAME'
  | 'E_BAD_HEADER'
  | 'E_BAD_LENGTH'
  | 'E_UNKNOWN_TYPE'
  | 'E_UNKNOWN_CHARACTERISTIC'
  | 'E_BAD_VALUE'
  | 'E_RESYNC';

export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
  /** Bytes dropped by this error (e.g. while resynchronising). */
  droppedBytes?: number;
}

/** A decoder never throws: it returns what it could decode plus, at most, one error. */
export interface DecodeResult {
  items: DecodedItem[];
  error: DecodeError | null;
}

/**
 * A pure, stateful decoder for one device (reassembly buffers, Polar FACTOR, timestamp unwrapping).
 * `bytes` is read during the call only: callers may reuse the buffer afterwards.
 */
/**
 * The fewest notification bytes a sample `decodeImuInto` writes can take (accelerometer and gyro xyz, 16
 * bits each): callers size its arrays from this, without knowing a driver's record layout.
 */
export const IMU_INTO_MIN_SAMPLE_BYTES = 12;

export interface DeviceDecoder {
  /** Decodes one notification; the result is the caller's (fresh items and arrays). */
  decode(characteristic: string, bytes: Uint8Array): DecodeResult;
  /**
   * The allocation-free hot path: the same items, error and state change as `decode`, but the result,
   * its items array and its sample items (acc, gyro, euler, force) with their typed arrays belong to the
   * decoder and are valid only until its next `decode` or `decodeTransient` call; the typed arrays may
   * be longer than the item: read the first `count` (3 × count) values only. For consumers that use the
   * samples at once (the engine copies what it keeps). Optional in the contract; every built-in driver
   * has it, and `decode` is a detached copy of it.
   */
  decodeTransient?(characteristic: string, bytes: Uint8Array): DecodeResult;
  /**
   * Optional fast path for IMUs without a sample clock: when the notification holds only whole stream
   * records (nothing held from the last one, no register reply, nothing to resynchronise), writes their
   * accelerometer (m/s²) and gyro (°/s) xyz straight into the caller's arrays from sample index `at` and
   * returns how many samples it wrote; otherwise writes nothing, changes no state and returns -1 (the
   * caller uses `decodeTransient`). The values are exactly `decodeTransient`'s acc and gyro items.
   * Room for `bytes.length / IMU_INTO_MIN_SAMPLE_BYTES` samples from `at` is always enough.
   */
  decodeImuInto?(
    characteristic: string,
    bytes: Uint8Array,
    accMs2: Float64Array,
    gyroDps: Float64Array,
    at: number,
  ): number;
  /**
   * Optional fast path for force gauges with a sample clock: when the notification holds only whole
   * force records with finite values, writes their force (N) and sensor times (µs, as `sensorTUs`) into
   * the caller's arrays from index `at` and returns how many it wrote; otherwise writes nothing, changes
   * no state and returns -1 (the caller uses `decodeTransient`). The values are exactly
   * `decodeTransient`'s force item.
   */
  decodeForceInto?(
    characteristic: string,
    bytes: Uint8Array,
    forceN: Float64Array,
    sensorTUs: Float64Array,
    at: number,
  ): number;
  /** Forget stream state, e.g. after a disconnect (Polar prevTs, WitMotion partial record). */
  reset(): void;
}

/** One GATT write the daemon performs. */
export interface CommandStep {
  characteristic: string;
  bytes: Uint8Array;
  /** Write with response (true) or without (false). */
  withResponse: boolean;
  /** Wait this long after the write before the next step, ms. */
  delayAfterMs?: number;
  /** The driver expects a control-point response to this write (Polar). */
  expectsResponse?: boolean;
  /** Why this step exists, for logs. */
  description: string;
}

export interface AdvertisementMatch {
  /** Local-name prefixes, e.g. `Polar`, `Progressor`. */
  namePrefixes: readonly string[];
  /** Substrings any local name may contain (WitMotion: `WT`). */
  nameIncludes?: readonly string[];
  /** Advertised service UUIDs that identify the sensor. */
  serviceUuids: readonly string[];
}

export interface GattLayout {
  service: string;
  /** Characteristics to subscribe to (notify or indicate), in subscription order. */
  subscribe: readonly string[];
  /** Characteristic commands are written to, if any. */
  control: string | null;
  /**
   * Characteristics worth reading once after connecting (features, battery). Battery Level `2a19` lives in
   * the Battery service (`180f`), not in `service`: discover it separately and skip it when absent.
   */
  read?: readonly string[];
}

export interface SensorDriver {
  /** Stable kebab-case id, used in recordings, tags and logs. */
  id: string;
  vendor: string;
  models: readonly string[];
  match: AdvertisementMatch;
  gatt: GattLayout;
  /** Sample streams and units this driver emits, for the registry and docs. */
  emits: readonly DecodedKind[];
  /**
   * Problems with a device config for this driver, one clear line each naming the field (empty: fine).
   * Optional in the contract; every built-in driver has it. `startSequence` throws on the same problems.
   */
  checkConfig?(config: DeviceConfig): string[];
  /**
   * Writes that start streaming, built from the device config (rate, range, …).
   * Throws HamstreamError `HAMSTREAM_ERR_DEVICE_CONFIG` when `checkConfig` reports a problem.
   */
  startSequence(config: DeviceConfig): CommandStep[];
  /** Writes that stop streaming. */
  stopSequence(config: DeviceConfig): CommandStep[];
  createDecoder(config: DeviceConfig): DeviceDecoder;
  /**
   * Other one-off commands by name (e.g. Tindeq `tare`, `readBattery`; WitMotion register reads), for
   * daemons and CLIs that expose them. Optional in the contract.
   */
  commands?: Readonly<Record<string, (config: DeviceConfig) => CommandStep[]>>;
}
