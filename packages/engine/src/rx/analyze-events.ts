import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import { concat, concatMap, defer, type Observable, type OperatorFunction } from 'rxjs';
import { type AnalyzerOptions, createAnalyzer } from '../analyzer.js';
import type { EngineUpdate } from '../types.js';

/**
 * The engine as an operator: recording events in, engine updates out, in data order. Each subscription
 * gets its own analyzer; on completion of the source the analyzer is finished (open sets closed, final
 * quality, `end`). No scheduler or timer is involved: results depend only on the events.
 */
export function analyzeEvents(
  header: RecordingHeader,
  options?: AnalyzerOptions,
): OperatorFunction<RecordingEvent, EngineUpdate> {
  return (source: Observable<RecordingEvent>) =>
    defer(() => {
      const analyzer = createAnalyzer(header, options);
      return concat(
        source.pipe(concatMap((event) => analyzer.push(event))),
        defer(() => analyzer.finish()),
      );
    });
}
