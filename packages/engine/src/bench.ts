/**
 * `npm run bench`: full-pipeline replay throughput (decode + time alignment + routing + metrics) on a
 * fixture's bytes, beside a plain single pass over the same decoded, timed samples doing the same
 * metric math (the same processors fed one batch per run of a sample shape), measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { CadenceReading, ForceBatch, ImuBatch, RecordingEvent, RecordingHeader } from '@hamstream/core';
import type { AngleSeries } from '@hamstream/metrics';
import { getDriver } from '@hamstream/sensors';
import { type AnalyzerOptions, createAnalyzer } from './analyzer.js';
import { PacketHexParser } from './device/packet-hex.js';
import { DEFAULT_PROCESSORS, type ProcessorFactories } from './processors.js';

type Row = { group: string; name: string; value: number; unit: string; baseline?: number; note?: string };

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures');

interface Prepared {
  header: RecordingHeader;
  /** Events as the recording reader yields them (packet data still hex: parsing it is the engine's job). */
  events: RecordingEvent[];
  /** The same with packet bytes already parsed, for `pushPacket`. */
  items: (
    | { kind: 'packet'; t: number; device: string; characteristic: string; bytes: Uint8Array }
    | { kind: 'event'; event: RecordingEvent }
  )[];
}

function prepare(name: string): Prepared {
  const lines = gunzipSync(readFileSync(path.join(FIXTURES, name)))
    .toString('utf8')
    .split('\n')
    .filter(Boolean);
  const header = JSON.parse(lines[0]!) as RecordingHeader;
  const events = lines.slice(1).map((l) => JSON.parse(l) as RecordingEvent);
  const items: Prepared['items'] = events.map((event) => {
    if (event.type !== 'packet') return { kind: 'event', event };
    // Buffers, as noble and the engine's own hex path hand them over (a Uint8Array here would make the
    // decoders' byte reads polymorphic in this process, which production never sees).
    const bytes = Buffer.from(event.data, 'hex');
    return { kind: 'packet', t: event.t, device: event.device, characteristic: event.characteristic, bytes };
  });
  return { header, events, items };
}

/**
 * The full pipeline as `hamstream analyze` runs it: every event through `push`. `live`: as the live server
 * runs it (the same events; display traces at 30 Hz, batches of ≤ 0.2 s, per-notification release).
 * Returns samples analysed.
 */
function runPipeline(p: Prepared, processors?: Partial<ProcessorFactories>, live = false): number {
  const options: AnalyzerOptions = live ? {} : { display: false };
  if (processors) options.processors = processors;
  const analyzer = createAnalyzer(p.header, options);
  for (const event of p.events) analyzer.push(event);
  analyzer.finish();
  return analyzer.output().quality.reduce((n, q) => n + q.samples, 0);
}

/** The same in batch analysis with packet bytes already parsed (`pushPacket`): the engine without the hex. */
function runPipelineBytes(p: Prepared): number {
  const analyzer = createAnalyzer(p.header, { display: false });
  for (const it of p.items) {
    if (it.kind === 'packet') analyzer.pushPacket(it.t, it.device, it.characteristic, it.bytes);
    else analyzer.push(it.event);
  }
  analyzer.finish();
  return analyzer.output().quality.reduce((n, q) => n + q.samples, 0);
}

/** What every processor instance received during one pipeline run, concatenated per instance. */
interface Captured {
  inclination: { opts: Parameters<ProcessorFactories['inclination']>[0]; batches: ImuBatch[] }[];
  reps: { activity: string; parts: AngleSeries[] }[];
  force: ForceBatch[][];
  cadence: {
    opts: Parameters<ProcessorFactories['cadenceEstimator']>[0];
    batches: ImuBatch[];
    readings: CadenceReading[];
  }[];
}

const copyImu = (b: ImuBatch): ImuBatch => ({
  device: b.device,
  count: b.count,
  tS: b.tS.slice(0, b.count),
  accMs2: b.accMs2 ? b.accMs2.slice(0, 3 * b.count) : null,
  gyroDps: b.gyroDps ? b.gyroDps.slice(0, 3 * b.count) : null,
});

function capture(p: Prepared): Captured {
  const c: Captured = { inclination: [], reps: [], force: [], cadence: [] };
  const real = DEFAULT_PROCESSORS;
  runPipeline(p, {
    inclination: (opts) => {
      const inner = real.inclination(opts);
      const rec = { opts, batches: [] as ImuBatch[] };
      c.inclination.push(rec);
      return {
        push: (b) => {
          rec.batches.push(copyImu(b));
          return inner.push(b);
        },
        reset: () => inner.reset(),
      };
    },
    repDetector: (opts) => {
      const inner = real.repDetector(opts);
      const rec = { activity: opts.activity, parts: [] as AngleSeries[] };
      c.reps.push(rec);
      return {
        push: (a) => {
          rec.parts.push({
            count: a.count,
            tS: a.tS.slice(0, a.count),
            angleDeg: a.angleDeg.slice(0, a.count),
          });
          return inner.push(a);
        },
        finish: () => inner.finish(),
      };
    },
    forceEffortDetector: () => {
      const inner = real.forceEffortDetector();
      const rec: ForceBatch[] = [];
      c.force.push(rec);
      return {
        push: (b) => {
          rec.push({ ...b, tS: b.tS.slice(0, b.count), forceN: b.forceN.slice(0, b.count) });
          return inner.push(b);
        },
        finish: () => inner.finish(),
      };
    },
    cadenceEstimator: (opts) => {
      const inner = real.cadenceEstimator(opts);
      const rec = { opts, batches: [] as ImuBatch[], readings: [] as CadenceReading[] };
      c.cadence.push(rec);
      return {
        pushImu: (b) => {
          rec.batches.push(copyImu(b));
          return inner.pushImu(b);
        },
        pushReading: (r) => {
          rec.readings.push(r);
          return inner.pushReading(r);
        },
        reset: () => inner.reset(),
      };
    },
  });
  return c;
}

/**
 * Consecutive batches of one shape (accelerometer-only, gyro-only or both) concatenated: one batch per
 * run of a shape, in order. Shapes are not merged: a processor handles an accelerometer-only stretch
 * (e.g. a Polar sensor's first frames, before its first gyro frame) differently.
 */
function concatImuRuns(batches: readonly ImuBatch[]): ImuBatch[] {
  const out: ImuBatch[] = [];
  const shape = (b: ImuBatch) => (b.accMs2 ? 1 : 0) + (b.gyroDps ? 2 : 0);
  for (let i = 0; i < batches.length; ) {
    let j = i + 1;
    while (j < batches.length && shape(batches[j]!) === shape(batches[i]!)) j++;
    const run = concatImu(batches.slice(i, j));
    if (run) out.push(run);
    i = j;
  }
  return out;
}

/** Batches of one shape concatenated into one. */
function concatImu(batches: readonly ImuBatch[]): ImuBatch | null {
  const n = batches.reduce((s, b) => s + b.count, 0);
  if (n === 0) return null;
  const hasAcc = batches[0]!.accMs2 !== null;
  const hasGyro = batches[0]!.gyroDps !== null;
  const out: ImuBatch = {
    device: batches[0]!.device,
    count: n,
    tS: new Float64Array(n),
    accMs2: hasAcc ? new Float64Array(3 * n) : null,
    gyroDps: hasGyro ? new Float64Array(3 * n) : null,
  };
  let o = 0;
  for (const b of batches) {
    out.tS.set(b.tS, o);
    if (out.accMs2 && b.accMs2) out.accMs2.set(b.accMs2, 3 * o);
    if (out.gyroDps && b.gyroDps) out.gyroDps.set(b.gyroDps, 3 * o);
    o += b.count;
  }
  return out;
}

function concat1(parts: readonly { count: number; tS: Float64Array }[], values: (i: number) => Float64Array) {
  const n = parts.reduce((s, p) => s + p.count, 0);
  const tS = new Float64Array(n);
  const v = new Float64Array(n);
  let o = 0;
  parts.forEach((p, i) => {
    tS.set(p.tS, o);
    v.set(values(i), o);
    o += p.count;
  });
  return { n, tS, v };
}

/** Every processor instance's input of one pipeline run, concatenated into one batch each. */
interface PlainInput {
  inclination: { opts: Parameters<ProcessorFactories['inclination']>[0]; batches: ImuBatch[] }[];
  reps: { activity: string; angles: AngleSeries }[];
  force: ForceBatch[];
  cadence: {
    opts: Parameters<ProcessorFactories['cadenceEstimator']>[0];
    batches: ImuBatch[];
    readings: CadenceReading[];
  }[];
}

/** Concatenates what the processors received (done once, outside the timing: it is not the math). */
function plainInput(c: Captured): PlainInput {
  const out: PlainInput = { inclination: [], reps: [], force: [], cadence: [] };
  for (const inc of c.inclination) {
    const batches = concatImuRuns(inc.batches);
    if (batches.length > 0) out.inclination.push({ opts: inc.opts, batches });
  }
  for (const r of c.reps) {
    const { n, tS, v } = concat1(r.parts, (i) => r.parts[i]!.angleDeg);
    out.reps.push({ activity: r.activity, angles: { count: n, tS, angleDeg: v } });
  }
  for (const f of c.force) {
    const { n, tS, v } = concat1(f, (i) => f[i]!.forceN);
    out.force.push({ device: 'f', count: n, tS, forceN: v });
  }
  for (const ce of c.cadence) {
    out.cadence.push({ opts: ce.opts, batches: concatImuRuns(ce.batches), readings: ce.readings });
  }
  return out;
}

/**
 * The same processors over the same decoded, timed samples in one pass: each processor instance gets
 * everything it received in the pipeline run as one batch per run of a sample shape (no decoding,
 * timing, routing or batching).
 * Returns a count that depends on the results, so nothing is optimised away.
 */
function plainLoop(input: PlainInput): number {
  const P = DEFAULT_PROCESSORS;
  let sink = 0;
  for (const inc of input.inclination) {
    const estimator = P.inclination(inc.opts);
    for (const b of inc.batches) sink += estimator.push(b).count;
  }
  for (const r of input.reps) {
    const d = P.repDetector({ activity: r.activity });
    sink += d.push(r.angles).length + d.finish().length;
  }
  for (const f of input.force) {
    const d = P.forceEffortDetector();
    sink += d.push(f).length + d.finish().length;
  }
  for (const ce of input.cadence) {
    const e = P.cadenceEstimator(ce.opts);
    for (const b of ce.batches) sink += e.pushImu(b).length;
    for (const r of ce.readings) sink += e.pushReading(r).length;
  }
  return sink;
}

/**
 * The drivers' decoders alone over the same bytes, each notification through the fastest path its driver
 * offers (as the engine calls them: `decodeImuInto` / `decodeForceInto` where they accept it, else
 * `decodeTransient`). A floor for the decoding any pipeline must do.
 */
function decodeOnly(p: Prepared): number {
  const decoders = new Map(p.header.devices.map((d) => [d.id, getDriver(d.driver)?.createDecoder(d.config)]));
  const a = new Float64Array(3 * 256);
  const b = new Float64Array(3 * 256);
  let samples = 0;
  for (const it of p.items) {
    if (it.kind !== 'packet') continue;
    const decoder = decoders.get(it.device);
    if (!decoder) continue;
    const into =
      decoder.decodeImuInto?.(it.characteristic, it.bytes, a, b, 0) ??
      decoder.decodeForceInto?.(it.characteristic, it.bytes, a, b, 0) ??
      -1;
    if (into >= 0) {
      samples += into;
      continue;
    }
    const result = decoder.decodeTransient
      ? decoder.decodeTransient(it.characteristic, it.bytes)
      : decoder.decode(it.characteristic, it.bytes);
    for (const item of result.items) {
      if (item.kind === 'acc' || item.kind === 'force') samples += item.count;
      else if (item.kind === 'rsc') samples++;
    }
  }
  return samples;
}

/**
 * Parsing the recording's packet hex alone, with the engine's own parser: a cost every replay of a
 * recording pays before any decoding.
 */
function hexOnly(p: Prepared): number {
  const parser = new PacketHexParser();
  let bytes = 0;
  for (const event of p.events) {
    if (event.type === 'packet') bytes += parser.parse(event.data)?.length ?? 0;
  }
  return bytes;
}

/** Process CPU time, s (user + system, all of this process's threads: GC helpers count too). */
function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * CPU seconds per call of each function, best of several timed repetitions, interleaved so that load on
 * the shared machine hits them alike. Each repetition runs a function for ≥ 50 ms of CPU time (the
 * kernel accounts CPU time in ticks). Single-threaded code measured in process CPU time: per core.
 */
function measure(fns: readonly (() => number)[], totalS = 3): number[] {
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  const reps = fns.map((fn) => {
    const t0 = cpuS();
    fn();
    return Math.max(1, Math.ceil(0.05 / Math.max(1e-6, cpuS() - t0)));
  });
  const until = cpuS() + totalS;
  let sink = 0;
  do {
    fns.forEach((fn, k) => {
      const t0 = cpuS();
      for (let r = 0; r < reps[k]!; r++) sink += fn();
      best[k] = Math.min(best[k]!, (cpuS() - t0) / reps[k]!);
    });
  } while (cpuS() < until);
  return sink === Number.MIN_VALUE ? [] : best;
}

/** The fixtures replayed, each with its label. */
const CASES = [
  ['prone-hamstring-curl_witmotion-wt901_shank_clean.rec.jsonl.gz', 'WitMotion curls'],
  ['standing-hamstring-curl_polar-pmd_shank_clean.rec.jsonl.gz', 'Polar Verity curls'],
  ['run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_clean.rec.jsonl.gz', 'running, 3 sensors'],
  ['nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_hard.rec.jsonl.gz', 'Nordic + Tindeq (hard)'],
] as const;

/** One case's rows, measured in this thread. */
function benchCase(file: string, label: string): Row[] {
  const rows: Row[] = [];
  const report = (row: Row) => rows.push(row);
  const prepared = prepare(file);
  const plain = plainInput(capture(prepared));
  const samples = runPipeline(prepared);
  const [fullS, plainS, bytesS, decodeS, liveS, hexS] = measure([
    () => runPipeline(prepared),
    () => plainLoop(plain),
    () => runPipelineBytes(prepared),
    () => decodeOnly(prepared),
    () => runPipeline(prepared, undefined, true),
    () => hexOnly(prepared),
  ]) as [number, number, number, number, number, number];
  const rate = (s: number) => (samples / s / 1e6).toFixed(2);
  const baselineNote = 'baseline: the same processors over the same decoded, timed samples in one pass';
  report({
    group: 'engine replay',
    name: `${label}: events`,
    value: samples / fullS,
    unit: 'samples/s',
    baseline: samples / plainS,
    note: `push(event) as \`hamstream analyze\` runs, hex parsing included; per CPU-second, best of interleaved runs; ${baselineNote}`,
  });
  report({
    group: 'engine replay',
    name: `${label}: bytes`,
    value: samples / bytesS,
    unit: 'samples/s',
    baseline: samples / plainS,
    note: `pushPacket with bytes already parsed, batch analysis (display off: 2 s batches, timing in runs); ${samples} samples`,
  });
  report({
    group: 'engine replay',
    name: `${label}: live`,
    value: samples / liveS,
    unit: 'samples/s',
    baseline: samples / plainS,
    note: 'push(event) as the live server runs it (display traces, 0.2 s batches, per-notification timing)',
  });
  // What `events` could reach if time alignment, routing and batching cost nothing: the plain loop plus
  // the two costs no replay of a recording avoids (its hex, the drivers' decoding), all from this run.
  report({
    group: 'engine replay',
    name: `${label}: events ceiling`,
    value: samples / (plainS + hexS + decodeS),
    unit: 'samples/s',
    baseline: samples / plainS,
    note: `baseline + hex parsing alone (${rate(hexS)} M/s) + decoding alone (${rate(decodeS)} M/s): the most any replay of the recording through these decoders could reach`,
  });
  return rows;
}

/**
 * Each case runs in a process of its own, as `hamstream analyze` would: a fresh JIT, so that a case's
 * figures do not depend on which fixtures ran before it (type feedback left by one sensor's data sped
 * the next case's plain loop up by 1.6×). Worker threads were tried first: their ratios swung 0.47–0.69
 * between identical runs, fresh processes' by a few hundredths.
 */
export async function bench(report: (row: Row) => void): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  for (let k = 0; k < CASES.length; k++) {
    const out = execFileSync(process.execPath, [self], {
      env: { ...process.env, [CASE_ENV]: String(k) },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    for (const row of JSON.parse(out) as Row[]) report(row);
  }
}

/** Set in the child process: the index of the case it measures. */
const CASE_ENV = 'HAMSTREAM_ENGINE_BENCH_CASE';
const caseIndex = process.env[CASE_ENV];
if (caseIndex !== undefined) {
  const entry = CASES[Number(caseIndex)];
  if (!entry) throw new Error(`${CASE_ENV}=${caseIndex}: no such case`);
  process.stdout.write(JSON.stringify(benchCase(entry[0], entry[1])));
}
