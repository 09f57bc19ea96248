import type { CadenceUnit, Side } from '@hamstream/core';
import {
  encodeRscFeature,
  encodeRscMeasurement,
  RSC_FEATURE_CHAR,
  RSC_MEASUREMENT_CHAR,
} from '../encoders/ble-rsc.js';
import type { GaitModel } from '../physics/gait.js';
import type { Difficulty } from '../physics/imu.js';
import type { Rng } from '../random.js';
import { type LinkParams, type Notification, randomLinkParams } from '../transport/ble-link.js';
import { randomAddress, type SimulatedDevice } from './device.js';

export interface RscOptions {
  id: string;
  side: Side;
  gait: GaitModel;
  /** What the pod's cadence byte counts. */
  cadenceUnit: CadenceUnit;
  difficulty: Difficulty;
  rng: Rng;
  /** Whether the header declares `config.cadenceUnit` (default true; a reader must cope without it). */
  declareCadenceUnit?: boolean;
  /** Overrides of the link drawn for the difficulty (stress tests). */
  link?: Partial<LinkParams>;
}

/** Window over which the pod averages steps before reporting, s. */
const CADENCE_WINDOW_S = 4;

/**
 * An RSC footpod: about once a second a 2A53 measurement with its cadence averaged over the last
 * few seconds of steps (so it lags a cadence change), its speed (with a calibration error), stride
 * length and cumulative distance.
 */
export function createRscDevice(o: RscOptions): SimulatedDevice {
  const rng = o.rng;
  const hard = o.difficulty === 'hard';
  const periodS = 1 + rng.gauss(0, 0.002);
  const speedCalibration = 1 + rng.gauss(0, hard ? 0.04 : 0.015);
  const steps = o.gait.stepsS;
  // Cadence from the step intervals inside the window (a count would be quantised to 15 spm).
  const cadenceOver = (fromS: number, toS: number): number => {
    let first = -1;
    let last = -1;
    let n = 0;
    for (const s of steps) {
      if (s <= fromS || s > toS) continue;
      if (first < 0) first = s;
      last = s;
      n++;
    }
    return n >= 3 && last > first ? (60 * (n - 1)) / (last - first) : 0;
  };
  return {
    info: {
      id: o.id,
      driver: 'ble-rsc',
      placement: 'foot',
      side: o.side,
      name: rng.pick(['Stryd', 'Polar Stride', 'RunPod']),
      address: randomAddress(rng.fork('address')),
      config: o.declareCadenceUnit === false ? {} : { cadenceUnit: o.cadenceUnit },
    },
    link: { ...randomLinkParams(rng.fork('link'), hard, [30, 45]), ...o.link },
    notifications(session, srng): Notification[] {
      const out: Notification[] = [];
      out.push({
        readyS: session.connectS + srng.uniform(0.15, 0.3),
        characteristic: RSC_FEATURE_CHAR,
        bytes: encodeRscFeature({
          strideLength: true,
          totalDistance: true,
          walkingRunning: true,
          calibration: false,
          multipleLocations: false,
        }),
        reliable: true,
      });
      // Distance integrates the pod's own (miscalibrated) speed from t = 0: it counts while disconnected.
      let distanceM = 0;
      let tPrev = 0;
      const dtS = 0.01;
      let t = session.connectS + srng.uniform(0.4, 1.0);
      while (t < session.endS) {
        for (; tPrev < t; tPrev += dtS) distanceM += o.gait.speedMps.at(tPrev).pos * speedCalibration * dtS;
        const spm = cadenceOver(t - CADENCE_WINDOW_S, t);
        const speed = Math.max(
          0,
          o.gait.speedMps.at(t).pos * speedCalibration + srng.gauss(0, hard ? 0.08 : 0.03),
        );
        const running = spm > 0 && speed > 2.0;
        const cadenceRaw = o.cadenceUnit === 'strides' ? spm / 2 : spm;
        out.push({
          readyS: t,
          characteristic: RSC_MEASUREMENT_CHAR,
          bytes: encodeRscMeasurement({
            speedMps: speed,
            cadenceRaw,
            strideLengthM: spm > 0 ? (speed * 60) / (o.cadenceUnit === 'strides' ? spm / 2 : spm) : 0,
            totalDistanceM: distanceM,
            running,
          }),
        });
        t += periodS;
      }
      return out;
    },
  };
}
