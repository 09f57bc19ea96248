import type { ImuBatch } from '@hamstream/core';
import { defer, filter, map, type OperatorFunction } from 'rxjs';
import type { AngleSeries, InclinationOptions } from '../contracts.js';
import { createInclinationEstimator } from '../inclination/inclination-estimator.js';

/**
 * ImuBatch → AngleSeries, one estimator per subscription. Unlike the estimator itself, each emitted
 * series owns its arrays (copied per batch, never per sample), so subscribers may keep them.
 * Empty results (e.g. while the movement plane is still unknown) are not emitted.
 */
export function inclination(opts: InclinationOptions): OperatorFunction<ImuBatch, AngleSeries> {
  return (source) =>
    defer(() => {
      const estimator = createInclinationEstimator(opts);
      return source.pipe(
        map((batch) => estimator.push(batch)),
        filter((s) => s.count > 0),
        map((s) => ({ count: s.count, tS: s.tS.slice(0, s.count), angleDeg: s.angleDeg.slice(0, s.count) })),
      );
    });
}
