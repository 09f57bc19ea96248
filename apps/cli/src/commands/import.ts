import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface ImportOptions {
  out?: string;
  json: boolean;
}

export function register(program: Command): void {
  program
    .command('import')
    .description(
      'Convert a real dataset recorded by others into recordings (sample events: acc m/s², gyro deg/s) with ' +
        'labels from its documented ground truth (rep counts per block, rep boundaries, cadence, step counts) ' +
        'and provenance (dataset, citation, licence, commit), so the same evaluation runs on real data. ' +
        'Recognises uci_pte_leg_exercises, alcantara_sacral_running_grf and oxford_stepcounter_walking by their files.',
    )
    .argument('<dataset-dir>', 'the dataset folder, e.g. ../shared/datasets/uci_pte_leg_exercises')
    .option(
      '-o, --out <dir>',
      'output folder; files go to <dir>/<dataset>/<name>.rec.jsonl.gz + .labels.json',
    )
    .option('--json', 'print a JSON summary instead of one line per file', false)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hamstream import ../shared/datasets/uci_pte_leg_exercises --out /tmp/real\n' +
        '  $ for d in ../shared/datasets/*/; do hamstream import "$d" --out /tmp/real; done\n' +
        '  $ hamstream evaluate /tmp/real',
    )
    .action(async (dir: string, opts: ImportOptions) => {
      if (!opts.out) throw new CliError('--out DIR is required');
      const { existsSync, statSync } = await import('node:fs');
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`${dir}: not a folder`);
      const sim = await import('@hamstream/simulator');
      if (!sim.detectDataset(dir)) {
        throw new CliError(
          `${dir}: not a known dataset (expected one of ${sim.IMPORTERS.map((i) => i.id).join(', ')})`,
        );
      }
      const result = await sim.importDataset(dir, opts.out, {
        onFile: (f) => {
          if (!opts.json) process.stdout.write(`${f.recordingPath}: ${f.events} events (+ labels)\n`);
        },
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(`${result.dataset}: ${result.files.length} recording(s) in ${opts.out}\n`);
    });
}
