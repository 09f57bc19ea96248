import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface AnalyzeOptions {
  json: boolean;
  baselineSpm?: string;
  progress: boolean;
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description(
      'Replay one recording through the decoders and the metrics engine as fast as possible and report ' +
        'sets, reps (ROM, tempo, holds, force), running cadence and data quality. With --json: exactly the ' +
        'document of spec/analyze-output.md on stdout (numbers rounded to 3 decimals, absent = null). The same ' +
        'events give the same numbers live: the engine only uses the data’s own timestamps.',
    )
    .argument('<recording>', 'a recording, *.rec.jsonl or *.rec.jsonl.gz')
    .option('--json', 'print the analyze JSON document instead of tables', false)
    .option(
      '--baseline-spm <spm>',
      'cadence baseline in steps/min for the change-vs-baseline figure (default: the first steady minute)',
    )
    .option(
      '--progress',
      'show progress on stderr even when it is not a terminal (default: only on a TTY)',
      false,
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hamstream analyze fixtures/bridge_witmotion-wt901_thigh_clean.rec.jsonl.gz\n' +
        '  $ hamstream analyze --json session.rec.jsonl.gz > session.analysis.json\n' +
        '  $ hamstream analyze --baseline-spm 164 run.rec.jsonl.gz',
    )
    .action(async (file: string, opts: AnalyzeOptions) => {
      let baselineSpm: number | undefined;
      if (opts.baselineSpm !== undefined) {
        baselineSpm = Number(opts.baselineSpm);
        if (!(baselineSpm > 0 && baselineSpm < 400)) {
          throw new CliError(
            `--baseline-spm: expected steps/min between 0 and 400, got "${opts.baselineSpm}"`,
          );
        }
      }
      const { analyzeFile } = await import('../analysis/analyze-file.js');
      const { roundAnalyzeOutput } = await import('@hamstream/engine');
      const { HamstreamError } = await import('@hamstream/core');
      const showProgress = opts.progress || process.stderr.isTTY === true;
      let lastProgressMs = 0;
      let progressShown = false;
      try {
        const result = await analyzeFile(file, {
          ...(baselineSpm !== undefined ? { baselineSpm } : {}),
          onWarning: (w) =>
            process.stderr.write(`hamstream analyze: warning: ${w.device ?? ''}: ${w.message}\n`),
          ...(showProgress
            ? {
                onProgress: (tS: number, fraction: number) => {
                  // Wall clock at the edge only, to throttle the display.
                  const now = performance.now();
                  if (now - lastProgressMs < 250) return;
                  lastProgressMs = now;
                  progressShown = true;
                  process.stderr.write(
                    `\ranalyze: ${(fraction * 100).toFixed(0)}%  (${tS.toFixed(0)} s of data)  `,
                  );
                },
              }
            : {}),
        });
        if (progressShown) process.stderr.write('\r\x1b[K');
        if (result.stats.truncatedLastLine) {
          const where = result.stats.truncation ? ` at line ${result.stats.truncation.line}` : '';
          process.stderr.write(
            `hamstream analyze: ${file}: the file ends mid-write${where}; analysed what is complete\n`,
          );
        }
        const output = roundAnalyzeOutput(result.output);
        if (opts.json) process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
        else {
          const { formatAnalysis } = await import('../analysis/format-analysis.js');
          process.stdout.write(formatAnalysis(file, output));
        }
      } catch (e) {
        if (progressShown) process.stderr.write('\n');
        // A bad line names FILE:LINE; an unreadable file names the file.
        if (e instanceof HamstreamError) throw new CliError(e.message);
        throw e;
      }
    });
}
