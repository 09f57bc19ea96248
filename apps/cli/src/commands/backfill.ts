import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface BackfillOptions {
  influx?: string;
  spool?: string;
  batchSize: string;
  timeout: string;
}

export function register(program: Command): void {
  program
    .command('backfill')
    .description(
      'Load every analysed session of a local data folder into InfluxDB 1.x (switching a clinic from the ' +
        'embedded local store to InfluxDB). Safe to repeat: points are keyed by the data, so a second run ' +
        'overwrites instead of duplicating. Creates the database, retention policy and continuous queries.',
    )
    .argument('<DATA_DIR>', 'data folder holding sessions/<id>/summary.json (as `hamstream start` writes it)')
    .option(
      '--influx <URL>',
      'InfluxDB URL http://[user:pass@]host:port/database (default: env HAMSTREAM_INFLUX_URL)',
    )
    .option('--spool <DIR>', 'disk spool used while InfluxDB is unreachable (default: DATA_DIR/influx-spool)')
    .option('--batch-size <N>', 'points per write request (the sink default)', '10000')
    .option('--timeout <S>', 'seconds to wait for InfluxDB to take everything', '60')
    .addHelpText(
      'after',
      '\nExample:\n  hamstream backfill ./data --influx http://127.0.0.1:8086/hamstream\n\n' +
        'Points that could not be delivered stay in the spool and go out on the next run.',
    )
    .action(async (dataDir: string, opts: BackfillOptions) => {
      const url = opts.influx ?? process.env.HAMSTREAM_INFLUX_URL;
      if (!url) throw new CliError('no InfluxDB given: use --influx URL or set HAMSTREAM_INFLUX_URL');
      const batchSize = Number(opts.batchSize);
      const timeoutS = Number(opts.timeout);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new CliError(`--batch-size must be a positive integer`);
      if (!Number.isFinite(timeoutS) || timeoutS <= 0)
        throw new CliError('--timeout must be a positive number of seconds');
      const storage = await import('@hamstream/storage');
      try {
        storage.parseInfluxUrl(url);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const store = storage.createLocalStore(dataDir);
      if ((await store.sessionIds()).length === 0) {
        throw new CliError(`no sessions in ${path.join(dataDir, 'sessions')}`);
      }
      const spoolDir = opts.spool ?? path.join(dataDir, 'influx-spool');
      const sink = await storage.createInfluxSink({ url, spoolDir, batchSize });
      const result = await storage.backfill(store, sink, (p) => {
        process.stderr.write(`backfill: ${p.session}: ${p.points} points\n`);
      });
      const delivered = await sink.drain(timeoutS * 1000);
      await sink.close(1000);
      const st = sink.stats();
      const target = url.replace(/\/\/[^@/]*@/, '//');
      process.stdout.write(
        `backfilled ${result.sessions} session(s), ${result.points} points into ${target}` +
          (result.skipped.length
            ? `; skipped ${result.skipped.length} without a summary: ${result.skipped.join(', ')}`
            : '') +
          '\n',
      );
      if (st.rejected > 0)
        process.stderr.write(`backfill: InfluxDB refused ${st.rejected} point(s): ${st.lastError}\n`);
      if (!delivered || st.spool.points > 0) {
        throw new CliError(
          `InfluxDB did not take everything within ${timeoutS} s (${st.lastError ?? 'slow'}); ` +
            `${st.spool.points} point(s) wait in ${spoolDir} — run backfill again to deliver them`,
        );
      }
    });
}
