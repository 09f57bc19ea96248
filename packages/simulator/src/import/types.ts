import type { GeneratedRecording } from '../scenarios.js';

/** One recording an importer produced, named for its file (`<name>.rec.jsonl.gz`). */
export interface ImportedRecording {
  name: string;
  recording: GeneratedRecording;
}

/** A dataset importer: recognises its folder and converts it, one recording at a time. */
export interface DatasetImporter {
  id: string;
  /** True when `dir` holds this dataset (by its characteristic files). */
  detect(dir: string): boolean;
  recordings(dir: string): AsyncGenerator<ImportedRecording>;
}

/** Wall-clock origin of imported recordings: the datasets give no absolute time; this is a placeholder. */
export const IMPORT_EPOCH = '2000-01-01T00:00:00.000Z';
