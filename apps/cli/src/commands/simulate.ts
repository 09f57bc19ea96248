import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface SimulateOptions {
  out?: string;
  seed?: string;
  duration?: string;
  list: boolean;
  json: boolean;
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'Write a simulated recording: physics-based segment motion seen by sensors strapped at random ' +
        'orientations, encoded byte-exact as each driver sends it (WitMotion, Polar PMD, Tindeq, RSC), with ' +
        'BLE timing, loss and reconnects, plus its ground truth in a .labels.json sidecar. ' +
        'Same scenario + seed → byte-identical files.',
    )
    .argument(
      '[scenario]',
      'scenario name (see --list), or an activity name for its clean scenario, e.g. "bridge"',
    )
    .option(
      '-o, --out <file>',
      'output recording, *.rec.jsonl or *.rec.jsonl.gz (labels are written beside it)',
    )
    .option('--seed <n>', 'random seed (default: the seed of the committed fixture)')
    .option(
      '--duration <s>',
      "approximate length in seconds: sets are added or dropped to fit (default: the scenario's own)",
    )
    .option('--list', 'list the scenarios and exit', false)
    .option('--json', 'with --list: print JSON', false)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hamstream simulate --list\n' +
        '  $ hamstream simulate bridge_witmotion-wt901_thigh_clean --out /tmp/bridge.rec.jsonl.gz\n' +
        '  $ hamstream simulate nordic-curl --seed 42 --duration 90 --out nordic.rec.jsonl',
    )
    .action(async (scenario: string | undefined, opts: SimulateOptions) => {
      const sim = await import('@hamstream/simulator');
      if (opts.list) {
        if (opts.json) {
          const rows = sim.SCENARIOS.map((s) => ({
            name: s.name,
            activity: s.activity,
            variant: s.difficulty,
            demo: s.demo ?? false,
            seed: s.defaultSeed,
            description: s.description,
          }));
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const width = Math.max(...sim.SCENARIOS.map((s) => s.name.length));
        for (const s of sim.SCENARIOS) {
          process.stdout.write(`${s.name.padEnd(width)}  ${s.demo ? '[demo] ' : ''}${s.description}\n`);
        }
        return;
      }
      if (!scenario) throw new CliError('give a scenario name (hamstream simulate --list shows them)');
      const def =
        sim.findScenario(scenario) ??
        sim.SCENARIOS.find((s) => s.activity === scenario && s.difficulty === 'clean') ??
        (() => {
          const matches = sim.SCENARIOS.filter((s) => s.name.startsWith(scenario));
          return matches.length === 1 ? matches[0] : undefined;
        })();
      if (!def) throw new CliError(`unknown scenario "${scenario}" (hamstream simulate --list shows them)`);
      if (!opts.out) throw new CliError('--out FILE is required (e.g. --out session.rec.jsonl.gz)');
      if (!/\.rec\.jsonl(\.gz)?$/.test(opts.out))
        throw new CliError(`--out must end in .rec.jsonl or .rec.jsonl.gz, got "${opts.out}"`);
      const seed = opts.seed === undefined ? undefined : Number(opts.seed);
      if (seed !== undefined && !Number.isInteger(seed))
        throw new CliError(`--seed must be an integer, got "${opts.seed}"`);
      const durationS = positiveNumber('--duration', opts.duration);
      const rec = sim.generateFromDefinition(def, {
        ...(seed !== undefined ? { seed } : {}),
        ...(durationS !== undefined ? { durationS } : {}),
      });
      const { recordingPath, labelsPath } = await sim.writeGeneratedRecording(opts.out, rec);
      const last = rec.events[rec.events.length - 1];
      const reps = rec.labels.sets.reduce((n, s) => n + s.reps.length, 0);
      process.stdout.write(
        `${recordingPath}: ${def.name} seed ${seed ?? def.defaultSeed}, ${rec.events.length} events, ` +
          `${((last?.t ?? 0) / 1000).toFixed(1)} s, ${rec.header.devices.length} device(s), ${rec.labels.sets.length} labelled set(s), ${reps} rep(s)\n` +
          `${labelsPath}: ground truth\n`,
      );
    });
}
