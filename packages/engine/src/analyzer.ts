import type {
  AnalyzeOutput,
  AsymmetryResult,
  CadenceReading,
  DeviceInfo,
  ForceBatch,
  ImuBatch,
  RecordingEvent,
  RecordingHeader,
  RepResult,
  SampleEvent,
  SetResult,
} from '@hamstream/core';
import type {
  AngleSeries,
  CadenceEstimate,
  CadenceEstimator,
  ForceEffortDetector,
  InclinationEstimator,
  RepDetector,
} from '@hamstream/metrics';
import type { SensorDriver } from '@hamstream/sensors';
import { getDriver as registryGetDriver } from '@hamstream/sensors';
import { type ActivityPeriod, ActivityTimeline } from './activity/activity-timeline.js';
import { setRoleFor } from './activity/set-role.js';
import {
  ANALYSIS_BATCH_LIMITS,
  type BatchLimits,
  ForceBatcher,
  ImuBatcher,
  LIVE_BATCH_LIMITS,
} from './device/batcher.js';
import { DeviceInput, type DeviceSink } from './device/device-input.js';
import { PacketHexParser } from './device/packet-hex.js';
import { OutputBuilder } from './output/output-builder.js';
import { finiteOrNull, sanitizeRep, sanitizeSummary } from './output/sanitize.js';
import { DEFAULT_PROCESSORS, type ProcessorFactories } from './processors.js';
import type { StreamGap } from './timing/stream-clock.js';
import type { DataKind, EngineUpdate, EngineWarningCode, SetId, SetRole } from './types.js';

export interface AnalyzerOptions {
  /** Cadence baseline, steps/min; without it the first steady minute becomes the baseline. */
  baselineSpm?: number;
  /** Display traces (`angle`, `force` updates); false for batch analysis. Default 30 Hz each. */
  display?: false | { angleHz?: number; forceHz?: number };
  /** Data seconds between a device's `quality` updates. Default 1. */
  qualityEveryS?: number;
  /** Replace metric processors (tests). */
  processors?: Partial<ProcessorFactories>;
  /** Driver lookup (tests); default: the @hamstream/sensors registry. */
  getDriver?: (id: string) => SensorDriver | undefined;
  /**
   * Every aligned sample as it goes to the metric processors (timeline times, gaps already split out),
   * for raw storage (`--store-raw`). Called synchronously; the batches' arrays are the engine's buffers,
   * valid during the call only (copy or serialise what you keep). Not part of the update stream, which
   * stays plain JSON.
   */
  rawSamples?: RawSampleSink;
}

/** Receives the aligned samples (see AnalyzerOptions.rawSamples). */
export interface RawSampleSink {
  imu(batch: ImuBatch): void;
  force(batch: ForceBatch): void;
}

/**
 * The engine as a plain synchronous state machine: recording events in, updates out. Nothing here
 * reads a clock or sets a timer: every time is the data's own, so a recording analysed at full speed
 * and the same events arriving live give identical results.
 */
export interface Analyzer {
  /** Feeds one event; returns the updates it caused (possibly none). */
  push(event: RecordingEvent): readonly EngineUpdate[];
  /** Feeds one notification whose bytes are already parsed (`tMs`: as the event's `t`). */
  pushPacket(tMs: number, device: string, characteristic: string, bytes: Uint8Array): readonly EngineUpdate[];
  /** End of data: closes open sets, flushes buffers; returns the last updates, ending with `end`. */
  finish(): readonly EngineUpdate[];
  /** The analyze document so far (complete after `finish`). */
  output(): AnalyzeOutput;
}

const NO_UPDATES: readonly EngineUpdate[] = Object.freeze([]) as readonly EngineUpdate[];
/** A set still open this long (data time) after its period ended is closed even if its device fell silent. */
const SET_CLOSE_GRACE_S = 15;
/** A gait device's cadence restarts when its data resumes after this much time outside gait periods, s. */
const CADENCE_RESUME_S = 1;
/** Batch analysis: clock-less streams are timed in runs of about this much data, s. */
const ANALYSIS_HOST_RELEASE_CHUNK_S = 2;

export function createAnalyzer(header: RecordingHeader, options: AnalyzerOptions = {}): Analyzer {
  return new Engine(header, options);
}

type Feed = 'angle' | 'imu' | 'force' | 'reading';

interface SetState {
  id: SetId;
  dev: DeviceState;
  period: ActivityPeriod;
  role: SetRole;
  feed: Feed;
  activity: string;
  side: SetResult['side'];
  reps: RepResult[];
  repDetector: RepDetector | null;
  forceDetector: ForceEffortDetector | null;
  closed: boolean;
  /** Isometric sets: the period's angle trace, the gauge's efforts, how many became reps. */
  isometric: IsometricState | null;
}

interface IsometricState {
  tS: Float64Array;
  angleDeg: Float64Array;
  n: number;
  efforts: RepResult[];
  done: number;
  /** Closing waits until the period's force sets are closed (their last effort may still come). */
  closeRequested: boolean;
}

class DeviceState implements DeviceSink {
  readonly input: DeviceInput;
  inclination: InclinationEstimator | null = null;
  inclinationFailed = false;
  cadence: CadenceEstimator | null = null;
  cadenceFailed = false;
  lastCadenceDataS = Number.NEGATIVE_INFINITY;
  /** Per feed: the period index its data reached (search hint). */
  readonly hint: Record<Feed, number> = { angle: -1, imu: -1, force: -1, reading: -1 };
  /** Per period index: its set for this device, or null when the device makes none there. */
  readonly sets = new Map<number, SetState | null>();
  setCount = 0;
  nextAngleS = Number.NEGATIVE_INFINITY;
  nextForceS = Number.NEGATIVE_INFINITY;
  nextQualityS = Number.NEGATIVE_INFINITY;
  private readonly imuBatcher: ImuBatcher;
  private readonly forceBatcher: ForceBatcher;

  constructor(
    readonly info: DeviceInfo,
    driver: SensorDriver | null,
    private readonly engine: Engine,
  ) {
    this.input = new DeviceInput(info, driver, this, engine.hostReleaseChunkS);
    this.imuBatcher = new ImuBatcher(info.id, (b) => engine.onImu(this, b), engine.batchLimits);
    this.forceBatcher = new ForceBatcher(info.id, (b) => engine.onForce(this, b), engine.batchLimits);
  }

  imu(
    tS: Float64Array,
    tFrom: number,
    accMs2: Float64Array | null,
    gyroDps: Float64Array | null,
    vFrom: number,
    n: number,
  ): void {
    this.imuBatcher.push(tS, tFrom, accMs2, gyroDps, vFrom, n);
  }
  force(tS: Float64Array, tFrom: number, forceN: Float64Array, vFrom: number, n: number): void {
    this.forceBatcher.push(tS, tFrom, forceN, vFrom, n);
  }
  reading(reading: CadenceReading): void {
    this.engine.onReading(this, reading);
  }
  gap(gap: StreamGap): void {
    // Everything before the hole is processed before the processors hear of it.
    this.flushBatches();
    this.engine.onGap(this, gap);
  }
  flushBatches(): void {
    this.imuBatcher.flush();
    this.forceBatcher.flush();
  }
  warning(code: EngineWarningCode, message: string): void {
    this.engine.warnOnce(this.info.id, code, message);
  }
  battery(percent: number | null, volts: number | null): void {
    this.engine.emit({
      type: 'battery',
      device: this.info.id,
      tS: this.engine.nowS,
      percent: finiteOrNull(percent),
      volts: finiteOrNull(volts),
    });
  }
}

class Engine implements Analyzer {
  nowS = 0;
  /** Larger batches when nobody watches the trace (`display: false`). */
  readonly batchLimits: BatchLimits;
  /** Clock-less sensors' notifications timed in runs when nobody watches the trace (same times). */
  readonly hostReleaseChunkS: number;
  private out: EngineUpdate[] = [];
  private readonly builder: OutputBuilder;
  private readonly timeline: ActivityTimeline;
  private readonly devices = new Map<string, DeviceState>();
  private readonly processors: ProcessorFactories;
  private readonly openSets: SetState[] = [];
  private readonly closedSets: SetState[] = [];
  private nextCloseCheckS = Number.POSITIVE_INFINITY;
  private readonly warned = new Set<string>();
  private readonly angleStepS: number;
  private readonly forceStepS: number;
  private readonly qualityEveryS: number;
  private lastAsymmetry = '';
  private finished = false;
  private readonly packetHex = new PacketHexParser();

  constructor(
    header: RecordingHeader,
    private readonly options: AnalyzerOptions,
  ) {
    this.builder = new OutputBuilder(header);
    this.timeline = new ActivityTimeline(header.activity);
    this.processors = { ...DEFAULT_PROCESSORS, ...options.processors };
    const display = options.display;
    this.angleStepS = display === false ? Number.POSITIVE_INFINITY : 1 / (display?.angleHz ?? 30);
    this.forceStepS = display === false ? Number.POSITIVE_INFINITY : 1 / (display?.forceHz ?? 30);
    this.qualityEveryS = options.qualityEveryS ?? 1;
    this.batchLimits = display === false ? ANALYSIS_BATCH_LIMITS : LIVE_BATCH_LIMITS;
    this.hostReleaseChunkS = display === false ? ANALYSIS_HOST_RELEASE_CHUNK_S : 0;
    const lookup = options.getDriver ?? registryGetDriver;
    for (const info of header.devices) {
      const driver = info.driver === 'imported' ? null : findDriver(lookup, info.driver);
      const dev = new DeviceState(info, driver, this);
      this.devices.set(info.id, dev);
    }
  }

  // --- public API ------------------------------------------------------------------------------

  push(event: RecordingEvent): readonly EngineUpdate[] {
    if (this.finished) return NO_UPDATES;
    this.advance(event.t);
    switch (event.type) {
      case 'packet': {
        const dev = this.device(event.device);
        if (dev) this.packet(dev, event.characteristic, this.packetHex.parse(event.data));
        break;
      }
      case 'sample': {
        const dev = this.device(event.device);
        if (dev) this.sample(dev, event);
        break;
      }
      case 'mark': {
        const period = this.timeline.mark(this.nowS, event.activity, event.side);
        this.emit({ type: 'activity', tS: period.startS, activity: period.activity, side: period.side });
        this.updateCloseDeadline();
        break;
      }
      case 'connect':
      case 'disconnect': {
        const dev = this.device(event.device);
        if (!dev) break;
        if (event.type === 'disconnect') {
          dev.input.disconnect();
          dev.flushBatches();
        }
        this.emit({
          type: 'connection',
          device: dev.info.id,
          tS: this.nowS,
          state: event.type === 'connect' ? 'connected' : 'disconnected',
          reason: event.reason ?? null,
        });
        break;
      }
      default:
        // Readers ignore event types they do not know (recording-format.md).
        break;
    }
    this.closeOverdueSets();
    return this.take();
  }

  pushPacket(
    tMs: number,
    device: string,
    characteristic: string,
    bytes: Uint8Array,
  ): readonly EngineUpdate[] {
    if (this.finished) return NO_UPDATES;
    this.advance(tMs);
    const dev = this.device(device);
    if (dev) this.packet(dev, characteristic, bytes);
    this.closeOverdueSets();
    return this.take();
  }

  finish(): readonly EngineUpdate[] {
    if (this.finished) return NO_UPDATES;
    this.finished = true;
    for (const dev of this.devices.values()) {
      dev.input.finish();
      dev.flushBatches();
    }
    const endS = this.nowS;
    for (const set of [...this.openSets]) this.closeSet(set, endS);
    for (const dev of this.devices.values()) this.emitQuality(dev);
    this.emitAsymmetry();
    this.emit({ type: 'end', durationS: this.nowS });
    return this.take();
  }

  output(): AnalyzeOutput {
    return this.builder.build();
  }

  // --- events ----------------------------------------------------------------------------------

  private advance(tMs: number): void {
    const tS = tMs / 1000;
    if (tS > this.nowS) this.nowS = tS;
  }

  private device(id: string): DeviceState | undefined {
    const dev = this.devices.get(id);
    if (!dev)
      this.warnOnce(id, 'unknown-device', `events for device "${id}", which the header does not declare`);
    return dev;
  }

  private packet(dev: DeviceState, characteristic: string, bytes: Uint8Array | null): void {
    if (!dev.input.hasDecoder) {
      this.warnOnce(
        dev.info.id,
        'unknown-driver',
        `no decoder for driver "${dev.info.driver}": its packets are counted as decode errors`,
      );
    } else if (bytes === null) {
      this.warnOnce(dev.info.id, 'bad-hex', 'a packet whose data is not hex was counted as a decode error');
    }
    dev.input.packet(this.nowS, characteristic, bytes);
    this.maybeQuality(dev);
  }

  private sample(dev: DeviceState, event: SampleEvent): void {
    dev.input.sample(event);
    this.maybeQuality(dev);
  }

  // --- device data (DeviceSink callbacks) -----------------------------------------------------

  onImu(dev: DeviceState, batch: ImuBatch): void {
    if (batch.count === 0) return;
    const raw = this.options.rawSamples;
    if (raw) this.toRaw(dev, () => raw.imu(batch));
    // Cadence from the raw IMU data, in gait periods.
    this.route(dev, 'imu', batch.tS, batch.count, 'imu', (set, from, to) => {
      if (set.role === 'cadence') this.pushCadenceImu(dev, sliceImu(batch, from, to));
    });
    // Inclination, always (display, and the movement plane is learned from every movement).
    if (!dev.inclination && !dev.inclinationFailed) {
      dev.inclination = this.guard(dev, 'inclination', () =>
        this.processors.inclination({ placement: dev.info.placement, rateHz: dev.info.config.rateHz }),
      );
      if (!dev.inclination) dev.inclinationFailed = true;
    }
    const estimator = dev.inclination;
    if (!estimator) return;
    const angles = this.guard(dev, 'inclination', () => estimator.push(batch));
    if (!angles) {
      dev.inclination = null;
      dev.inclinationFailed = true;
      return;
    }
    if (angles.count === 0) return;
    this.displayAngles(dev, angles);
    this.route(dev, 'angle', angles.tS, angles.count, 'imu', (set, from, to) => {
      if (set.role === 'isometric') {
        this.addIsometricAngles(set, angles, from, to);
      } else if (set.role === 'reps' && set.repDetector) {
        const detector = set.repDetector;
        const part = sliceAngles(angles, from, to);
        const reps = this.guard(dev, 'reps', () => detector.push(part));
        if (reps) this.addReps(set, reps);
        else set.repDetector = null;
      }
    });
  }

  onForce(dev: DeviceState, batch: ForceBatch): void {
    if (batch.count === 0) return;
    const raw = this.options.rawSamples;
    if (raw) this.toRaw(dev, () => raw.force(batch));
    this.displayForce(dev, batch);
    this.route(dev, 'force', batch.tS, batch.count, 'force', (set, from, to) => {
      if (set.role === 'force' && set.forceDetector) {
        const detector = set.forceDetector;
        const part = sliceForce(batch, from, to);
        const reps = this.guard(dev, 'force', () => detector.push(part));
        if (reps) this.addReps(set, reps);
        else set.forceDetector = null;
      }
    });
  }

  onReading(dev: DeviceState, reading: CadenceReading): void {
    const tS = new Float64Array([reading.tS]);
    this.route(dev, 'reading', tS, 1, 'cadence', (set) => {
      if (set.role !== 'cadence') return;
      const estimator = this.cadenceEstimator(dev, reading.tS);
      if (!estimator) return;
      const estimates = this.guard(dev, 'cadence', () => estimator.pushReading(reading));
      if (estimates) this.addCadence(dev, estimates);
      else dev.cadence = null;
    });
  }

  onGap(dev: DeviceState, gap: StreamGap): void {
    this.emit({
      type: 'gap',
      device: dev.info.id,
      fromS: Number.isFinite(gap.fromS) ? gap.fromS : gap.toS,
      toS: gap.toS,
      lostSamples: gap.lostSamples,
      cause: gap.cause,
      late: gap.late,
    });
    if (gap.late) return;
    // Never bridge a gap: the fused state and the cadence window restart after it.
    const inclination = dev.inclination;
    if (inclination) this.guard(dev, 'inclination', () => inclination.reset());
    const cadence = dev.cadence;
    if (cadence) this.guard(dev, 'cadence', () => cadence.reset());
  }

  // --- sets ------------------------------------------------------------------------------------

  /**
   * Splits a device's time series by activity period and hands each part to the device's set for that
   * period (created on first data). Sets fed by this feed whose period the data has passed are closed.
   */
  private route(
    dev: DeviceState,
    feed: Feed,
    tS: Float64Array,
    count: number,
    kind: DataKind,
    use: (set: SetState, from: number, to: number) => void,
  ): void {
    const periods = this.timeline.periods;
    let i = 0;
    while (i < count) {
      const p = this.timeline.indexAt(tS[i]!, dev.hint[feed]);
      let j: number;
      if (p < 0) {
        const firstStart = periods.length > 0 ? periods[0]!.startS : Number.POSITIVE_INFINITY;
        j = i + 1;
        while (j < count && tS[j]! < firstStart) j++;
      } else {
        dev.hint[feed] = p;
        const endS = periods[p]!.endS;
        j = tS[count - 1]! < endS ? count : i + 1;
        while (j < count && tS[j]! < endS) j++;
        const set = this.setFor(dev, periods[p]!, kind, feed);
        if (set && !set.closed) use(set, i, j);
      }
      i = j;
    }
    const lastS = tS[count - 1]!;
    for (let k = this.openSets.length - 1; k >= 0; k--) {
      // Closing a gauge's set may close the period's isometric sets too: the list can shrink under us.
      const set = this.openSets[k];
      if (set !== undefined && set.dev === dev && set.feed === feed && set.period.endS <= lastS)
        this.closeSet(set, set.period.endS);
    }
  }

  private setFor(dev: DeviceState, period: ActivityPeriod, kind: DataKind, feed: Feed): SetState | null {
    const known = dev.sets.get(period.index);
    if (known !== undefined) return known;
    const role = period.activity === null ? null : setRoleFor(period.activity, dev.info, kind, period.side);
    if (role === null || period.activity === null) {
      dev.sets.set(period.index, null);
      return null;
    }
    const set: SetState = {
      id: `${dev.info.id}#${dev.setCount++}`,
      dev,
      period,
      role,
      feed: role === 'reps' || role === 'isometric' ? 'angle' : role === 'force' ? 'force' : feed,
      activity: period.activity,
      side: period.side ?? dev.info.side,
      reps: [],
      repDetector: null,
      forceDetector: null,
      closed: false,
      isometric: null,
    };
    if (role === 'isometric') {
      set.isometric = {
        tS: new Float64Array(1024),
        angleDeg: new Float64Array(1024),
        n: 0,
        efforts: this.effortsOfPeriod(period),
        done: 0,
        closeRequested: false,
      };
    } else if (role === 'reps') {
      const activity = period.activity;
      set.repDetector = this.guard(dev, 'reps', () => this.processors.repDetector({ activity }));
    } else if (role === 'force') {
      set.forceDetector = this.guard(dev, 'force', () => this.processors.forceEffortDetector());
    }
    dev.sets.set(period.index, set);
    this.openSets.push(set);
    this.updateCloseDeadline();
    this.emit({
      type: 'set-start',
      setId: set.id,
      device: dev.info.id,
      activity: set.activity,
      side: set.side,
      startS: period.startS,
      role,
    });
    return set;
  }

  private addReps(set: SetState, reps: readonly RepResult[]): void {
    for (const raw of reps) {
      const rep = sanitizeRep(raw);
      if (!rep) continue;
      set.reps.push(rep);
      this.emit({ type: 'rep', setId: set.id, device: set.dev.info.id, repIndex: set.reps.length - 1, rep });
      if (set.role === 'force') {
        for (const iso of this.openSets) {
          if (iso.isometric && iso.period === set.period) {
            iso.isometric.efforts.push(rep);
            this.processIsometric(iso, false);
          }
        }
      }
    }
  }

  // --- isometric sets ----------------------------------------------------------------------------

  /** Efforts already found by the period's force gauges (a set created late must not miss them). */
  private effortsOfPeriod(period: ActivityPeriod): RepResult[] {
    const efforts: RepResult[] = [];
    for (const d of this.devices.values()) {
      const s = d.sets.get(period.index);
      if (s && s.role === 'force') efforts.push(...s.reps);
    }
    return efforts.sort((a, b) => a.startS - b.startS);
  }

  private addIsometricAngles(set: SetState, angles: AngleSeries, from: number, to: number): void {
    const iso = set.isometric!;
    const need = iso.n + (to - from);
    if (need > iso.tS.length) {
      let cap = iso.tS.length;
      while (cap < need) cap *= 2;
      const t = new Float64Array(cap);
      t.set(iso.tS.subarray(0, iso.n));
      const a = new Float64Array(cap);
      a.set(iso.angleDeg.subarray(0, iso.n));
      iso.tS = t;
      iso.angleDeg = a;
    }
    iso.tS.set(angles.tS.subarray(from, to), iso.n);
    iso.angleDeg.set(angles.angleDeg.subarray(from, to), iso.n);
    iso.n = need;
    this.processIsometric(set, false);
  }

  /**
   * Turns the gauge's efforts into reps of the limb's sensor once its angles cover them: the range of
   * the limb's inclination during the effort (an ideal isometric effort has none).
   */
  private processIsometric(set: SetState, all: boolean): void {
    const iso = set.isometric!;
    const lastS = iso.n > 0 ? iso.tS[iso.n - 1]! : Number.NEGATIVE_INFINITY;
    while (iso.done < iso.efforts.length) {
      const effort = iso.efforts[iso.done]!;
      if (!all && effort.endS > lastS) break;
      iso.done++;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      let startAngle = Number.NaN;
      let peak = Number.NaN;
      for (let i = 0; i < iso.n; i++) {
        const t = iso.tS[i]!;
        if (t < effort.startS) continue;
        if (t > effort.endS) break;
        const a = iso.angleDeg[i]!;
        if (Number.isNaN(startAngle)) startAngle = a;
        if (a < lo) lo = a;
        if (a > hi) hi = a;
        if (Number.isNaN(peak) || Math.abs(a - startAngle) > Math.abs(peak - startAngle)) peak = a;
      }
      if (hi < lo) continue;
      this.addReps(set, [
        {
          startS: effort.startS,
          endS: effort.endS,
          romDeg: hi - lo,
          peakDeg: peak,
          concentricS: effort.concentricS,
          eccentricS: effort.eccentricS,
          holdS: effort.holdS,
          peakForceN: null,
        },
      ]);
    }
  }

  private closeSet(set: SetState, endS: number): void {
    if (set.closed) return;
    const iso = set.isometric;
    if (iso) {
      const gaugeOpen = this.openSets.some((s) => s.role === 'force' && s.period === set.period);
      if (gaugeOpen) {
        iso.closeRequested = true;
        return;
      }
      this.processIsometric(set, true);
    }
    const dev = set.dev;
    const repDetector = set.repDetector;
    if (repDetector) {
      const reps = this.guard(dev, 'reps', () => repDetector.finish());
      if (reps) this.addReps(set, reps);
    }
    const forceDetector = set.forceDetector;
    if (forceDetector) {
      const reps = this.guard(dev, 'force', () => forceDetector.finish());
      if (reps) this.addReps(set, reps);
    }
    set.closed = true;
    const index = this.openSets.indexOf(set);
    if (index >= 0) this.openSets.splice(index, 1);
    this.closedSets.push(set);
    this.updateCloseDeadline();
    const result: SetResult = {
      device: dev.info.id,
      activity: set.activity,
      side: set.side,
      startS: set.period.startS,
      endS: Number.isFinite(set.period.endS) ? set.period.endS : Math.max(endS, set.period.startS),
      repCount: set.reps.length,
      reps: set.reps.map((r) => ({ ...r })),
    };
    if (set.role !== 'cadence') {
      const summary = this.guard(dev, 'summary', () => this.processors.summarizeSet(set.reps));
      if (summary) result.summary = sanitizeSummary(summary);
    }
    this.emit({ type: 'set-end', setId: set.id, set: result });
    if (set.role === 'force') {
      for (const other of [...this.openSets]) {
        if (other.isometric?.closeRequested && other.period === set.period) this.closeSet(other, endS);
      }
    }
    if (
      (set.role === 'force' && set.activity === 'isometric-hamstring') ||
      (set.role === 'reps' && set.activity === 'single-leg-bridge')
    ) {
      if (!this.finished) this.emitAsymmetry();
    }
  }

  /** Closes sets whose period ended long ago by the data's clock although their device fell silent. */
  private closeOverdueSets(): void {
    if (this.nowS < this.nextCloseCheckS) return;
    for (const set of [...this.openSets]) {
      if (set.period.endS + SET_CLOSE_GRACE_S <= this.nowS) this.closeSet(set, set.period.endS);
    }
    this.updateCloseDeadline();
  }

  private updateCloseDeadline(): void {
    let next = Number.POSITIVE_INFINITY;
    for (const set of this.openSets) next = Math.min(next, set.period.endS + SET_CLOSE_GRACE_S);
    this.nextCloseCheckS = next;
  }

  // --- cadence -----------------------------------------------------------------------------------

  private cadenceEstimator(dev: DeviceState, firstS: number): CadenceEstimator | null {
    if (!dev.cadence && !dev.cadenceFailed) {
      const baselineSpm = this.options.baselineSpm;
      dev.cadence = this.guard(dev, 'cadence', () =>
        this.processors.cadenceEstimator(
          baselineSpm === undefined
            ? { placement: dev.info.placement }
            : { placement: dev.info.placement, baselineSpm },
        ),
      );
      if (!dev.cadence) dev.cadenceFailed = true;
    } else if (dev.cadence && firstS - dev.lastCadenceDataS > CADENCE_RESUME_S) {
      // Data resumes after a rest: the window must not reach back across it.
      const estimator = dev.cadence;
      this.guard(dev, 'cadence', () => estimator.reset());
    }
    return dev.cadence;
  }

  private pushCadenceImu(dev: DeviceState, batch: ImuBatch): void {
    const estimator = this.cadenceEstimator(dev, batch.tS[0]!);
    if (!estimator) return;
    const estimates = this.guard(dev, 'cadence', () => estimator.pushImu(batch));
    dev.lastCadenceDataS = batch.tS[batch.count - 1]!;
    if (estimates) this.addCadence(dev, estimates);
    else dev.cadence = null;
  }

  private addCadence(dev: DeviceState, estimates: readonly CadenceEstimate[]): void {
    for (const e of estimates) {
      if (!Number.isFinite(e.tS) || !Number.isFinite(e.spm)) continue;
      this.emit({
        type: 'cadence',
        point: { device: dev.info.id, tS: e.tS, spm: e.spm, changePct: finiteOrNull(e.changePct) },
      });
    }
    if (estimates.length > 0) {
      const last = estimates[estimates.length - 1]!;
      if (Number.isFinite(last.tS) && last.tS > dev.lastCadenceDataS) dev.lastCadenceDataS = last.tS;
    }
  }

  // --- asymmetry ---------------------------------------------------------------------------------

  private emitAsymmetry(): void {
    const results = this.asymmetryResults();
    const key = JSON.stringify(results);
    if (key === this.lastAsymmetry || results.length === 0) return;
    this.lastAsymmetry = key;
    this.emit({ type: 'asymmetry', results });
  }

  /**
   * Isometric tests compare the best effort per side (the strongest pull is the test result);
   * single-leg bridges compare the mean ROM per side (typical range, not a one-off).
   */
  private asymmetryResults(): AsymmetryResult[] {
    const results: AsymmetryResult[] = [];
    const force = { left: Number.NaN, right: Number.NaN };
    const rom = { left: [] as number[], right: [] as number[] };
    for (const set of this.closedSets) {
      if (set.side !== 'left' && set.side !== 'right') continue;
      if (set.role === 'force' && set.activity === 'isometric-hamstring') {
        for (const r of set.reps) {
          if (r.peakForceN !== null && !(r.peakForceN <= force[set.side])) force[set.side] = r.peakForceN;
        }
      } else if (set.role === 'reps' && set.activity === 'single-leg-bridge') {
        for (const r of set.reps) if (r.romDeg !== null) rom[set.side].push(r.romDeg);
      }
    }
    if (Number.isFinite(force.left) && Number.isFinite(force.right)) {
      results.push(this.asymmetry('isometric-hamstring', 'peakForceN', force.left, force.right));
    }
    if (rom.left.length > 0 && rom.right.length > 0) {
      results.push(this.asymmetry('single-leg-bridge', 'romDeg', mean(rom.left), mean(rom.right)));
    }
    return results;
  }

  private asymmetry(
    activity: string,
    metric: AsymmetryResult['metric'],
    left: number,
    right: number,
  ): AsymmetryResult {
    const figures = this.processors.asymmetry(left, right);
    return {
      activity,
      metric,
      left,
      right,
      asymmetryPct: Number.isFinite(figures.asymmetryPct) ? figures.asymmetryPct : 0,
      flag: figures.flag,
    };
  }

  // --- display and quality -----------------------------------------------------------------------

  private displayAngles(dev: DeviceState, angles: AngleSeries): void {
    if (this.angleStepS === Number.POSITIVE_INFINITY) return;
    let tOut: number[] | null = null;
    let aOut: number[] | null = null;
    let next = dev.nextAngleS;
    for (let i = 0; i < angles.count; i++) {
      const t = angles.tS[i]!;
      if (t < next) continue;
      const a = angles.angleDeg[i]!;
      if (!Number.isFinite(a) || !Number.isFinite(t)) continue;
      tOut ??= [];
      aOut ??= [];
      tOut.push(t);
      aOut.push(a);
      next = next + this.angleStepS > t ? next + this.angleStepS : t + this.angleStepS;
    }
    dev.nextAngleS = next;
    if (tOut && aOut) this.emit({ type: 'angle', device: dev.info.id, tS: tOut, angleDeg: aOut });
  }

  private displayForce(dev: DeviceState, batch: ForceBatch): void {
    if (this.forceStepS === Number.POSITIVE_INFINITY) return;
    let tOut: number[] | null = null;
    let fOut: number[] | null = null;
    let next = dev.nextForceS;
    for (let i = 0; i < batch.count; i++) {
      const t = batch.tS[i]!;
      if (t < next) continue;
      tOut ??= [];
      fOut ??= [];
      tOut.push(t);
      fOut.push(batch.forceN[i]!);
      next = next + this.forceStepS > t ? next + this.forceStepS : t + this.forceStepS;
    }
    dev.nextForceS = next;
    if (tOut && fOut) this.emit({ type: 'force', device: dev.info.id, tS: tOut, forceN: fOut });
  }

  private maybeQuality(dev: DeviceState): void {
    if (this.nowS < dev.nextQualityS) return;
    dev.nextQualityS = this.nowS + this.qualityEveryS;
    this.emitQuality(dev);
  }

  private emitQuality(dev: DeviceState): void {
    const q = dev.input.quality();
    this.emit({ type: 'quality', tS: this.nowS, quality: { ...q, rateHz: finiteOrNull(q.rateHz) } });
  }

  // --- plumbing ----------------------------------------------------------------------------------

  emit(update: EngineUpdate): void {
    this.builder.apply(update);
    this.out.push(update);
  }

  warnOnce(device: string | null, code: EngineWarningCode, message: string): void {
    const key = `${device ?? ''}\u0000${code}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.emit({ type: 'warning', device, tS: this.nowS, code, message });
  }

  /**
   * Runs a metric processor; if it throws, the device's processor is dropped with a warning instead of
   * ending the whole analysis (one device's trouble never stops the others).
   */
  /** A failing raw-sample consumer must not stop the analysis (warned once per device). */
  private toRaw(dev: DeviceState, run: () => void): void {
    try {
      run();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.warnOnce(dev.info.id, 'processor-error', `raw sample consumer failed: ${message}`);
    }
  }

  private guard<T>(dev: DeviceState, what: string, run: () => T): T | null {
    try {
      return run();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.warnOnce(dev.info.id, 'processor-error', `${what} processor failed and was stopped: ${message}`);
      return null;
    }
  }

  private take(): readonly EngineUpdate[] {
    if (this.out.length === 0) return NO_UPDATES;
    const out = this.out;
    this.out = [];
    return out;
  }
}

function findDriver(lookup: (id: string) => SensorDriver | undefined, id: string): SensorDriver | null {
  try {
    return lookup(id) ?? null;
  } catch {
    // An unknown driver is not fatal: its packets are counted as decode errors.
    return null;
  }
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

function sliceImu(b: ImuBatch, from: number, to: number): ImuBatch {
  if (from === 0 && to === b.count) return b;
  return {
    device: b.device,
    count: to - from,
    tS: b.tS.subarray(from, to),
    accMs2: b.accMs2 ? b.accMs2.subarray(3 * from, 3 * to) : null,
    gyroDps: b.gyroDps ? b.gyroDps.subarray(3 * from, 3 * to) : null,
  };
}

function sliceForce(b: ForceBatch, from: number, to: number): ForceBatch {
  if (from === 0 && to === b.count) return b;
  return {
    device: b.device,
    count: to - from,
    tS: b.tS.subarray(from, to),
    forceN: b.forceN.subarray(from, to),
  };
}

function sliceAngles(a: AngleSeries, from: number, to: number): AngleSeries {
  if (from === 0 && to === a.count) return a;
  return { count: to - from, tS: a.tS.subarray(from, to), angleDeg: a.angleDeg.subarray(from, to) };
}
