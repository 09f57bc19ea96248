import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import { Observable, type OperatorFunction } from 'rxjs';
import { type AnalyzerOptions, createAnalyzer } from '../analyzer.js';
import type { EngineUpdate } from '../types.js';

/**
 * The engine as an operator: recording events in, engine updates out, in data order. Each subscription
 * gets its own analyzer; on completion of the source the analyzer is finished (open sets closed, final
 * quality, `end`). No scheduler or timer is involved: results depend only on the events.
 *
 * A thin operator on purpose: the updates of an event are emitted in a loop, with no inner observable
 * per event (`concatMap` over each event's array made the live path cost 1.5× the analyzer's own work).
 * An error thrown by the analyzer is sent downstream as the stream's error, like one from the source.
 */
export function analyzeEvents(
  header: RecordingHeader,
  options?: AnalyzerOptions,
): OperatorFunction<RecordingEvent, EngineUpdate> {
  return (source: Observable<RecordingEvent>) =>
    new Observable<EngineUpdate>((subscriber) => {
      const analyzer = createAnalyzer(header, options);
      const emit = (updates: readonly EngineUpdate[]): void => {
        for (let i = 0; i < updates.length && !subscriber.closed; i++) subscriber.next(updates[i]!);
      };
      return source.subscribe({
        next: (event) => {
          let updates: readonly EngineUpdate[];
          try {
            updates = analyzer.push(event);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          emit(updates);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          let updates: readonly EngineUpdate[];
          try {
            updates = analyzer.finish();
          } catch (error) {
            subscriber.error(error);
            return;
          }
          emit(updates);
          subscriber.complete();
        },
      });
    });
}
