import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface StartFlags {
  host?: string;
  port?: string;
  data?: string;
  demo?: boolean;
  speed: string;
  loop: boolean;
  logLevel: string;
  behindProxy?: boolean;
  resetAdminPassword?: boolean;
  influx?: string;
  influxSpool?: string;
  storeRaw?: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'Run the hamstream server: it receives ingest streams (socket.io /ingest), runs the metrics live, ' +
        'stores every session (recording + summary) in the data folder and serves the dashboard. ' +
        'With --demo, three in-process ingest daemons replay bundled fixtures on the virtual BLE adapter ' +
        '(a bridge session, Nordic curls with a force gauge, a runner with a +5 % cadence block): ' +
        'no Bluetooth, no database, no prompts.',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0: any free port) [default: $PORT or 8080]')
    .option(
      '-d, --data <dir>',
      'data folder (subjects, targets, sessions/<id>/recording + summary) [default: $HAMSTREAM_DATA or ./data]',
    )
    .option('--demo', 'replay the demo fixtures through in-process ingest daemons')
    .option('--speed <x>', 'demo playback speed (1 = real time)', '1')
    .option('--no-loop', 'demo: stop each fixture at its end instead of starting over')
    .option('--log-level <level>', `server log level (${LOG_LEVELS.join(', ')})`, 'warn')
    .option(
      '--behind-proxy',
      'behind a TLS-terminating reverse proxy: trust X-Forwarded-* (client address, https → Secure cookies)',
    )
    .option('--reset-admin-password', 'print a new one-time password for the admin account, then run')
    .option(
      '--influx <URL>',
      'also store every session’s results in InfluxDB 1.x, http://[user:pass@]host:port/database (created ' +
        'if missing), and answer subject history from it [default: $HAMSTREAM_INFLUX_URL; none: data folder only]',
    )
    .option('--influx-spool <dir>', 'disk spool while InfluxDB is down or slow [default: DATA/influx-spool]')
    .option(
      '--store-raw',
      'with --influx: also write every raw IMU/force sample to InfluxDB (imu_raw, force_raw; kept for the ' +
        '`traces` retention policy, 30 days by default). Only for InfluxDB: each session’s recording in the ' +
        'data folder already keeps every raw packet',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  npm start                                   # = hamstream start --demo, then open the printed URL\n' +
        '  hamstream start --demo --port 0             # the demo on any free port\n' +
        '  hamstream start --data /srv/hamstream --behind-proxy   # https via a reverse proxy on this host\n' +
        '  hamstream start --influx http://127.0.0.1:8086/hamstream   # results + history in InfluxDB\n' +
        '\nThe first start creates the account "admin" and prints its one-time password once (change it at\n' +
        'the first sign-in). --demo prints a link that signs the browser in as the demo user, who sees\n' +
        'only the simulated demo data. Listens on 127.0.0.1 unless --host says otherwise.\n' +
        '\nStop with Ctrl-C: sockets close, recordings are flushed, summaries written.',
    )
    .action(async (flags: StartFlags) => {
      const { resolveServerConfig, startHamstream } = await import('@hamstream/server');
      const config = resolveServerConfig({
        ...(flags.host !== undefined ? { host: flags.host } : {}),
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(flags.data !== undefined ? { data: flags.data } : {}),
        ...(flags.influx !== undefined ? { influx: flags.influx } : {}),
      });
      if (!config.ok) throw new CliError(config.error);
      const influxUrl = config.value.influxUrl;
      if (flags.storeRaw && influxUrl === null) {
        throw new CliError(
          '--store-raw needs --influx URL (or HAMSTREAM_INFLUX_URL): raw samples only go to InfluxDB; ' +
            'the data folder already keeps every session’s full recording',
        );
      }
      if (influxUrl !== null) {
        const { parseInfluxUrl } = await import('@hamstream/storage');
        try {
          parseInfluxUrl(influxUrl);
        } catch (e) {
          throw new CliError(`--influx: ${(e as Error).message}`);
        }
      }
      const speed = Number(flags.speed);
      if (!Number.isFinite(speed) || speed <= 0)
        throw new CliError(`--speed: a positive number (got "${flags.speed}")`);
      if (!LOG_LEVELS.includes(flags.logLevel)) {
        throw new CliError(`--log-level: one of ${LOG_LEVELS.join(', ')} (got "${flags.logLevel}")`);
      }
      let started: Awaited<ReturnType<typeof startHamstream>>;
      try {
        started = await startHamstream({
          host: config.value.host,
          port: config.value.port,
          dataDir: config.value.dataDir,
          demo: flags.demo === true,
          demoSpeed: speed,
          demoLoop: flags.loop,
          logger: { level: flags.logLevel },
          ...(flags.behindProxy ? { trustProxy: true } : {}),
          ...(flags.resetAdminPassword ? { resetAdminPassword: true } : {}),
          ...(influxUrl !== null
            ? {
                influx: {
                  url: influxUrl,
                  ...(flags.influxSpool !== undefined ? { spoolDir: flags.influxSpool } : {}),
                  ...(flags.storeRaw ? { storeRaw: true } : {}),
                },
              }
            : {}),
        });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EADDRINUSE') {
          throw new CliError(
            `port ${config.value.port} on ${config.value.host} is in use: pick another with --port N (0: any free port) or PORT=N`,
          );
        }
        if (code === 'EACCES') {
          throw new CliError(
            `not allowed to listen on ${config.value.host}:${config.value.port}: use a port ≥ 1024`,
          );
        }
        throw e;
      }
      const out = process.stdout;
      // The one-time password goes to this terminal only (never to the log).
      if (started.firstStart) {
        out.write(
          `\n  admin account: "${started.firstStart.username}", one-time password: ${started.firstStart.password}\n` +
            '  (shown once; change it at the first sign-in)\n\n',
        );
      }
      out.write(`hamstream is running: ${started.openUrl}\n`);
      out.write(`  data folder: ${started.dataDir}\n`);
      if (influxUrl !== null) {
        const raw = flags.storeRaw ? ' (with raw samples)' : '';
        out.write(`  InfluxDB: ${influxUrl.replace(/\/\/[^@/]*@/, '//')}${raw}\n`);
      }
      if (started.demo) {
        out.write(
          `  demo: ${started.demo.sessions.length} live sessions replaying fixtures at ${speed}× — open the URL above\n` +
            '  (it signs you in as the demo user: simulated data only)\n',
        );
        for (const s of started.demo.sessions) out.write(`    ${s.session}  (${s.subject})\n`);
      }
      out.write('  stop with Ctrl-C\n');

      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          process.stderr.write(`hamstream: ${signal}: shutting down…\n`);
          started.close().then(
            () => resolve(),
            (e: unknown) => {
              process.stderr.write(`hamstream: shutdown: ${e instanceof Error ? e.message : String(e)}\n`);
              resolve();
            },
          );
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
