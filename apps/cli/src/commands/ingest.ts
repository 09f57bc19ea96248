import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface IngestOptions {
  config?: string;
  adapter: string;
  speed: string;
  loop?: boolean;
  drop: string;
  disconnectEvery?: string;
  seed: string;
  record?: string;
  overwrite?: boolean;
  resume?: boolean;
  server?: string;
  token?: string;
  session?: string;
  subject?: string;
  activity?: string;
  quiet?: boolean;
  json?: boolean;
}

type IngestModule = typeof import('@hamstream/ingest');
type IngestSummary = import('@hamstream/ingest').IngestSummary;
type VirtualDeviceStats = import('@hamstream/ingest').VirtualDeviceStats;

function number(value: string, flag: string, check: (n: number) => boolean, what: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new CliError(`${flag}: ${what} (got "${value}")`);
  return n;
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(
      `${path}: cannot read the configuration (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${path}: the configuration must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function formatSummary(summary: IngestSummary, virtual: VirtualDeviceStats[] | null): string {
  const out: string[] = [];
  out.push(
    `recording: ${summary.recordingPath} (${summary.eventsWritten} events, ${(summary.durationMs / 1000).toFixed(1)} s, stopped: ${summary.reason})`,
  );
  const w = Math.max(6, ...summary.sensors.map((s) => s.id.length));
  out.push(
    `  ${'sensor'.padEnd(w)}  ${'driver'.padEnd(17)}  ${'packets'.padStart(8)}  ${'samples'.padStart(8)}  ${'gaps'.padStart(5)}  ${'links'.padStart(5)}  ${'errors'.padStart(6)}  battery`,
  );
  for (const s of summary.sensors) {
    out.push(
      `  ${s.id.padEnd(w)}  ${s.driver.padEnd(17)}  ${String(s.packets).padStart(8)}  ${String(s.samples).padStart(8)}  ${String(s.gaps).padStart(5)}  ${`${s.connects}/${s.disconnects}`.padStart(5)}  ${String(s.decodeErrors).padStart(6)}  ${s.batteryPercent === null ? '-' : `${Math.round(s.batteryPercent)}%`}`,
    );
  }
  out.push('  (gaps: found in streams with a sensor clock, Polar and Tindeq; links: connects/disconnects)');
  if (virtual) {
    for (const v of virtual) {
      if (v.dropped === 0 && v.forcedDisconnects === 0 && v.lostOffline === 0) continue;
      out.push(
        `  virtual ${v.device}: ${v.dropped} packets dropped in ${v.dropRuns} gaps (--drop), ${v.lostOffline} lost while disconnected, ${v.forcedDisconnects} forced disconnects`,
      );
    }
  }
  if (summary.forwarder) {
    const f = summary.forwarder;
    out.push(
      `server: ${f.ackedSeq} of ${f.lastSeq} events acknowledged${summary.drained ? '' : ' (the rest stay in the recording and are resent on the next run)'}${f.resends ? `, ${f.resends} resends` : ''}`,
    );
  }
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('ingest')
    .description(
      'Run the ingest daemon: connect the configured BLE sensors, record every notification to a recording ' +
        'file (the source of truth) and/or forward the events to a hamstream server. Dropped sensors are ' +
        'reconnected with backoff; Ctrl-C stops the streams, disconnects and closes the recording. With ' +
        '--adapter virtual:REC the sensors are simulated from recordings (no Bluetooth needed); without ' +
        '--config the sensors are the recordings’ devices, and the run ends with the recordings.',
    )
    .option(
      '-c, --config <file>',
      'JSON configuration: {session, subject, sensors: [{id, driver, placement, side, name|address, config}], record, server: {url, token}, tuning}',
    )
    .option('-a, --adapter <spec>', 'hardware, or virtual:RECORDING[,RECORDING…]', 'hardware')
    .option('--speed <x>', 'virtual adapter: playback speed', '1')
    .option('--loop', 'virtual adapter: start the recordings over when they end')
    .option('--drop <p>', 'virtual adapter: probability that a notification is lost', '0')
    .option('--disconnect-every <s>', 'virtual adapter: drop every link this many seconds after it connects')
    .option('--seed <n>', 'virtual adapter: seed for --drop', '1')
    .option('-r, --record <file>', 'write the recording here (.rec.jsonl, or .rec.jsonl.gz)')
    .option('--overwrite', 'replace the --record file if it exists')
    .option(
      '--resume',
      'continue the --record file of an earlier run of this session (resends what the server lacks)',
    )
    .option('--server <url>', 'forward events to this hamstream server, e.g. http://127.0.0.1:8080')
    .option(
      '--token <token>',
      'daemon token for --server, bound to --session (a therapist creates it: POST /api/daemon-tokens)',
    )
    .option('--session <id>', 'session id (default: from the config, else session-<date>-<time>)')
    .option('--subject <id>', 'pseudonymous subject id written in the recording header')
    .option('--activity <name>', 'activity of the whole recording, e.g. prone-hamstring-curl')
    .option('-q, --quiet', 'print only the final summary')
    .option('--json', 'print the final summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  hamstream ingest --adapter virtual:fixtures/bridge_witmotion-wt901_thigh_clean.rec.jsonl.gz --speed 20 --record out.rec.jsonl\n' +
        '  hamstream ingest --config sensors.json --record today.rec.jsonl --server http://127.0.0.1:8080 --token $TOKEN\n' +
        '\nWithout Bluetooth (or permission to use it) the command says what is missing and exits with code 1.',
    )
    .action(async (opts: IngestOptions) => {
      const ingest: IngestModule = await import('@hamstream/ingest');
      const adapter = ingest.parseAdapterSpec(opts.adapter);
      if (!adapter.ok) throw new CliError(adapter.error);
      const speed = number(opts.speed, '--speed', (n) => n > 0, 'must be a positive number');
      const drop = number(opts.drop, '--drop', (n) => n >= 0 && n < 1, 'must be a probability in [0, 1)');
      const seed = number(opts.seed, '--seed', (n) => Number.isInteger(n), 'must be an integer');
      const disconnectEverySec =
        opts.disconnectEvery === undefined
          ? null
          : number(
              opts.disconnectEvery,
              '--disconnect-every',
              (n) => n > 0,
              'must be a positive number of seconds',
            );
      const file = opts.config ? await readConfigFile(opts.config) : {};

      const startedMs = performance.now();
      const say = (line: string) => {
        if (!opts.quiet)
          process.stderr.write(
            `[${((performance.now() - startedMs) / 1000).toFixed(1).padStart(6)} s] ${line}\n`,
          );
      };
      const logger: import('@hamstream/ingest').IngestLogger = {
        debug: () => {},
        info: (m) => say(m),
        warn: (m) => say(`warning: ${m}`),
        error: (m) => say(`error: ${m}`),
      };

      let central: Awaited<ReturnType<IngestModule['loadNobleCentral']>>;
      try {
        central = await ingest.loadNobleCentral({
          adapter: adapter.value,
          virtual: { speed, loop: opts.loop === true, dropProbability: drop, disconnectEverySec, seed },
          onWarning: (m) => say(`noble: ${m}`),
        });
      } catch (e) {
        if (e instanceof ingest.BluetoothUnavailableError) throw new CliError(e.message);
        throw new CliError(e instanceof Error ? e.message : String(e));
      }

      try {
        const virtual = central.virtual;
        const raw: Record<string, unknown> = { ...file };
        if (raw.sensors === undefined) {
          if (!virtual) {
            throw new CliError(
              'no sensors: give --config FILE listing them ({"sensors": [{"id", "driver", "placement", "side", "name" or "address"}]})',
            );
          }
          raw.sensors = ingest.sensorsFromDevices(virtual.peripherals.map((p) => p.device));
        }
        const headers = virtual?.recordings.map((r) => r.header) ?? [];
        const same = (key: 'subject' | 'activity') => {
          const values = new Set(headers.map((h) => h[key]));
          const [only] = values;
          return values.size === 1 && typeof only === 'string' ? only : undefined;
        };
        raw.session = opts.session ?? raw.session ?? ingest.defaultSessionId(new Date());
        const subject = opts.subject ?? raw.subject ?? same('subject');
        if (subject !== undefined) raw.subject = subject;
        const activity = opts.activity ?? raw.activity ?? same('activity');
        if (activity !== undefined) raw.activity = activity;
        if (opts.record) raw.record = opts.record;
        if (opts.server || opts.token) {
          const fromFile =
            typeof raw.server === 'object' && raw.server !== null
              ? (raw.server as Record<string, unknown>)
              : {};
          raw.server = {
            ...fromFile,
            ...(opts.server ? { url: opts.server } : {}),
            ...(opts.token ? { token: opts.token } : {}),
          };
        }
        const parsed = ingest.parseIngestConfig(raw);
        if (!parsed.ok) {
          throw new CliError(
            `invalid configuration${opts.config ? ` (${opts.config})` : ''}: ${parsed.error.join('; ')}`,
          );
        }
        const config = parsed.value;
        const recordPath = config.record ?? `hamstream-${config.session}.rec.jsonl`;
        if (existsSync(recordPath) && !opts.overwrite && !opts.resume) {
          throw new CliError(
            `${recordPath} exists: choose another --record path, add --resume to continue it, or --overwrite to replace it`,
          );
        }

        let daemon: import('@hamstream/ingest').IngestDaemon;
        try {
          daemon = await ingest.startIngestDaemon(config, {
            central,
            logger,
            resume: opts.resume === true,
            ...(virtual ? { marks: (l) => virtual.onMark(l) } : {}),
          });
        } catch (e) {
          // Bluetooth, resume and file problems are the user's to fix: one line.
          throw new CliError(e instanceof Error ? e.message : String(e));
        }
        daemon.on('sensor', (s) => {
          if (s.state === 'searching' && s.connects === 0) say(`${s.id}: looking for a ${s.driver} sensor`);
        });
        // Registered after the adapter is up: noble adds its own SIGINT handler at init and exits the
        // process if it is the last one; ours must come later to shut down cleanly.
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          signals++;
          if (signals > 1) {
            process.stderr.write(
              'hamstream: forced exit; the recording is readable up to its last complete line\n',
            );
            process.exit(130);
          }
          say(`${signal}: stopping streams, disconnecting, closing the recording (again to force)`);
          void daemon.stop(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        let summary: IngestSummary;
        try {
          summary = await daemon.stopped;
        } finally {
          process.removeListener('SIGINT', onSignal);
          process.removeListener('SIGTERM', onSignal);
        }
        const stats = virtual?.stats() ?? null;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ...summary, virtual: stats }, null, 2)}\n`);
        } else {
          process.stdout.write(`${formatSummary(summary, stats)}\n`);
        }
        if (summary.writeErrors > 0)
          throw new CliError(`${summary.writeErrors} event(s) could not be written to the recording`);
        if (summary.drained === false) {
          throw new CliError('the server did not acknowledge every event; they stay in the recording', 3);
        }
      } finally {
        await central.close();
        // noble's HCI socket cannot be closed and keeps the process alive: leave once main() has returned.
        if (central.kind === 'hardware') setTimeout(() => process.exit(), 500).unref();
      }
    });
}
