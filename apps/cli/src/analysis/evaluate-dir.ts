import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  type AccuracyRow,
  evaluateRecording,
  overallAccuracy,
  type RecordingEvaluation,
  summarizeAccuracy,
} from '@hamstream/engine';
import { labelsPathFor, readLabels } from '@hamstream/recording';
import { analyzeFile } from './analyze-file.js';

export interface EvaluationReport {
  /** Where the recordings came from (a directory, or a dataset imported from it). */
  source: string;
  recordings: RecordingEvaluation[];
  rows: AccuracyRow[];
  overall: AccuracyRow;
}

/** Recordings under `dir` (recursively) that have a `.labels.json` sidecar, sorted. */
export async function labelledRecordings(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.rec\.jsonl(\.gz)?$/.test(e.name) && existsSync(labelsPathFor(p))) found.push(p);
    }
  };
  await walk(dir);
  return found;
}

/** Analyses every labelled recording under `dir` and scores it against its labels. */
export async function evaluateDir(
  dir: string,
  source: string,
  onFile?: (file: string, index: number, total: number) => void,
): Promise<EvaluationReport> {
  const files = await labelledRecordings(dir);
  const recordings: RecordingEvaluation[] = [];
  for (const [i, file] of files.entries()) {
    onFile?.(file, i, files.length);
    const { header, output } = await analyzeFile(file);
    const labels = await readLabels(labelsPathFor(file));
    const name = path.relative(dir, file).replace(/\.rec\.jsonl(\.gz)?$/, '');
    recordings.push(evaluateRecording(name, header, output, labels));
  }
  return { source, recordings, rows: summarizeAccuracy(recordings), overall: overallAccuracy(recordings) };
}
