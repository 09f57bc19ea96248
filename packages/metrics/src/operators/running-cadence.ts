import type { CadenceReading, ImuBatch } from '@hamstream/core';
import { concatMap, defer, type OperatorFunction } from 'rxjs';
import { createCadenceEstimator } from '../cadence/cadence-estimator.js';
import type { CadenceEstimate, CadenceOptions } from '../contracts.js';

/** A gap in the stream: the estimator stops extrapolating across it. */
export interface CadenceGap {
  gap: true;
}

export type CadenceInput = ImuBatch | CadenceReading | CadenceGap;

function isImuBatch(x: CadenceInput): x is ImuBatch {
  return 'count' in x;
}

/**
 * IMU batches and/or footpod readings of one device → cadence estimates (≥ 1 per second of data while
 * running). `{gap: true}` items reset the window. One estimator per subscription.
 */
export function runningCadence(opts: CadenceOptions): OperatorFunction<CadenceInput, CadenceEstimate> {
  return (source) =>
    defer(() => {
      const estimator = createCadenceEstimator(opts);
      return source.pipe(
        concatMap((x) => {
          if ('gap' in x) {
            estimator.reset();
            return [];
          }
          return isImuBatch(x) ? estimator.pushImu(x) : estimator.pushReading(x);
        }),
      );
    });
}
