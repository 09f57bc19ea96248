import type { Placement, Side } from '@hamstream/core';
import { quantizeSigned } from '../encoders/bytes.js';
import {
  deltaFrameBytes,
  encodePmdControlResponse,
  encodePmdDeltaFrame,
  encodePmdFactorTlv,
  encodePmdRawFrame,
  PMD_CONTROL_POINT_CHAR,
  PMD_DATA_CHAR,
  PMD_MAX_FRAME_BYTES,
  PMD_TYPE_ACC,
  PMD_TYPE_GYRO,
  planDeltaBlocks,
  polarNsFromUnixMs,
} from '../encoders/polar-pmd.js';
import { type Difficulty, type ImuErrorModel, randomImuErrors, sampleImu } from '../physics/imu.js';
import { type SegmentModel, STANDARD_GRAVITY_MS2 } from '../physics/segment.js';
import type { Rng } from '../random.js';
import { type LinkParams, type Notification, randomLinkParams } from '../transport/ble-link.js';
import { randomAddress, type SimulatedDevice, sampleTimes } from './device.js';

export type PolarModel = 'h10' | 'verity-sense';

export interface PolarOptions {
  id: string;
  model: PolarModel;
  placement: Placement;
  side: Side;
  segment: SegmentModel;
  rateHz: number;
  measurements: readonly ('acc' | 'gyro')[];
  accRangeG: number;
  gyroRangeDps?: number;
  difficulty: Difficulty;
  /** Wall-clock time of t = 0 (the phone set the sensor's clock from it, give or take). */
  startedAtUnixMs: number;
  rng: Rng;
  /** Overrides of the error model drawn for the difficulty (stress tests). */
  imuErrors?: Partial<ImuErrorModel>;
  /** Overrides of the link drawn for the difficulty. */
  link?: Partial<LinkParams>;
  /** Sample clock off nominal by this fraction (default: drawn per model). */
  rateErrorFrac?: number;
}

/** Samples per H10 raw ACC frame, as in a real capture (216 content bytes). */
const H10_SAMPLES_PER_FRAME = 36;
/** Verity Sense FACTORs: ACC already in mG; GYRO 16-bit at ±2000 °/s. */
const VERITY_ACC_FACTOR = 1.0;
const VERITY_GYRO_FACTOR = 2000 / 32768;

const POLAR_NOISE = {
  h10: { accNoiseMs2: 0.004 * STANDARD_GRAVITY_MS2, gyroNoiseDps: 0 },
  'verity-sense': { accNoiseMs2: 0.003 * STANDARD_GRAVITY_MS2, gyroNoiseDps: 0.07 },
} as const;

/**
 * A Polar PMD sensor. H10: ACC only, raw int16 mG frames of 36 samples (frame type 1). Verity
 * Sense: ACC (0x81) and GYRO (0x80) delta-compressed frames filled up to the MTU, with FACTOR in
 * the start responses. Frame timestamps come from the device clock (ns since 2000, last sample).
 */
export function createPolarDevice(o: PolarOptions): SimulatedDevice {
  const rng = o.rng;
  const hard = o.difficulty === 'hard';
  // The sample clock of these sensors runs visibly off nominal (a real H10 at "50 Hz" gave 50.9 Hz).
  const drawnRateError = o.model === 'h10' ? rng.uniform(0.01, 0.02) : rng.gauss(0, 0.004);
  const rateActualHz = o.rateHz * (1 + (o.rateErrorFrac ?? drawnRateError));
  const clockPpm = rng.gauss(0, 30);
  const clockOffsetMs = rng.uniform(-800, 800);
  const errors = {
    ...randomImuErrors(rng.fork('errors'), POLAR_NOISE[o.model], o.difficulty),
    ...o.imuErrors,
  };
  const serial = rng.int(0x10000000, 0x7fffffff).toString(16).toUpperCase();
  const baseNs = polarNsFromUnixMs(o.startedAtUnixMs + clockOffsetMs);
  const deviceNs = (tS: number): bigint => baseNs + BigInt(Math.round(tS * (1 + clockPpm * 1e-6) * 1e9));
  const gyroRange = o.gyroRangeDps ?? 2000;
  const config: Record<string, unknown> = {
    model: o.model,
    rateHz: o.rateHz,
    measurements: [...o.measurements],
    accRangeG: o.accRangeG,
  };
  if (o.measurements.includes('gyro')) config.gyroRangeDps = gyroRange;
  return {
    info: {
      id: o.id,
      driver: 'polar-pmd',
      placement: o.placement,
      side: o.side,
      name: `Polar ${o.model === 'h10' ? 'H10' : 'Sense'} ${serial}`,
      address: randomAddress(rng.fork('address'), 'a0:9e:1a'),
      config,
    },
    link: {
      ...randomLinkParams(rng.fork('link'), hard, o.model === 'h10' ? [7.5, 15, 30] : [15, 30]),
      ...o.link,
    },
    notifications(session, srng): Notification[] {
      const out: Notification[] = [];
      let cpS = session.connectS + srng.uniform(0.25, 0.4);
      const streamStarts: { type: number; startS: number }[] = [];
      for (const m of o.measurements) {
        const type = m === 'acc' ? PMD_TYPE_ACC : PMD_TYPE_GYRO;
        // H10's real start response carries one trailing byte and no FACTOR; Verity sends FACTOR.
        const params =
          o.model === 'h10'
            ? new Uint8Array([1])
            : encodePmdFactorTlv(m === 'acc' ? VERITY_ACC_FACTOR : VERITY_GYRO_FACTOR);
        out.push({
          readyS: cpS,
          characteristic: PMD_CONTROL_POINT_CHAR,
          bytes: encodePmdControlResponse(0x02, type, 0, params),
          reliable: true,
        });
        streamStarts.push({ type, startS: cpS + srng.uniform(0.02, 0.08) });
        cpS += srng.uniform(0.1, 0.2);
      }
      // Both streams come from one IMU sampled on one clock: sample once, frame per stream.
      const startS = Math.min(...streamStarts.map((s) => s.startS));
      const times = sampleTimes(startS, session.endS, rateActualHz, srng.uniform(0, 1 / rateActualHz));
      const imu = sampleImu(o.segment, times, errors, srng.fork('imu'));
      for (const { type, startS: typeStart } of streamStarts) {
        let first = 0;
        while (first < times.length && times[first]! < typeStart) first++;
        const ints = new Int32Array(3 * (times.length - first));
        for (let i = first; i < times.length; i++) {
          for (let c = 0; c < 3; c++) {
            const k = 3 * (i - first) + c;
            if (type === PMD_TYPE_ACC) {
              const mg = (imu.accMs2[3 * i + c]! / STANDARD_GRAVITY_MS2) * 1000;
              const lim = o.accRangeG * 1000;
              const clipped = Math.max(-lim, Math.min(lim, mg));
              ints[k] = quantizeSigned(o.model === 'h10' ? clipped : clipped / VERITY_ACC_FACTOR, 16);
            } else {
              const dps = Math.max(-gyroRange, Math.min(gyroRange, imu.gyroDps[3 * i + c]!));
              ints[k] = quantizeSigned(dps / VERITY_GYRO_FACTOR, 16);
            }
          }
        }
        const frameTimes = times.subarray(first);
        const frames =
          o.model === 'h10'
            ? frameRaw(ints, frameTimes, type, deviceNs)
            : frameDelta(ints, frameTimes, type, type === PMD_TYPE_ACC ? 1 : 0, deviceNs);
        out.push(...frames);
      }
      return out;
    },
  };
}

function frameRaw(
  ints: Int32Array,
  times: Float64Array,
  type: number,
  deviceNs: (tS: number) => bigint,
): Notification[] {
  const out: Notification[] = [];
  const n = times.length;
  for (let s = 0; s + H10_SAMPLES_PER_FRAME <= n; s += H10_SAMPLES_PER_FRAME) {
    const last = s + H10_SAMPLES_PER_FRAME - 1;
    out.push({
      readyS: times[last]! + 0.002,
      characteristic: PMD_DATA_CHAR,
      bytes: encodePmdRawFrame(type, deviceNs(times[last]!), 1, ints.subarray(3 * s, 3 * (last + 1))),
    });
  }
  return out;
}

/** Fills each delta frame with as many samples as fit in the MTU, as the device does. */
function frameDelta(
  ints: Int32Array,
  times: Float64Array,
  type: number,
  frameType: number,
  deviceNs: (tS: number) => bigint,
): Notification[] {
  const out: Notification[] = [];
  const n = times.length;
  let s = 0;
  while (s < n) {
    let count = 2;
    let blocks = planDeltaBlocks(ints.subarray(3 * s, 3 * (s + count)), 3, count);
    while (s + count < n) {
      const next = planDeltaBlocks(ints.subarray(3 * s, 3 * (s + count + 1)), 3, count + 1);
      if (deltaFrameBytes(next, 3, 16) > PMD_MAX_FRAME_BYTES) break;
      blocks = next;
      count++;
    }
    if (s + count > n) break; // not enough samples left for a frame before the link ends
    if (s + count === n && deltaFrameBytes(blocks, 3, 16) + 12 <= PMD_MAX_FRAME_BYTES) break; // frame never filled
    const last = s + count - 1;
    out.push({
      readyS: times[last]! + 0.002,
      characteristic: PMD_DATA_CHAR,
      bytes: encodePmdDeltaFrame(
        type,
        deviceNs(times[last]!),
        frameType,
        ints.subarray(3 * s, 3 * (last + 1)),
        3,
        16,
        blocks,
      ),
    });
    s += count;
  }
  return out;
}
