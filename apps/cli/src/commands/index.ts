import type { Command } from 'commander';
import { register as registerAnalyze } from './analyze.js';
import { register as registerBackfill } from './backfill.js';
import { register as registerEvaluate } from './evaluate.js';
import { register as registerExport } from './export.js';
import { register as registerImport } from './import.js';
import { register as registerIngest } from './ingest.js';
import { register as registerScan } from './scan.js';
import { register as registerSimulate } from './simulate.js';
import { register as registerStart } from './start.js';
import { register as registerValidate } from './validate.js';

/**
 * Every command registers itself here, one line each. Commands import their heavy
 * dependencies lazily inside their action so `hamstream --help` stays fast and a machine
 * without Bluetooth can still run everything but `ingest`/`scan` against hardware.
 */
export function registerCommands(program: Command): void {
  void program;
  registerValidate(program);
  registerSimulate(program);
  registerImport(program);
  registerBackfill(program);
  registerExport(program);
  registerIngest(program);
  registerScan(program);
  registerAnalyze(program);
  registerEvaluate(program);
  registerStart(program);
}
