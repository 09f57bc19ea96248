import path from 'node:path';
import type { AnalyzeOutput, RecordingHeader } from '@hamstream/core';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface AnalyzeOptions {
  json: boolean;
  baselineSpm?: string;
  progress: boolean;
  influx?: string;
  session?: string;
  subject?: string;
  spool?: string;
  influxTimeout: string;
}

/**
 * The session id a recording is stored under: the folder name for the server's
 * `sessions/<id>/recording.rec.jsonl`, else the file name without `.rec.jsonl[.gz]`.
 */
export function sessionIdForRecording(file: string): string {
  const base = path.basename(file);
  if (/^recording\.rec\.jsonl(\.gz)?$/.test(base)) return path.basename(path.dirname(path.resolve(file)));
  return base
    .replace(/\.gz$/, '')
    .replace(/\.rec\.jsonl$/, '')
    .replace(/\.jsonl$/, '');
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
    .option(
      '--influx <URL>',
      'also write the results into InfluxDB 1.x, http://[user:pass@]host:port/database (backfill of one ' +
        'recording; safe to repeat) [default: env HAMSTREAM_INFLUX_URL]',
    )
    .option(
      '--session <id>',
      'session id for --influx (default: the folder name of sessions/<id>/recording.rec.jsonl, else the file name)',
    )
    .option('--subject <id>', 'subject id for --influx (default: the recording header’s subject)')
    .option(
      '--spool <dir>',
      'disk spool for --influx while InfluxDB is unreachable [default: $HAMSTREAM_DATA/influx-spool or ./data/influx-spool]',
    )
    .option('--influx-timeout <s>', 'seconds to wait for InfluxDB to take the points', '60')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hamstream analyze fixtures/bridge_witmotion-wt901_thigh_clean.rec.jsonl.gz\n' +
        '  $ hamstream analyze data/sessions/s1/recording.rec.jsonl --influx http://127.0.0.1:8086/hamstream\n' +
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
      const influxUrl = opts.influx ?? (process.env.HAMSTREAM_INFLUX_URL?.trim() || undefined);
      const influxTimeoutS = Number(opts.influxTimeout);
      if (influxUrl !== undefined) {
        if (!(influxTimeoutS > 0))
          throw new CliError('--influx-timeout must be a positive number of seconds');
        const { parseInfluxUrl } = await import('@hamstream/storage');
        try {
          parseInfluxUrl(influxUrl);
        } catch (e) {
          throw new CliError(`--influx: ${(e as Error).message}`);
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
        if (influxUrl !== undefined) {
          await writeAnalysisToInflux(file, result.header, output, influxUrl, opts, influxTimeoutS);
        }
      } catch (e) {
        if (progressShown) process.stderr.write('\n');
        // A bad line names FILE:LINE; an unreadable file names the file.
        if (e instanceof HamstreamError) throw new CliError(e.message);
        throw e;
      }
    });
}

/** `--influx`: the recording's results as points, through a one-shot sink (spooled if InfluxDB is away). */
async function writeAnalysisToInflux(
  file: string,
  header: RecordingHeader,
  output: AnalyzeOutput,
  url: string,
  opts: AnalyzeOptions,
  timeoutS: number,
): Promise<void> {
  const subject = opts.subject ?? header.subject;
  if (!subject) {
    throw new CliError(`${file}: the recording names no subject: give one with --subject ID for --influx`);
  }
  const startedAtMs = Date.parse(header.startedAt);
  if (!Number.isFinite(startedAtMs)) throw new CliError(`${file}: header startedAt is not a date`);
  const session = opts.session ?? sessionIdForRecording(file);
  const storage = await import('@hamstream/storage');
  const points = storage.pointsFromAnalyzeOutput(
    output,
    { subject, session, devices: header.devices },
    startedAtMs,
  );
  const dataDir = process.env.HAMSTREAM_DATA?.trim() || 'data';
  const spoolDir = path.resolve(opts.spool ?? path.join(dataDir, 'influx-spool'));
  const { complete, stats } = await storage.writeToInflux({ url, spoolDir }, points, timeoutS * 1000);
  const target = url.replace(/\/\/[^@/]*@/, '//');
  process.stderr.write(
    `hamstream analyze: ${stats.delivered} point(s) of session ${session} (subject ${subject}) written to ${target}\n`,
  );
  if (stats.rejected > 0) {
    process.stderr.write(
      `hamstream analyze: InfluxDB refused ${stats.rejected} point(s): ${stats.lastError}\n`,
    );
  }
  if (!complete) {
    throw new CliError(
      `InfluxDB did not take everything within ${timeoutS} s (${stats.lastError ?? 'slow'}); ` +
        `${stats.spool.points} point(s) wait in ${spoolDir} and go out with the next --influx write`,
    );
  }
}
