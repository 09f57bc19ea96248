import type { Command } from 'commander';
import { register as registerValidate } from './validate.js';

/**
 * Every command registers itself here, one line each. Commands import their heavy
 * dependencies lazily inside their action so `hamstream --help` stays fast and a machine
 * without Bluetooth can still run everything but `ingest`/`scan` against hardware.
 */
export function registerCommands(program: Command): void {
  void program;
  registerValidate(program);
}
