import type { AnalyzeOutput, RecordingEvent, RecordingHeader } from '@hamstream/core';
import {
  type AnalyzerOptions,
  analyzeEvents,
  collectAnalyzeOutput,
  type EngineUpdate,
  type RawSampleSink,
} from '@hamstream/engine';
import { Subject, share } from 'rxjs';

/** One session's metrics engine, fed event by event; updates come back synchronously. */
export interface LiveEngine {
  push(event: RecordingEvent): void;
  /** Ends the stream: the engine's final updates, then the complete analysis (null if the engine failed). */
  complete(): Promise<AnalyzeOutput | null>;
}

export interface LiveEngineOptions {
  /** Cadence baseline, steps/min, when the subject's targets fix one. */
  baselineSpm?: number;
  /** `--store-raw`: every aligned sample, synchronously (arrays valid during the call only). */
  rawSamples?: RawSampleSink;
}

export type LiveEngineFactory = (
  header: RecordingHeader,
  options: LiveEngineOptions,
  onUpdate: (update: EngineUpdate) => void,
  onError: (error: unknown) => void,
) => LiveEngine;

/**
 * The engine's own RxJS operators over a Subject: `analyzeEvents` drives the live view, and
 * `collectAnalyzeOutput` reduces the same updates to the summary when the session ends. Both work on
 * data time only, so the live numbers equal `hamstream analyze` on the stored recording.
 */
export const rxLiveEngine: LiveEngineFactory = (header, options, onUpdate, onError) => {
  const input = new Subject<RecordingEvent>();
  const engineOptions: AnalyzerOptions = {};
  if (options.baselineSpm !== undefined) engineOptions.baselineSpm = options.baselineSpm;
  if (options.rawSamples) engineOptions.rawSamples = options.rawSamples;
  const updates = input.pipe(analyzeEvents(header, engineOptions), share());
  let failed = false;
  const output = new Promise<AnalyzeOutput | null>((resolve) => {
    updates.pipe(collectAnalyzeOutput(header)).subscribe({
      next: (o) => resolve(o),
      error: () => resolve(null),
      complete: () => resolve(null),
    });
  });
  updates.subscribe({
    next: (u) => {
      // A bug in the view model must not kill the engine (RxJS would rethrow it asynchronously).
      try {
        onUpdate(u);
      } catch (e) {
        onError(e);
      }
    },
    error: (e: unknown) => {
      failed = true;
      onError(e);
    },
  });
  return {
    push(event) {
      if (!failed) input.next(event);
    },
    complete() {
      input.complete();
      return output;
    },
  };
};
