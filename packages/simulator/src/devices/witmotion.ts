import type { Placement, Side } from '@hamstream/core';
import {
  encodeWitmotionBatteryReply,
  encodeWitmotionRecord,
  WITMOTION_NOTIFY_CHAR,
} from '../encoders/witmotion-wt901.js';
import { type Difficulty, type ImuErrorModel, randomImuErrors, sampleImu } from '../physics/imu.js';
import { type SegmentModel, STANDARD_GRAVITY_MS2 } from '../physics/segment.js';
import type { Rng } from '../random.js';
import { type LinkParams, type Notification, randomLinkParams } from '../transport/ble-link.js';
import { randomAddress, type SimulatedDevice, sampleTimes } from './device.js';

export interface WitmotionOptions {
  id: string;
  placement: Placement;
  side: Side;
  segment: SegmentModel;
  rateHz: number;
  difficulty: Difficulty;
  rng: Rng;
  /** Overrides of the error model drawn for the difficulty (stress tests). */
  imuErrors?: Partial<ImuErrorModel>;
  /** Overrides of the link drawn for the difficulty. */
  link?: Partial<LinkParams>;
  /** Sample clock off nominal by this fraction (default: drawn per difficulty). */
  rateErrorFrac?: number;
  /** Records per notification (default: one per 50 Hz of rate, at least 1). */
  recordsPerNotification?: number;
  /** Probability per notification that the bridge cuts it mid-record (default 1 % on hard links, else 0). */
  splitProbability?: number;
}

/** WT901BLE noise at 100 Hz bandwidth: ~3 mg accelerometer, ~0.05 °/s gyro (datasheet class). */
const WT901_NOISE = { accNoiseMs2: 0.003 * STANDARD_GRAVITY_MS2, gyroNoiseDps: 0.05 };

/**
 * A WitMotion WT901BLE: pushes 0x55 0x61 records at its rate (its oscillator a little off nominal),
 * several records per notification at higher rates; on hard links the UART-to-BLE bridge cuts the
 * byte stream off record boundaries now and then (records split across notifications).
 */
export function createWitmotionDevice(o: WitmotionOptions): SimulatedDevice {
  const rng = o.rng;
  const hard = o.difficulty === 'hard';
  const drawnRateError = rng.gauss(0, hard ? 0.008 : 0.002);
  const rateActualHz = o.rateHz * (1 + (o.rateErrorFrac ?? drawnRateError));
  const errors = { ...randomImuErrors(rng.fork('errors'), WT901_NOISE, o.difficulty), ...o.imuErrors };
  const batch = o.recordsPerNotification ?? Math.max(1, Math.round(o.rateHz / 50));
  const pSplit = o.splitProbability ?? (hard ? 0.01 : 0);
  const battV = rng.uniform(3.75, 4.1);
  const suffix = rng.int(10, 99);
  return {
    info: {
      id: o.id,
      driver: 'witmotion-wt901',
      placement: o.placement,
      side: o.side,
      name: `WT901BLE${suffix}`,
      address: randomAddress(rng.fork('address')),
      config: { rateHz: o.rateHz },
    },
    link: { ...randomLinkParams(rng.fork('link'), hard, [15, 30, 45]), ...o.link },
    notifications(session, srng): Notification[] {
      const out: Notification[] = [];
      // The daemon reads the battery register once per connection (`FF AA 27 64 00`).
      out.push({
        readyS: session.connectS + srng.uniform(0.15, 0.3),
        characteristic: WITMOTION_NOTIFY_CHAR,
        bytes: encodeWitmotionBatteryReply(battV),
        reliable: true,
      });
      const streamS = session.connectS + srng.uniform(0.3, 0.45);
      const times = sampleTimes(streamS, session.endS, rateActualHz, srng.uniform(0, 1 / rateActualHz));
      const imu = sampleImu(o.segment, times, errors, srng.fork('imu'));
      const g = STANDARD_GRAVITY_MS2;
      const records: Uint8Array[] = [];
      for (let i = 0; i < imu.count; i++) {
        records.push(
          encodeWitmotionRecord(
            [imu.accMs2[3 * i]! / g, imu.accMs2[3 * i + 1]! / g, imu.accMs2[3 * i + 2]! / g],
            [imu.gyroDps[3 * i]!, imu.gyroDps[3 * i + 1]!, imu.gyroDps[3 * i + 2]!],
            [imu.eulerDeg[3 * i]!, imu.eulerDeg[3 * i + 1]!, imu.eulerDeg[3 * i + 2]!],
          ),
        );
      }
      // Concatenate, then cut into notifications: aligned batches, except on hard links where the
      // firmware now and then cuts mid-record; the next notification carries the rest of it.
      const stream = new Uint8Array(records.length * 20);
      for (let i = 0; i < records.length; i++) stream.set(records[i]!, i * 20);
      const chunk = batch * 20;
      let pos = 0;
      while (pos < stream.length) {
        let len = chunk - (pos % 20 === 0 ? 0 : pos % 20);
        if (pSplit > 0 && srng.chance(pSplit)) len = srng.int(3, chunk + 17);
        const end = Math.min(stream.length, pos + Math.max(1, len));
        const lastRecord = Math.floor((end - 1) / 20);
        out.push({
          readyS: times[lastRecord]! + 0.0005,
          characteristic: WITMOTION_NOTIFY_CHAR,
          bytes: stream.slice(pos, end),
        });
        pos = end;
      }
      return out;
    },
  };
}
