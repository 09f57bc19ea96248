import type {
  CadenceReading,
  DeviceInfo,
  DeviceQuality,
  ForceBatch,
  ImuBatch,
  SampleEvent,
} from '@hamstream/core';
import type { DecodedItem, DeviceDecoder, SensorDriver } from '@hamstream/sensors';
import { AccGyroPairer } from '../timing/acc-gyro-pairer.js';
import { HostClockStream, type HostTimedRelease } from '../timing/host-clock-stream.js';
import { SampleTimeStream } from '../timing/sample-time-stream.js';
import { SensorClock, SensorClockStream } from '../timing/sensor-clock-stream.js';
import type { StreamClock, StreamGap } from '../timing/stream-clock.js';
import type { EngineWarningCode } from '../types.js';

/** Where a device's aligned data goes (the analyzer). Batches are only valid during the call. */
export interface DeviceSink {
  imu(batch: ImuBatch): void;
  force(batch: ForceBatch): void;
  reading(reading: CadenceReading): void;
  /** A hole in the data: called before the samples after it are delivered. */
  gap(gap: StreamGap): void;
  warning(code: EngineWarningCode, message: string): void;
  battery(percent: number | null, volts: number | null): void;
}

type StreamName = 'imu' | 'acc' | 'gyro' | 'force' | 'rsc' | 'sample-imu' | 'sample-force';

/** What a clock-less notification carries until its samples are timed. */
type HostPayload =
  | { kind: 'imu'; accMs2: Float64Array | null; gyroDps: Float64Array | null }
  | { kind: 'force'; forceN: Float64Array }
  | { kind: 'rsc'; cadenceSpm: number; speedMps: number | null };

/** Sample rates assumed until measured, when the header's config gives none. */
const DEFAULT_RATE_HZ = {
  /** WitMotion's factory default per its manuals. */
  imu: 10,
  /** Tindeq Progressor streams at 80 Hz. */
  force: 80,
  /** RSC footpods notify about once per second. */
  rsc: 1,
} as const;

/** Imported samples are handed on in batches of this many (they arrive one event per sample). */
const SAMPLE_BATCH = 32;
/** Accelerometer-only data waits this long for the gyro a device was asked for before going alone, s. */
const GYRO_WAIT_S = 1;

/**
 * One device's input stage: bytes → driver decoder → per-stream time alignment → aligned batches.
 * Counts what arrived, what could not be decoded and what is missing, for `quality`.
 */
export class DeviceInput {
  packets = 0;
  decodeErrors = 0;
  disconnects = 0;
  private readonly decoder: DeviceDecoder | null;
  private readonly streams = new Map<StreamName, StreamClock>();
  private readonly sensorClock = new SensorClock();
  private pairer: AccGyroPairer | null = null;
  /** Gyro data seen as its own stream: accelerometer frames are paired with it. */
  private pairing = false;
  private readonly expectGyro: boolean;
  /** The expected gyro did not come within GYRO_WAIT_S: accelerometer data goes on alone. */
  private gyroAbsent = false;
  private readonly nominalRateHz: number | undefined;
  private readonly samples: SampleBuffer;

  constructor(
    readonly info: DeviceInfo,
    driver: SensorDriver | null,
    private readonly sink: DeviceSink,
  ) {
    this.decoder = driver ? driver.createDecoder(info.config) : null;
    const rate = info.config.rateHz;
    this.nominalRateHz = typeof rate === 'number' && rate > 0 ? rate : undefined;
    const measurements = info.config.measurements;
    this.expectGyro =
      Array.isArray(measurements) && measurements.includes('gyro') && measurements.includes('acc');
    this.samples = new SampleBuffer(info.id);
  }

  get hasDecoder(): boolean {
    return this.decoder !== null;
  }

  /** One notification as received at `hostS` (s on the recording timeline). */
  packet(hostS: number, characteristic: string, bytes: Uint8Array | null): void {
    this.flushSamples();
    this.packets++;
    if (bytes === null || this.decoder === null) {
      this.decodeErrors++;
      return;
    }
    const result = this.decoder.decode(characteristic, bytes);
    if (result.error) this.decodeErrors++;
    const items = result.items;
    if (items.length === 0) return;

    let acc: Extract<DecodedItem, { kind: 'acc' }> | null = null;
    let gyro: Extract<DecodedItem, { kind: 'gyro' }> | null = null;
    for (const item of items) {
      switch (item.kind) {
        case 'acc':
          acc = item;
          break;
        case 'gyro':
          gyro = item;
          break;
        case 'force':
          this.forceItem(hostS, item);
          break;
        case 'rsc':
          this.rscItem(hostS, item.cadenceSpm, item.speedMps);
          break;
        case 'battery':
          this.sink.battery(item.percent, item.volts);
          break;
        case 'control-response':
          if (item.status !== 0) {
            this.sink.warning(
              'control-error',
              `control point op ${item.op} answered ${item.status} (${item.statusText})`,
            );
          }
          break;
        case 'stream-stopped':
          this.sink.warning(
            'stream-stopped',
            `the sensor stopped measurement types ${item.measurementTypes.join(',')}`,
          );
          break;
        default:
          // Onboard angles, quaternions, magnetometer, temperature, features and texts are not used
          // by the analysis: the inclination is computed from acc + gyro (protocols.md §1).
          break;
      }
    }
    if (acc && gyro && acc.count === gyro.count) this.imuItems(hostS, acc, gyro);
    else {
      if (acc) this.accItem(hostS, acc);
      if (gyro) this.gyroItem(hostS, gyro);
    }
  }

  /** An imported, already decoded sample. */
  sample(event: SampleEvent): void {
    this.packets++;
    let added = this.samples.add(event);
    if (added === 'shape') {
      this.flushSamples();
      added = this.samples.add(event);
    }
    if (added === 'non-finite') {
      this.decodeErrors++;
      return;
    }
    if (this.samples.full) this.flushSamples();
  }

  disconnect(): void {
    this.flushSamples();
    this.flushHostStreams();
    this.disconnects++;
    this.decoder?.reset();
    this.drainPairer(true);
    this.pairer?.clear();
    // The sensor's clock runs on through a reconnect (a clock that restarts is detected by its jump
    // backwards); only the latency evidence is stale.
    this.sensorClock.offset.reset();
    for (const s of this.streams.values()) s.markBreak('disconnect');
  }

  /** End of data: hands on everything still buffered. */
  finish(): void {
    this.flushSamples();
    this.flushHostStreams();
    this.drainPairer(true);
  }

  quality(): DeviceQuality {
    let samples = 0;
    let gaps = 0;
    let lost = 0;
    for (const s of this.streams.values()) {
      samples += s.samples;
      gaps += s.gaps;
      lost += s.lostSamples;
    }
    return {
      device: this.info.id,
      packets: this.packets,
      samples,
      gaps,
      lostSamples: lost,
      decodeErrors: this.decodeErrors,
      rateHz: this.primaryRateHz(),
      disconnects: this.disconnects,
    };
  }

  private primaryRateHz(): number | null {
    for (const name of ['imu', 'sample-imu', 'acc', 'force', 'sample-force', 'rsc', 'gyro'] as const) {
      const s = this.streams.get(name);
      if (s) return s.rateHz;
    }
    return null;
  }

  // --- packets -------------------------------------------------------------------------------

  private imuItems(
    hostS: number,
    acc: Extract<DecodedItem, { kind: 'acc' }>,
    gyro: Extract<DecodedItem, { kind: 'gyro' }>,
  ): void {
    const n = acc.count;
    const accMs2 = finiteXyz(acc.valuesMs2, n);
    const gyroDps = finiteXyz(gyro.valuesDps, n);
    if (accMs2 === null || gyroDps === null) {
      this.nonFinite();
      return;
    }
    if (acc.sensorTUs === null) {
      this.hostStream('imu', DEFAULT_RATE_HZ.imu).push(
        hostS,
        n,
        { kind: 'imu', accMs2, gyroDps },
        this.releaseHost,
      );
      return;
    }
    const tS = new Float64Array(n);
    const gaps = this.sensorStream('imu').align(hostS, acc.sensorTUs, n, tS);
    this.deliverImu({ device: this.info.id, count: n, tS, accMs2, gyroDps }, gaps);
  }

  private accItem(hostS: number, acc: Extract<DecodedItem, { kind: 'acc' }>): void {
    const n = acc.count;
    const accMs2 = finiteXyz(acc.valuesMs2, n);
    if (accMs2 === null) {
      this.nonFinite();
      return;
    }
    if (acc.sensorTUs === null) {
      const payload: HostPayload = { kind: 'imu', accMs2, gyroDps: null };
      this.hostStream('acc', DEFAULT_RATE_HZ.imu).push(hostS, n, payload, this.releaseHost);
      return;
    }
    // Separate accelerometer frames are timed on the sensor clock (relative) and mapped when handed on,
    // so that they pair exactly with gyro frames of the same clock.
    const stream = this.sensorStream('acc');
    const tRel = new Float64Array(n);
    const gaps = stream.align(hostS, acc.sensorTUs, n, tRel, true);
    if (this.pairing || (this.expectGyro && !this.gyroAbsent)) {
      for (const g of gaps) this.sink.gap(this.gapOnTimeline(g, stream));
      const pairer = this.ensurePairer();
      pairer.pushAcc(tRel, accMs2, n, stream.spacingS);
      if (this.pairing) this.drainPairer(false);
      else if (pairer.accBacklogS > GYRO_WAIT_S) this.releaseAccAlone();
      return;
    }
    this.deliverImu(
      { device: this.info.id, count: n, tS: this.relativeToTimeline(tRel, stream), accMs2, gyroDps: null },
      gaps.map((g) => this.gapOnTimeline(g, stream)),
    );
  }

  private gyroItem(hostS: number, gyro: Extract<DecodedItem, { kind: 'gyro' }>): void {
    const n = gyro.count;
    const gyroDps = finiteXyz(gyro.valuesDps, n);
    if (gyroDps === null) {
      this.nonFinite();
      return;
    }
    if (gyro.sensorTUs === null) {
      const payload: HostPayload = { kind: 'imu', accMs2: null, gyroDps };
      this.hostStream('gyro', DEFAULT_RATE_HZ.imu).push(hostS, n, payload, this.releaseHost);
      return;
    }
    const stream = this.sensorStream('gyro');
    const tRel = new Float64Array(n);
    const gaps = stream.align(hostS, gyro.sensorTUs, n, tRel, true);
    // From the first gyro frame on, accelerometer frames are paired with the gyro.
    this.pairing = true;
    if (gaps.length > 0) {
      this.drainPairer(true);
      for (const g of gaps) this.sink.gap(this.gapOnTimeline(g, stream));
    }
    this.ensurePairer().pushGyro(tRel, gyroDps, n);
    this.drainPairer(false);
  }

  private forceItem(hostS: number, item: Extract<DecodedItem, { kind: 'force' }>): void {
    const n = item.count;
    if (!allFinite(item.forceN, n)) {
      this.nonFinite();
      return;
    }
    if (item.sensorTUs === null) {
      const payload: HostPayload = { kind: 'force', forceN: item.forceN };
      this.hostStream('force', DEFAULT_RATE_HZ.force).push(hostS, n, payload, this.releaseHost);
      return;
    }
    const tS = new Float64Array(n);
    const gaps = this.sensorStream('force').align(hostS, item.sensorTUs, n, tS);
    this.deliverForce({ device: this.info.id, count: n, tS, forceN: item.forceN }, gaps);
  }

  private rscItem(hostS: number, cadenceSpm: number, speedMps: number): void {
    if (!Number.isFinite(cadenceSpm)) {
      this.nonFinite();
      return;
    }
    const payload: HostPayload = {
      kind: 'rsc',
      cadenceSpm,
      speedMps: Number.isFinite(speedMps) ? speedMps : null,
    };
    this.hostStream('rsc', DEFAULT_RATE_HZ.rsc).push(hostS, 1, payload, this.releaseHost);
  }

  /** Clock-less samples, once timed (after the host-clock lookahead). */
  private readonly releaseHost: HostTimedRelease<HostPayload> = (tS, n, payload, gaps) => {
    switch (payload.kind) {
      case 'imu':
        this.deliverImu(
          { device: this.info.id, count: n, tS, accMs2: payload.accMs2, gyroDps: payload.gyroDps },
          gaps,
        );
        break;
      case 'force':
        this.deliverForce({ device: this.info.id, count: n, tS, forceN: payload.forceN }, gaps);
        break;
      case 'rsc':
        for (const g of gaps) this.sink.gap(g);
        this.sink.reading({
          device: this.info.id,
          tS: tS[0]!,
          cadenceSpm: payload.cadenceSpm,
          speedMps: payload.speedMps,
        });
        break;
    }
  };

  private sensorStream(name: StreamName): SensorClockStream {
    const stream = this.streams.get(name);
    if (stream instanceof SensorClockStream) return stream;
    const created = new SensorClockStream(
      this.sensorClock,
      name === 'force' ? undefined : this.nominalRateHz,
    );
    this.streams.set(name, created);
    return created;
  }

  private lastHostName: StreamName | null = null;
  private lastHost: HostClockStream<HostPayload> | null = null;

  private hostStream(name: StreamName, defaultRateHz: number): HostClockStream<HostPayload> {
    if (this.lastHostName === name && this.lastHost) return this.lastHost;
    const found = this.streams.get(name);
    if (found instanceof HostClockStream) {
      this.lastHostName = name;
      this.lastHost = found as HostClockStream<HostPayload>;
      return this.lastHost;
    }
    const nominal = name === 'rsc' ? DEFAULT_RATE_HZ.rsc : (this.nominalRateHz ?? defaultRateHz);
    const created = new HostClockStream<HostPayload>(nominal);
    this.streams.set(name, created);
    this.lastHostName = name;
    this.lastHost = created;
    return created;
  }

  /** Clock-less streams hold notifications for their lookahead: time them all now. */
  private flushHostStreams(): void {
    for (const s of this.streams.values())
      if (s instanceof HostClockStream) (s as HostClockStream<HostPayload>).flush(this.releaseHost);
  }

  private ensurePairer(): AccGyroPairer {
    this.pairer ??= new AccGyroPairer(this.info.id);
    return this.pairer;
  }

  private drainPairer(all: boolean): void {
    if (!this.pairer) return;
    const batch = all ? this.pairer.flush() : this.pairer.drain();
    if (batch) this.sink.imu({ ...batch, tS: this.relativeToTimeline(batch.tS, this.sensorStream('gyro')) });
  }

  /** Timeline time of the last paired or relative-timed sample handed on (keeps them in order). */
  private lastMappedS = Number.NaN;

  /** Maps sensor-relative times onto the timeline with the device's current offset, in place. */
  private relativeToTimeline(tRel: Float64Array, stream: SensorClockStream): Float64Array {
    const offset = stream.offsetS;
    let last = this.lastMappedS;
    const minStep = stream.spacingS > 0 ? 0.25 * stream.spacingS : 1e-6;
    for (let i = 0; i < tRel.length; i++) {
      let t = tRel[i]! + offset;
      if (t < last + minStep) t = last + minStep;
      tRel[i] = t;
      last = t;
    }
    if (tRel.length > 0) this.lastMappedS = last;
    return tRel;
  }

  private gapOnTimeline(gap: StreamGap, stream: SensorClockStream): StreamGap {
    const offset = stream.offsetS;
    return { ...gap, fromS: gap.fromS + offset, toS: gap.toS + offset };
  }

  /** The gyro a device was configured for has not come: its accelerometer data goes on alone. */
  private releaseAccAlone(): void {
    // The buffered accelerometer samples are handed on as accelerometer-only batches.
    this.gyroAbsent = true;
    const batch = this.pairer?.takeAcc() ?? null;
    if (batch) this.sink.imu({ ...batch, tS: this.relativeToTimeline(batch.tS, this.sensorStream('acc')) });
  }

  private deliverImu(batch: ImuBatch, gaps: readonly StreamGap[]): void {
    if (gaps.length === 0) {
      this.sink.imu(batch);
      return;
    }
    let from = 0;
    for (const g of gaps) {
      if (g.index > from) this.sink.imu(sliceImu(batch, from, g.index));
      this.sink.gap(g);
      from = g.index;
    }
    this.sink.imu(from === 0 ? batch : sliceImu(batch, from, batch.count));
  }

  private deliverForce(batch: ForceBatch, gaps: readonly StreamGap[]): void {
    if (gaps.length === 0) {
      this.sink.force(batch);
      return;
    }
    let from = 0;
    for (const g of gaps) {
      if (g.index > from) this.sink.force(sliceForce(batch, from, g.index));
      this.sink.gap(g);
      from = g.index;
    }
    this.sink.force(from === 0 ? batch : sliceForce(batch, from, batch.count));
  }

  private nonFinite(): void {
    this.decodeErrors++;
    this.sink.warning('non-finite', 'decoded values were not finite; the packet was dropped');
  }

  // --- imported samples ------------------------------------------------------------------------

  private flushSamples(): void {
    const buf = this.samples;
    if (buf.n === 0) return;
    const n = buf.n;
    const id = this.info.id;
    if (buf.hasAcc || buf.hasGyro) {
      const tS = new Float64Array(n);
      const gaps = this.alignSamples('sample-imu', buf, tS);
      const batch: ImuBatch = {
        device: id,
        count: n,
        tS,
        accMs2: buf.hasAcc ? buf.acc.slice(0, 3 * n) : null,
        gyroDps: buf.hasGyro ? buf.gyro.slice(0, 3 * n) : null,
      };
      this.deliverImu(batch, gaps);
    }
    if (buf.hasForce) {
      const tS = new Float64Array(n);
      const gaps = this.alignSamples('sample-force', buf, tS);
      this.deliverForce({ device: id, count: n, tS, forceN: buf.force.slice(0, n) }, gaps);
    }
    if (buf.hasCadence) {
      for (let i = 0; i < n; i++) {
        this.sink.reading({ device: id, tS: buf.t[i]!, cadenceSpm: buf.cadence[i]!, speedMps: null });
      }
    }
    buf.clear();
  }

  private alignSamples(name: StreamName, buf: SampleBuffer, outT: Float64Array): readonly StreamGap[] {
    const n = buf.n;
    let stream = this.streams.get(name);
    if (buf.hasSensorT) {
      if (!(stream instanceof SensorClockStream)) {
        stream = new SensorClockStream(this.sensorClock, this.nominalRateHz);
        this.streams.set(name, stream);
      }
      // Each imported sample is its own "packet": received at its `t`, measured at its `sensorT`.
      const gaps: StreamGap[] = [];
      const one = new Float64Array(1);
      const oneU = new Float64Array(1);
      for (let i = 0; i < n; i++) {
        oneU[0] = buf.sensorTMs[i]! * 1000;
        const g = (stream as SensorClockStream).align(buf.t[i]!, oneU, 1, one);
        outT[i] = one[0]!;
        for (const gap of g) gaps.push({ ...gap, index: i });
      }
      return gaps;
    }
    if (!(stream instanceof SampleTimeStream)) {
      stream = new SampleTimeStream(this.nominalRateHz);
      this.streams.set(name, stream);
    }
    return (stream as SampleTimeStream).align(buf.t, n, outT);
  }
}

/** Consecutive imported samples of one shape (same fields present), structure of arrays. */
class SampleBuffer {
  readonly t = new Float64Array(SAMPLE_BATCH);
  readonly sensorTMs = new Float64Array(SAMPLE_BATCH);
  readonly acc = new Float64Array(3 * SAMPLE_BATCH);
  readonly gyro = new Float64Array(3 * SAMPLE_BATCH);
  readonly force = new Float64Array(SAMPLE_BATCH);
  readonly cadence = new Float64Array(SAMPLE_BATCH);
  n = 0;
  hasAcc = false;
  hasGyro = false;
  hasForce = false;
  hasCadence = false;
  hasSensorT = false;

  constructor(readonly device: string) {}

  get full(): boolean {
    return this.n >= SAMPLE_BATCH;
  }

  /** 'shape': the fields differ from the buffered samples' (flush, then add again). */
  add(e: SampleEvent): 'ok' | 'non-finite' | 'shape' {
    const hasAcc = e.acc !== undefined;
    const hasGyro = e.gyro !== undefined;
    const hasForce = e.forceN !== undefined;
    const hasCadence = e.cadenceSpm !== undefined;
    const hasSensorT = e.sensorT !== undefined;
    if (
      (e.acc && !e.acc.every(Number.isFinite)) ||
      (e.gyro && !e.gyro.every(Number.isFinite)) ||
      (hasForce && !Number.isFinite(e.forceN)) ||
      (hasCadence && !Number.isFinite(e.cadenceSpm)) ||
      (hasSensorT && !Number.isFinite(e.sensorT)) ||
      !Number.isFinite(e.t)
    ) {
      return 'non-finite';
    }
    if (
      this.n > 0 &&
      (hasAcc !== this.hasAcc ||
        hasGyro !== this.hasGyro ||
        hasForce !== this.hasForce ||
        hasCadence !== this.hasCadence ||
        hasSensorT !== this.hasSensorT)
    ) {
      return 'shape';
    }
    const i = this.n;
    this.hasAcc = hasAcc;
    this.hasGyro = hasGyro;
    this.hasForce = hasForce;
    this.hasCadence = hasCadence;
    this.hasSensorT = hasSensorT;
    this.t[i] = e.t / 1000;
    if (e.acc) this.acc.set(e.acc, 3 * i);
    if (e.gyro) this.gyro.set(e.gyro, 3 * i);
    if (hasForce) this.force[i] = e.forceN!;
    if (hasCadence) this.cadence[i] = e.cadenceSpm!;
    if (hasSensorT) this.sensorTMs[i] = e.sensorT!;
    this.n++;
    return 'ok';
  }

  clear(): void {
    this.n = 0;
  }
}

function sliceImu(b: ImuBatch, from: number, to: number): ImuBatch {
  return {
    device: b.device,
    count: to - from,
    tS: b.tS.subarray(from, to),
    accMs2: b.accMs2 ? b.accMs2.subarray(3 * from, 3 * to) : null,
    gyroDps: b.gyroDps ? b.gyroDps.subarray(3 * from, 3 * to) : null,
  };
}

function sliceForce(b: ForceBatch, from: number, to: number): ForceBatch {
  return {
    device: b.device,
    count: to - from,
    tS: b.tS.subarray(from, to),
    forceN: b.forceN.subarray(from, to),
  };
}

function allFinite(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/** The xyz values if all finite (decoders guarantee it; this is the engine's own guard), else null. */
function finiteXyz(a: Float64Array, n: number): Float64Array | null {
  return allFinite(a, 3 * n) ? a : null;
}
