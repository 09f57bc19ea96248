import type { ForceBatch } from '@hamstream/core';
import { concat, concatMap, defer, type OperatorFunction } from 'rxjs';
import type { RepEvent } from '../contracts.js';
import { createForceEffortDetector, type ForceEffortOptions } from '../force/force-effort-detector.js';

/** ForceBatch → force efforts (as reps with peakForceN, RFD and impulse); flushes on completion. */
export function forceEfforts(opts: ForceEffortOptions = {}): OperatorFunction<ForceBatch, RepEvent> {
  return (source) =>
    defer(() => {
      const detector = createForceEffortDetector(opts);
      return concat(
        source.pipe(concatMap((batch) => detector.push(batch))),
        defer(() => detector.finish()),
      );
    });
}
