import path from 'node:path';
import type { AnalyzeOutput, RecordingHeader } from '@hamstream/core';
import type { InfluxSink } from '@hamstream/storage';
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
  storeRaw: boolean;
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
    .option(
      '--store-raw',
      'with --influx: also write every raw sample the engine used (imu_raw, force_raw; kept for the ' +
        '`traces` retention policy, 30 days by default, so InfluxDB refuses samples of older recordings). ' +
        'Only for InfluxDB: the recording file itself already keeps every raw packet',
      false,
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hamstream analyze fixtures/bridge_witmotion-wt901_thigh_clean.rec.jsonl.gz\n' +
        '  $ hamstream analyze data/sessions/s1/recording.rec.jsonl --influx http://127.0.0.1:8086/hamstream\n' +
        '  $ hamstream analyze data/sessions/s1/recording.rec.jsonl --influx http://127.0.0.1:8086/hamstream --store-raw\n' +
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
      if (opts.storeRaw && influxUrl === undefined) {
        throw new CliError(
          '--store-raw needs --influx URL (or HAMSTREAM_INFLUX_URL): raw samples only go to InfluxDB; ' +
            'the recording file already keeps every raw packet',
        );
      }
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
      // --store-raw: the sink is open during the analysis, so raw samples stream out as the engine
      // produces them (serialised into batches at once) instead of piling up until the end.
      const raw: RawOutlet | null =
        opts.storeRaw && influxUrl !== undefined ? await openRawOutlet(influxUrl, opts) : null;
      try {
        const result = await analyzeFile(file, {
          ...(baselineSpm !== undefined ? { baselineSpm } : {}),
          onWarning: (w) =>
            process.stderr.write(`hamstream analyze: warning: ${w.device ?? ''}: ${w.message}\n`),
          ...(raw
            ? {
                rawSamples: (header: RecordingHeader) =>
                  raw.storage.createRawPointWriter(
                    { ...influxTarget(file, header, opts), devices: header.devices },
                    (points) => {
                      raw.points += points.length;
                      raw.sink.write(points);
                    },
                  ),
              }
            : {}),
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
          await writeAnalysisToInflux(file, result.header, output, influxUrl, opts, influxTimeoutS, raw);
        }
      } catch (e) {
        if (progressShown) process.stderr.write('\n');
        // A bad line names FILE:LINE; an unreadable file names the file.
        if (e instanceof HamstreamError) throw new CliError(e.message);
        throw e;
      } finally {
        // After an error: whatever was written stays in the spool for the next --influx write.
        await raw?.sink.close(1000);
      }
    });
}

interface InfluxTarget {
  subject: string;
  session: string;
  startedAtMs: number;
}

/** Subject, session id and start time the points of `file` are written under (CliError if unknown). */
function influxTarget(file: string, header: RecordingHeader, opts: AnalyzeOptions): InfluxTarget {
  const subject = opts.subject ?? header.subject;
  if (!subject) {
    throw new CliError(`${file}: the recording names no subject: give one with --subject ID for --influx`);
  }
  const startedAtMs = Date.parse(header.startedAt);
  if (!Number.isFinite(startedAtMs)) throw new CliError(`${file}: header startedAt is not a date`);
  return { subject, session: opts.session ?? sessionIdForRecording(file), startedAtMs };
}

function spoolDirFor(opts: AnalyzeOptions): string {
  const dataDir = process.env.HAMSTREAM_DATA?.trim() || 'data';
  return path.resolve(opts.spool ?? path.join(dataDir, 'influx-spool'));
}

type Storage = typeof import('@hamstream/storage');

/** --store-raw: the sink, open before the analysis, and the storage module it came from. */
interface RawOutlet {
  sink: InfluxSink;
  storage: Storage;
  points: number;
}

async function openRawOutlet(url: string, opts: AnalyzeOptions): Promise<RawOutlet> {
  const storage = await import('@hamstream/storage');
  return { sink: await storage.createInfluxSink({ url, spoolDir: spoolDirFor(opts) }), storage, points: 0 };
}

/**
 * `--influx`: the recording's results as points, through a one-shot sink (spooled if InfluxDB is
 * away); with --store-raw, through the sink that already took the raw samples.
 */
async function writeAnalysisToInflux(
  file: string,
  header: RecordingHeader,
  output: AnalyzeOutput,
  url: string,
  opts: AnalyzeOptions,
  timeoutS: number,
  raw: RawOutlet | null,
): Promise<void> {
  const { subject, session, startedAtMs } = influxTarget(file, header, opts);
  const storage = await import('@hamstream/storage');
  const points = storage.pointsFromAnalyzeOutput(
    output,
    { subject, session, devices: header.devices },
    startedAtMs,
  );
  const spoolDir = spoolDirFor(opts);
  const sink = raw?.sink ?? (await storage.createInfluxSink({ url, spoolDir }));
  sink.write(points);
  const drained = await sink.drain(timeoutS * 1000);
  await sink.close(1000);
  const stats = sink.stats();
  const complete = drained && stats.spool.points === 0;
  const target = url.replace(/\/\/[^@/]*@/, '//');
  const rawNote = raw ? ` (${raw.points} raw sample(s) among them)` : '';
  process.stderr.write(
    `hamstream analyze: ${stats.delivered} point(s) of session ${session} (subject ${subject}) written to ${target}${rawNote}\n`,
  );
  if (stats.rejected > 0) {
    const hint = raw
      ? ' (raw samples older than the `traces` retention policy are refused: store raw for recent recordings only)'
      : '';
    process.stderr.write(
      `hamstream analyze: InfluxDB refused ${stats.rejected} point(s): ${stats.lastError}${hint}\n`,
    );
  }
  if (!complete) {
    throw new CliError(
      `InfluxDB did not take everything within ${timeoutS} s (${stats.lastError ?? 'slow'}); ` +
        `${stats.spool.points} point(s) wait in ${spoolDir} and go out with the next --influx write`,
    );
  }
}
