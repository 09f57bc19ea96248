import { stat } from 'node:fs/promises';
import type { AnalyzeOutput, RecordingHeader } from '@hamstream/core';
import {
  type AnalyzerOptions,
  createAnalyzer,
  type EngineUpdate,
  type RawSampleSink,
} from '@hamstream/engine';
import { openRecording, type ReadStats } from '@hamstream/recording';

export interface AnalyzeFileOptions {
  baselineSpm?: number;
  /** Called every few thousand events: data time reached (s) and the fraction of the file read. */
  onProgress?: (tS: number, fraction: number) => void;
  /** Engine warnings (unknown driver, decode trouble), once each. */
  onWarning?: (update: Extract<EngineUpdate, { type: 'warning' }>) => void;
  /**
   * `--store-raw`: given the header, the consumer of every aligned sample (or undefined for none).
   * Called once before the first event; may throw to refuse the recording (e.g. no subject).
   */
  rawSamples?: (header: RecordingHeader) => RawSampleSink | undefined;
}

export interface AnalyzedFile {
  header: RecordingHeader;
  output: AnalyzeOutput;
  stats: ReadStats;
}

const PROGRESS_EVERY_EVENTS = 20_000;

/**
 * Streams one recording through the engine, as the live server does with the same events, but as
 * fast as the file can be read. Throws RecordingFormatError ("FILE:LINE: reason") for a bad file.
 */
export async function analyzeFile(path: string, options: AnalyzeFileOptions = {}): Promise<AnalyzedFile> {
  const recording = await openRecording(path);
  const sizeBytes = options.onProgress ? (await stat(path)).size : 0;
  try {
    const engineOptions: AnalyzerOptions = { display: false };
    if (options.baselineSpm !== undefined) engineOptions.baselineSpm = options.baselineSpm;
    const raw = options.rawSamples?.(recording.header);
    if (raw) engineOptions.rawSamples = raw;
    const analyzer = createAnalyzer(recording.header, engineOptions);
    const onWarning = options.onWarning;
    let events = 0;
    for await (const event of recording.events) {
      const updates = analyzer.push(event);
      if (onWarning) for (const u of updates) if (u.type === 'warning') onWarning(u);
      events++;
      if (options.onProgress && events % PROGRESS_EVERY_EVENTS === 0) {
        options.onProgress(
          event.t / 1000,
          sizeBytes > 0 ? Math.min(1, recording.stats.bytesRead / sizeBytes) : 0,
        );
      }
    }
    const last = analyzer.finish();
    if (onWarning) for (const u of last) if (u.type === 'warning') onWarning(u);
    return { header: recording.header, output: analyzer.output(), stats: recording.stats };
  } finally {
    await recording.close();
  }
}
