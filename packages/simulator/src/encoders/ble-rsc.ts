import { ByteWriter } from './bytes.js';

export const RSC_MEASUREMENT_CHAR = '2a53';
export const RSC_FEATURE_CHAR = '2a54';
export const RSC_SENSOR_LOCATION_CHAR = '2a5d';

export interface RscMeasurement {
  speedMps: number;
  /** Cadence exactly as the footpod sends it, 1/min (steps or strides, device-dependent). */
  cadenceRaw: number;
  strideLengthM?: number | null;
  totalDistanceM?: number | null;
  running: boolean;
}

/** RSC Measurement (0x2A53): flags, speed 1/256 m/s, cadence u8, optional stride (cm) and distance (dm). */
export function encodeRscMeasurement(m: RscMeasurement): Uint8Array {
  const hasStride = m.strideLengthM !== undefined && m.strideLengthM !== null;
  const hasDistance = m.totalDistanceM !== undefined && m.totalDistanceM !== null;
  const flags = (hasStride ? 1 : 0) | (hasDistance ? 2 : 0) | (m.running ? 4 : 0);
  const w = new ByteWriter(10)
    .u8(flags)
    .u16(Math.min(0xffff, Math.max(0, Math.round(m.speedMps * 256))))
    .u8(Math.min(255, Math.max(0, Math.round(m.cadenceRaw))));
  if (hasStride) w.u16(Math.min(0xffff, Math.max(0, Math.round(m.strideLengthM! * 100))));
  if (hasDistance) w.u32(Math.max(0, Math.floor(m.totalDistanceM! * 10)));
  return w.finish();
}

export interface RscFeatures {
  strideLength: boolean;
  totalDistance: boolean;
  walkingRunning: boolean;
  calibration: boolean;
  multipleLocations: boolean;
}

/** RSC Feature (0x2A54), a uint16 bitfield. */
export function encodeRscFeature(f: RscFeatures): Uint8Array {
  const bits =
    (f.strideLength ? 1 : 0) |
    (f.totalDistance ? 2 : 0) |
    (f.walkingRunning ? 4 : 0) |
    (f.calibration ? 8 : 0) |
    (f.multipleLocations ? 16 : 0);
  return new ByteWriter(2).u16(bits).finish();
}
