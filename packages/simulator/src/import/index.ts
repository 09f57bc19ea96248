import path from 'node:path';
import { writeGeneratedRecording } from '../write.js';
import { alcantaraImporter } from './alcantara.js';
import { oxfordImporter } from './oxford.js';
import type { DatasetImporter } from './types.js';
import { uciPteImporter } from './uci-pte.js';

export { OXFORD_CADENCE_WINDOW_S } from './oxford.js';
export type { DatasetImporter, ImportedRecording } from './types.js';

export const IMPORTERS: readonly DatasetImporter[] = [uciPteImporter, alcantaraImporter, oxfordImporter];

/** The importer for a dataset folder, or undefined. */
export function detectDataset(dir: string): DatasetImporter | undefined {
  return IMPORTERS.find((i) => i.detect(dir));
}

export interface ImportResult {
  dataset: string;
  files: { name: string; recordingPath: string; labelsPath: string; events: number }[];
}

/**
 * Converts a dataset folder into recordings (sample events) + labels under `outDir/<dataset>/`.
 * Throws when the folder is not one of the known datasets.
 */
export async function importDataset(
  dir: string,
  outDir: string,
  options: { onFile?: (file: ImportResult['files'][number]) => void; gzipLevel?: number } = {},
): Promise<ImportResult> {
  const importer = detectDataset(dir);
  if (!importer) {
    throw new Error(
      `${dir}: not a known dataset (expected one of ${IMPORTERS.map((i) => i.id).join(', ')}, recognised by their CSV files)`,
    );
  }
  const files: ImportResult['files'] = [];
  for await (const { name, recording } of importer.recordings(dir)) {
    const out = path.join(outDir, importer.id, `${name}.rec.jsonl.gz`);
    const { recordingPath, labelsPath } = await writeGeneratedRecording(out, recording, {
      gzipLevel: options.gzipLevel ?? 6,
    });
    const entry = { name, recordingPath, labelsPath, events: recording.events.length };
    files.push(entry);
    options.onFile?.(entry);
  }
  return { dataset: importer.id, files };
}
