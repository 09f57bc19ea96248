import type { CadenceReading, ForceBatch, ImuBatch, RepResult } from '@hamstream/core';
import type { AngleSeries, CadenceEstimate } from '@hamstream/metrics';
import type { ProcessorFactories } from '../processors.js';

/** What the stub processors saw. Test support only. */
export interface ProcessorLog {
  imu: {
    device: string;
    count: number;
    firstS: number;
    lastS: number;
    acc: Float64Array | null;
    gyro: Float64Array | null;
    tS: Float64Array;
  }[];
  inclinationResets: number;
  cadenceResets: number;
  repDetectors: { activity: string; pushes: [number, number, number][]; finished: boolean }[];
  forceDetectors: { pushes: [number, number, number][]; peaks: number[] }[];
  cadenceImu: [number, number][];
  readings: CadenceReading[];
}

/**
 * Processors that record their inputs instead of computing metrics, so the engine's routing (which
 * samples reach which set, resets on gaps) can be asserted exactly. The rep detector reports one rep per
 * set at finish spanning its data; the force detector one effort per push with the batch's peak.
 */
export function stubProcessors(): { log: ProcessorLog; processors: Partial<ProcessorFactories> } {
  const log: ProcessorLog = {
    imu: [],
    inclinationResets: 0,
    cadenceResets: 0,
    repDetectors: [],
    forceDetectors: [],
    cadenceImu: [],
    readings: [],
  };
  const rep = (startS: number, endS: number, peakForceN: number | null): RepResult => ({
    startS,
    endS,
    romDeg: peakForceN === null ? 10 : null,
    peakDeg: null,
    concentricS: null,
    eccentricS: null,
    holdS: null,
    peakForceN,
  });
  return {
    log,
    processors: {
      inclination: () => ({
        push(batch: ImuBatch): AngleSeries {
          log.imu.push({
            device: batch.device,
            count: batch.count,
            firstS: batch.tS[0]!,
            lastS: batch.tS[batch.count - 1]!,
            acc: batch.accMs2 ? batch.accMs2.slice(0, 3 * batch.count) : null,
            gyro: batch.gyroDps ? batch.gyroDps.slice(0, 3 * batch.count) : null,
            tS: batch.tS.slice(0, batch.count),
          });
          return { count: batch.count, tS: batch.tS, angleDeg: new Float64Array(batch.count) };
        },
        reset() {
          log.inclinationResets++;
        },
      }),
      repDetector: ({ activity }) => {
        const me = { activity, pushes: [] as [number, number, number][], finished: false };
        log.repDetectors.push(me);
        return {
          push(a: AngleSeries) {
            me.pushes.push([a.tS[0]!, a.tS[a.count - 1]!, a.count]);
            return [];
          },
          finish() {
            me.finished = true;
            const first = me.pushes[0];
            const last = me.pushes[me.pushes.length - 1];
            return first && last ? [rep(first[0], last[1], null)] : [];
          },
        };
      },
      forceEffortDetector: () => {
        const me = { pushes: [] as [number, number, number][], peaks: [] as number[] };
        log.forceDetectors.push(me);
        return {
          push(b: ForceBatch) {
            me.pushes.push([b.tS[0]!, b.tS[b.count - 1]!, b.count]);
            let peak = 0;
            for (let i = 0; i < b.count; i++) peak = Math.max(peak, b.forceN[i]!);
            me.peaks.push(peak);
            return peak > 50 ? [rep(b.tS[0]!, b.tS[b.count - 1]!, peak)] : [];
          },
          finish: () => [],
        };
      },
      cadenceEstimator: () => ({
        pushImu(b: ImuBatch): CadenceEstimate[] {
          log.cadenceImu.push([b.tS[0]!, b.tS[b.count - 1]!]);
          return [{ tS: b.tS[b.count - 1]!, spm: 170, changePct: null }];
        },
        pushReading(r: CadenceReading): CadenceEstimate[] {
          log.readings.push(r);
          return [{ tS: r.tS, spm: r.cadenceSpm, changePct: Number.NaN }];
        },
        reset() {
          log.cadenceResets++;
        },
      }),
    },
  };
}
