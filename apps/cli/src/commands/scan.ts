import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface ScanOptions {
  adapter: string;
  duration: string;
  battery?: boolean;
  json?: boolean;
}

type ScanEntry = import('@hamstream/ingest').ScanEntry;

function table(entries: readonly ScanEntry[]): string[] {
  if (entries.length === 0) return ['(no supported sensors seen yet)'];
  const nameW = Math.max(4, ...entries.map((e) => (e.name ?? '').length));
  const lines = [
    `${'driver'.padEnd(17)}  ${'name'.padEnd(nameW)}  ${'address'.padEnd(17)}  ${'rssi'.padStart(5)}  battery`,
  ];
  for (const e of entries) {
    lines.push(
      `${e.driver.padEnd(17)}  ${(e.name ?? '').padEnd(nameW)}  ${e.address.padEnd(17)}  ${String(e.rssi).padStart(5)}  ${e.batteryPercent === null ? '-' : `${Math.round(e.batteryPercent)}%`}`,
    );
  }
  return lines;
}

export function register(program: Command): void {
  program
    .command('scan')
    .description(
      'List nearby supported sensors (WitMotion WT901, Polar H10/Verity Sense, Tindeq Progressor, RSC ' +
        'footpods): driver, name, address, RSSI and battery where readable, updating live.',
    )
    .option('-a, --adapter <spec>', 'hardware, or virtual:RECORDING[,RECORDING…]', 'hardware')
    .option('-d, --duration <s>', 'scan for this many seconds; 0 scans until Ctrl-C', '10')
    .option('--battery', 'connect briefly to each sensor that does not advertise its battery, to read it')
    .option('--json', 'print the final list as JSON instead of a live table')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  hamstream scan --duration 20 --battery\n' +
        '  hamstream scan --adapter virtual:fixtures/bridge_witmotion-wt901_thigh_clean.rec.jsonl.gz --duration 2',
    )
    .action(async (opts: ScanOptions) => {
      const durationS = Number(opts.duration);
      if (!Number.isFinite(durationS) || durationS < 0) {
        throw new CliError(`--duration: must be a number of seconds ≥ 0 (got "${opts.duration}")`);
      }
      const ingest = await import('@hamstream/ingest');
      const adapter = ingest.parseAdapterSpec(opts.adapter);
      if (!adapter.ok) throw new CliError(adapter.error);
      let central: Awaited<ReturnType<typeof ingest.loadNobleCentral>>;
      try {
        central = await ingest.loadNobleCentral({ adapter: adapter.value });
        await central.waitReady(10_000);
      } catch (e) {
        if (e instanceof ingest.BluetoothUnavailableError) throw new CliError(e.message);
        throw new CliError(e instanceof Error ? e.message : String(e));
      }
      const live = !opts.json && process.stdout.isTTY === true;
      let drawn = 0;
      let pending: ScanEntry[] | null = null;
      let timer: NodeJS.Timeout | null = null;
      const draw = (entries: readonly ScanEntry[]) => {
        const lines = table(entries);
        // Redraw in place: move up over the previous table and clear to the end of the screen.
        if (drawn > 0) process.stdout.write(`\x1b[${drawn}F\x1b[J`);
        process.stdout.write(`${lines.join('\n')}\n`);
        drawn = lines.length;
      };
      const seen = new Set<string>();
      try {
        const scan = await ingest.startSensorScan(central, {
          readBattery: opts.battery === true,
          onUpdate: (entries) => {
            if (opts.json) return;
            if (!live) {
              // Not a terminal: one line per newly seen sensor.
              for (const e of entries) {
                if (seen.has(e.id)) continue;
                seen.add(e.id);
                process.stdout.write(
                  `found ${e.driver} ${e.name ?? '(no name)'} ${e.address} ${e.rssi} dBm\n`,
                );
              }
              return;
            }
            pending = entries;
            // At most 4 redraws a second: RSSI changes with every advertisement.
            timer ??= setTimeout(() => {
              timer = null;
              if (pending) draw(pending);
            }, 250);
          },
        });
        await new Promise<void>((resolve) => {
          const done = () => {
            process.removeListener('SIGINT', done);
            process.removeListener('SIGTERM', done);
            clearTimeout(deadline);
            resolve();
          };
          const deadline = durationS > 0 ? setTimeout(done, durationS * 1000) : undefined;
          process.on('SIGINT', done);
          process.on('SIGTERM', done);
        });
        const entries = await scan.stop();
        if (timer) clearTimeout(timer);
        if (opts.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        else if (live) draw(entries);
        else process.stdout.write(`${table(entries).join('\n')}\n`);
      } finally {
        await central.close();
        // noble's HCI socket cannot be closed and keeps the process alive: leave once main() has returned.
        if (central.kind === 'hardware') setTimeout(() => process.exit(), 500).unref();
      }
    });
}
