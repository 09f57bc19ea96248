import type { Side } from '@hamstream/core';
import {
  encodeTindeqBatteryResponse,
  encodeTindeqWeight,
  TINDEQ_DATA_CHAR,
  type TindeqSample,
} from '../encoders/tindeq-progressor.js';
import type { Difficulty } from '../physics/imu.js';
import type { Profile } from '../physics/profile.js';
import { STANDARD_GRAVITY_MS2 } from '../physics/segment.js';
import type { Rng } from '../random.js';
import { type LinkParams, type Notification, randomLinkParams } from '../transport/ble-link.js';
import { randomAddress, type SimulatedDevice, sampleTimes } from './device.js';

export interface TindeqOptions {
  id: string;
  side: Side;
  /** True force on the gauge, N. */
  forceN: Profile;
  difficulty: Difficulty;
  rng: Rng;
  /** Device µs clock at t = 0; near 2³² to exercise wrap-around. Default: random uptime. */
  clockAtZeroUs?: number;
  /** Samples per notification (default 2: a 20-byte notification at the default MTU). */
  samplesPerNotification?: number;
  /** Overrides of the link drawn for the difficulty (stress tests). */
  link?: Partial<LinkParams>;
}

/** Nominal weight stream rate (protocols.md §3.1). */
export const TINDEQ_RATE_HZ = 80;
/** Two samples fill a 20-byte notification at the default ATT MTU. */
const SAMPLES_PER_NOTIFICATION = 2;

/**
 * A Tindeq Progressor on a strap: float32 kg + uint32 µs samples at ~80 Hz, two per notification.
 * Load-cell noise, a small residual after tare (and drift on hard variants).
 */
export function createTindeqDevice(o: TindeqOptions): SimulatedDevice {
  const rng = o.rng;
  const hard = o.difficulty === 'hard';
  const rateActualHz = TINDEQ_RATE_HZ * (1 + rng.gauss(0, 0.003));
  const clockPpm = rng.gauss(0, 40);
  const clockAtZeroUs = o.clockAtZeroUs ?? rng.uniform(5e6, 2e9);
  const noiseKg = hard ? 0.06 : 0.015;
  const tareKg = hard ? rng.uniform(-0.4, 0.4) : rng.uniform(-0.03, 0.03);
  const driftKgPerS = hard ? rng.gauss(0, 0.002) : 0;
  const battMv = rng.int(3900, 4150);
  const perNotification = o.samplesPerNotification ?? SAMPLES_PER_NOTIFICATION;
  return {
    info: {
      id: o.id,
      driver: 'tindeq-progressor',
      placement: 'handle',
      side: o.side,
      name: `Progressor_${rng.int(1000, 9999)}`,
      address: randomAddress(rng.fork('address')),
      config: { rateHz: TINDEQ_RATE_HZ },
    },
    link: { ...randomLinkParams(rng.fork('link'), hard, [15, 30, 45]), ...o.link },
    notifications(session, srng): Notification[] {
      const out: Notification[] = [];
      // The daemon asks for the battery (6F) before starting the weight stream (65).
      out.push({
        readyS: session.connectS + srng.uniform(0.2, 0.3),
        characteristic: TINDEQ_DATA_CHAR,
        bytes: encodeTindeqBatteryResponse(battMv),
        reliable: true,
      });
      const streamS = session.connectS + srng.uniform(0.35, 0.5);
      const times = sampleTimes(streamS, session.endS, rateActualHz, srng.uniform(0, 1 / rateActualHz));
      let pending: TindeqSample[] = [];
      for (let i = 0; i < times.length; i++) {
        const t = times[i]!;
        const kg =
          o.forceN.at(t).pos / STANDARD_GRAVITY_MS2 + tareKg + driftKgPerS * t + noiseKg * srng.normal();
        pending.push({ kg: Math.fround(kg), tUs: clockAtZeroUs + t * 1e6 * (1 + clockPpm * 1e-6) });
        if (pending.length === perNotification) {
          out.push({
            readyS: t + 0.0003,
            characteristic: TINDEQ_DATA_CHAR,
            bytes: encodeTindeqWeight(pending),
          });
          pending = [];
        }
      }
      return out;
    },
  };
}
