/**
 * Time-aligned sample batches on the recording timeline, as the metrics engine consumes them.
 * Structure-of-arrays so that hot paths allocate per packet, never per sample.
 */
export interface ImuBatch {
  device: string;
  count: number;
  /** Seconds since the recording's t = 0, per sample. */
  tS: Float64Array;
  /** m/s², xyz interleaved (3 × count), sensor frame, gravity included; null if the device has no accelerometer. */
  accMs2: Float64Array | null;
  /** deg/s, xyz interleaved (3 × count), sensor frame; null if the device has no gyroscope. */
  gyroDps: Float64Array | null;
}

export interface ForceBatch {
  device: string;
  count: number;
  tS: Float64Array;
  forceN: Float64Array;
}

/** A cadence reading reported by the sensor itself (RSC footpod, imported data). */
export interface CadenceReading {
  device: string;
  tS: number;
  /** Steps per minute, both feet (already converted from strides where the device counts strides). */
  cadenceSpm: number;
  speedMps: number | null;
}
