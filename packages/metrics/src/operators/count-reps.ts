import { concat, concatMap, defer, type OperatorFunction } from 'rxjs';
import type { AngleSeries, RepDetectorOptions, RepEvent } from '../contracts.js';
import { createRepDetector } from '../reps/rep-detector.js';

/**
 * AngleSeries of one set → its reps, each emitted as soon as it is complete. When the source completes
 * (end of the set), a rep still finishing is emitted if it is complete enough to count. Errors pass through
 * without the final flush. One detector per subscription.
 */
export function countReps(opts: RepDetectorOptions): OperatorFunction<AngleSeries, RepEvent> {
  return (source) =>
    defer(() => {
      const detector = createRepDetector(opts);
      return concat(
        source.pipe(concatMap((angles) => detector.push(angles))),
        defer(() => detector.finish()),
      );
    });
}
