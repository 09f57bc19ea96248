import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface EvaluateOptions {
  json: boolean;
  datasets: string | false;
}

/** `<repo>/../shared/datasets`, located from this file (apps/cli/{src,dist}/commands/). */
function defaultDatasetsDir(): string {
  if (process.env.HAMSTREAM_DATASETS) return process.env.HAMSTREAM_DATASETS;
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/datasets');
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      "The project's accuracy benchmark: analyses every recording under DIR that has a .labels.json sidecar " +
        'and prints, per activity and driver, the sets with the exact rep count, ROM mean absolute error, peak ' +
        'force error and steady-state cadence error (points inside labelled constant-cadence segments, from ' +
        '10 s — or half the segment if shorter — after each change). The real datasets (UCI PTE, Alcantara, ' +
        'Oxford) are imported into a temporary folder and evaluated too.',
    )
    .argument('<dir>', 'folder searched recursively for *.rec.jsonl[.gz] with *.labels.json beside them')
    .option(
      '--json',
      'print one JSON document (per-recording details, rows, totals) instead of tables',
      false,
    )
    .option(
      '--datasets <dir>',
      'folder holding the real datasets to import and evaluate (default: $HAMSTREAM_DATASETS, else ../shared/datasets beside the repository)',
    )
    .option('--no-datasets', 'evaluate only the recordings under DIR')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hamstream evaluate fixtures\n' +
        '  $ hamstream evaluate fixtures --no-datasets --json > accuracy.json\n' +
        '  $ hamstream evaluate my-recordings --datasets /data/shared/datasets',
    )
    .action(async (dir: string, opts: EvaluateOptions) => {
      if (!existsSync(dir)) throw new CliError(`${dir}: no such folder`);
      const { evaluateDir } = await import('../analysis/evaluate-dir.js');
      const { HamstreamError } = await import('@hamstream/core');
      const progress = process.stderr.isTTY === true;
      const onFile = (file: string, i: number, n: number) => {
        if (progress) process.stderr.write(`\revaluate: ${i + 1}/${n} ${path.basename(file)}\x1b[K`);
      };
      try {
        const reports = [await evaluateDir(dir, dir, onFile)];
        if (opts.datasets !== false) {
          const datasetsDir = opts.datasets ?? defaultDatasetsDir();
          if (existsSync(datasetsDir)) reports.push(...(await evaluateDatasets(datasetsDir, onFile)));
          else if (opts.datasets !== undefined)
            throw new CliError(`--datasets ${datasetsDir}: no such folder`);
          else process.stderr.write(`hamstream evaluate: no real datasets at ${datasetsDir}; skipped\n`);
        }
        if (progress) process.stderr.write('\r\x1b[K');
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
          return;
        }
        const { formatEvaluation } = await import('../analysis/format-evaluation.js');
        process.stdout.write(reports.map(formatEvaluation).join('\n'));
      } catch (e) {
        if (e instanceof HamstreamError) throw new CliError(e.message);
        throw e;
      }
    });
}

/** Imports each known dataset under `datasetsDir` into a temporary folder and evaluates it. */
async function evaluateDatasets(
  datasetsDir: string,
  onFile: (file: string, i: number, n: number) => void,
): Promise<import('../analysis/evaluate-dir.js').EvaluationReport[]> {
  const { mkdtemp, readdir, rm } = await import('node:fs/promises');
  const os = await import('node:os');
  const { detectDataset, importDataset } = await import('@hamstream/simulator');
  const { evaluateDir } = await import('../analysis/evaluate-dir.js');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hamstream-evaluate-'));
  try {
    const reports = [];
    const entries = (await readdir(datasetsDir, { withFileTypes: true })).filter((e) => e.isDirectory());
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const src = path.join(datasetsDir, e.name);
      if (!detectDataset(src)) continue;
      if (process.stderr.isTTY) process.stderr.write(`\revaluate: importing ${e.name}\x1b[K`);
      const imported = await importDataset(src, tmp);
      reports.push(await evaluateDir(path.join(tmp, imported.dataset), `${src} (imported)`, onFile));
    }
    return reports;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
