import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { registerCommands } from './commands/index.js';

/** Builds the `hamstream` program. Exposed for tests. */
export function buildProgram(): Command {
  const program = new Command('hamstream')
    .description(
      'Hamstring rehabilitation and running monitoring with wearable BLE sensors.\n' +
        'Record sensors, replay recordings, and compute reps, range of motion, force and cadence.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. One clear line on stderr for every failure. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit with code 0 through exitOverride
      return e.exitCode;
    }
    if (e instanceof CliError) {
      process.stderr.write(`hamstream: ${e.message}\n`);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`hamstream: ${message}\n`);
    if (process.env.HAMSTREAM_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
