import type { AnalyzeOutput, RecordingHeader } from '@hamstream/core';
import { defer, map, type Observable, type OperatorFunction, reduce } from 'rxjs';
import { OutputBuilder } from '../output/output-builder.js';
import type { EngineUpdate } from '../types.js';

/** Reduces engine updates to the analyze document, emitted once when the updates complete. */
export function collectAnalyzeOutput(header: RecordingHeader): OperatorFunction<EngineUpdate, AnalyzeOutput> {
  return (source: Observable<EngineUpdate>) =>
    defer(() =>
      source.pipe(
        reduce((builder, update) => {
          builder.apply(update);
          return builder;
        }, new OutputBuilder(header)),
        map((builder) => builder.build()),
      ),
    );
}
