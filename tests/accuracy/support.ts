import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalyzeOutput, RecordingEvent, RecordingHeader, RecordingLabels } from '@hamstream/core';
import { createAnalyzer, evaluateRecording, type RecordingEvaluation } from '@hamstream/engine';
import { labelsPathFor, openRecording, readLabels } from '@hamstream/recording';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'fixtures');
export const DATASETS_DIR = path.resolve(REPO_ROOT, '../shared/datasets');

/** Recordings (`*.rec.jsonl[.gz]`) directly in `dir`, sorted. */
export function recordingsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.rec\.jsonl(\.gz)?$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Streams a recording through the engine (as `hamstream analyze` does). */
export async function analyzeFile(file: string): Promise<{ header: RecordingHeader; output: AnalyzeOutput }> {
  const rec = await openRecording(file);
  try {
    const analyzer = createAnalyzer(rec.header, { display: false });
    for await (const event of rec.events) analyzer.push(event);
    analyzer.finish();
    return { header: rec.header, output: analyzer.output() };
  } finally {
    await rec.close();
  }
}

export interface Evaluated {
  file: string;
  header: RecordingHeader;
  labels: RecordingLabels;
  output: AnalyzeOutput;
  evaluation: RecordingEvaluation;
}

/** Analyses events already in memory (an importer's output) and scores them. */
export function evaluateEvents(
  name: string,
  header: RecordingHeader,
  events: readonly RecordingEvent[],
  labels: RecordingLabels,
): Evaluated {
  const analyzer = createAnalyzer(header, { display: false });
  for (const event of events) analyzer.push(event);
  analyzer.finish();
  const output = analyzer.output();
  return { file: name, header, labels, output, evaluation: evaluateRecording(name, header, output, labels) };
}

export async function evaluateFile(file: string): Promise<Evaluated> {
  const { header, output } = await analyzeFile(file);
  const labels = await readLabels(labelsPathFor(file));
  const name = path.basename(file).replace(/\.rec\.jsonl(\.gz)?$/, '');
  return { file, header, labels, output, evaluation: evaluateRecording(name, header, output, labels) };
}
