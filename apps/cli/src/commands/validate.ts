import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface ValidateOptions {
  lenient: boolean;
  strict: boolean;
  json: boolean;
  knownDrivers?: string;
}

/** One file's outcome as printed by --json: the recording summary, or the error that stopped it. */
type FileResult =
  | (import('@hamstream/recording').RecordingSummary & {
      error?: { line: number; message: string; reasonCode: string };
    })
  | { path: string; ok: false; error: { line: number; message: string; reasonCode: string } };

const MAX_MARKS_SHOWN = 20;

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function formatSummary(s: import('@hamstream/recording').RecordingSummary, lenient: boolean): string {
  const st = s.stats;
  const out: string[] = [];
  const status = st.skippedLines > 0 ? `ok with ${st.skippedLines} bad line(s) skipped` : 'ok';
  out.push(`${s.path}: ${status}${st.gzip ? ' (gzip)' : ''}`);
  const duration = s.durationS === null ? 'no events' : `duration ${s.durationS.toFixed(3)} s`;
  out.push(`  started ${s.startedAt}, ${duration}${s.activity ? `, activity ${s.activity}` : ''}`);
  out.push(`  ${st.lines} lines, ${st.events} events, ${s.devices.length} device(s)`);
  const idWidth = Math.max(0, ...s.devices.map((d) => d.id.length));
  const driverWidth = Math.max(0, ...s.devices.map((d) => d.driver.length));
  for (const d of s.devices) {
    const events = counts(d.eventsByType) || 'no events';
    out.push(
      `    ${d.id.padEnd(idWidth)}  ${d.driver.padEnd(driverWidth)}  ${`${d.placement}/${d.side}`.padEnd(12)}  ${events}`,
    );
  }
  out.push(`  marks: ${s.marks.length}`);
  for (const m of s.marks.slice(0, MAX_MARKS_SHOWN)) {
    out.push(`    ${m.tS.toFixed(3).padStart(10)} s  ${m.activity ?? 'rest'}${m.side ? ` (${m.side})` : ''}`);
  }
  if (s.marks.length > MAX_MARKS_SHOWN) out.push(`    ... ${s.marks.length - MAX_MARKS_SHOWN} more`);
  out.push(
    `  ignored: ${st.ignoredEvents} event(s) of unknown types${st.ignoredEvents ? ` (${counts(st.ignoredByType)})` : ''}`,
  );
  if (lenient || st.skippedLines > 0) {
    out.push(
      `  skipped: ${st.skippedLines} line(s)${st.skippedLines ? ` (${counts(st.skippedByReason)})` : ''}`,
    );
    if (st.firstError) out.push(`    first at line ${st.firstError.line}: ${st.firstError.message}`);
  }
  out.push(
    st.truncatedLastLine && st.truncation
      ? `  truncated: yes, at line ${st.truncation.line}: ${st.truncation.reason}`
      : '  truncated: no',
  );
  return `${out.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'Check recordings against the recording format (spec/recording-format.md) and summarise each one: ' +
        'duration, devices with event counts per type, marks, ignored and skipped lines, truncation. ' +
        'Stops at the first bad line with "FILE:LINE: reason" and exit code 1, unless --lenient. ' +
        'A file cut off mid-write (crash) is reported, not an error.',
    )
    .argument(
      '<recording...>',
      'recording files, *.rec.jsonl or *.rec.jsonl.gz (gzip is detected by content)',
    )
    .option(
      '--lenient',
      'count and skip bad lines instead of stopping (the header must still be valid)',
      false,
    )
    .option(
      '--strict',
      'treat unknown event types as errors (otherwise they are ignored and counted, as every reader does)',
      false,
    )
    .option(
      '--known-drivers <ids>',
      'comma-separated driver ids; a header device with another driver is an error (default with --strict: the built-in drivers plus `imported`; otherwise any driver)',
    )
    .option('--json', 'print one JSON array of per-file summaries instead of text', false)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hamstream validate fixtures/recordings/*/*.rec.jsonl*\n' +
        '  $ hamstream validate --strict --known-drivers witmotion-wt901,polar-pmd,tindeq-progressor,ble-rsc session.rec.jsonl.gz\n' +
        '  $ hamstream validate --lenient --json damaged.rec.jsonl',
    )
    .action(async (files: string[], opts: ValidateOptions) => {
      const { RecordingFormatError, summarizeRecording } = await import('@hamstream/recording');
      const { HamstreamError } = await import('@hamstream/core');
      const { KNOWN_DRIVER_IDS } = await import('@hamstream/sensors');
      // `imported` marks devices whose data arrive as decoded `sample` events (hamstream import).
      const builtInDrivers = new Set<string>([...KNOWN_DRIVER_IDS, 'imported']);
      const knownDrivers = opts.knownDrivers
        ? new Set(
            opts.knownDrivers
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== ''),
          )
        : opts.strict
          ? builtInDrivers
          : undefined;
      const readOptions = {
        lenient: opts.lenient,
        strict: opts.strict,
        ...(knownDrivers ? { knownDrivers } : {}),
      };
      const results: FileResult[] = [];
      let failure: string | null = null;
      for (const path of files) {
        let result: FileResult;
        try {
          result = await summarizeRecording(path, readOptions);
        } catch (e) {
          // An invalid header or an unreadable file: nothing to summarise.
          if (e instanceof RecordingFormatError) {
            result = {
              path,
              ok: false,
              error: { line: e.line, message: e.message, reasonCode: e.reasonCode },
            };
          } else if (e instanceof HamstreamError) {
            result = { path, ok: false, error: { line: 0, message: e.message, reasonCode: 'read-failed' } };
          } else {
            throw e;
          }
        }
        results.push(result);
        if (!result.ok) {
          failure = result.error?.message ?? `${path}: invalid`;
          break;
        }
        if (!opts.json && 'stats' in result) process.stdout.write(formatSummary(result, opts.lenient));
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      if (failure !== null) throw new CliError(failure);
    });
}
