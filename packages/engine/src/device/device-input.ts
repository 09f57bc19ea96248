import type { CadenceReading, DeviceInfo, DeviceQuality, SampleEvent } from '@hamstream/core';
import {
  type DecodedItem,
  type DeviceDecoder,
  IMU_INTO_MIN_SAMPLE_BYTES,
  type SensorDriver,
} from '@hamstream/sensors';
import { AccGyroPairer } from '../timing/acc-gyro-pairer.js';
import { HostClockStream, type HostTimedRelease } from '../timing/host-clock-stream.js';
import { SampleTimeStream } from '../timing/sample-time-stream.js';
import { SensorClock, SensorClockStream } from '../timing/sensor-clock-stream.js';
import { NO_GAPS, type StreamClock, type StreamGap } from '../timing/stream-clock.js';
import type { EngineWarningCode } from '../types.js';

/**
 * Where a device's aligned data goes (the analyzer). Sample arrays are the input stage's buffers, valid
 * during the call only: `n` samples with times tS[tFrom + i] and values at sample index vFrom + i
 * (xyz interleaved: accMs2[3·(vFrom + i) + axis]). No arrays are made per packet.
 */
export interface DeviceSink {
  imu(
    tS: Float64Array,
    tFrom: number,
    accMs2: Float64Array | null,
    gyroDps: Float64Array | null,
    vFrom: number,
    n: number,
  ): void;
  force(tS: Float64Array, tFrom: number, forceN: Float64Array, vFrom: number, n: number): void;
  reading(reading: CadenceReading): void;
  /** A hole in the data: called before the samples after it are delivered. */
  gap(gap: StreamGap): void;
  warning(code: EngineWarningCode, message: string): void;
  battery(percent: number | null, volts: number | null): void;
}

type StreamName = 'imu' | 'acc' | 'gyro' | 'force' | 'rsc' | 'sample-imu' | 'sample-force';

/**
 * Values of the notifications a clock-less stream holds for its lookahead, first in first out: one or
 * two channels of `stride` values per sample (IMU: acc xyz and gyro xyz; RSC: cadence and speed). Decoder
 * arrays are only valid until the next decode, so the values are copied here; `take` hands the oldest on
 * in place (nothing is allocated per notification).
 */
class HeldValues {
  data: Float64Array;
  /** The second channel (same stride and indices), or null. */
  data2: Float64Array | null;
  /** Sample index of the oldest held sample, and one past the newest. */
  private head = 0;
  private tail = 0;

  constructor(
    private readonly stride: number,
    twoChannels: boolean,
  ) {
    // Room for several lookahead windows at common rates: compaction (a copy of what is held) is rare.
    this.data = new Float64Array(512 * stride);
    this.data2 = twoChannels ? new Float64Array(512 * stride) : null;
  }

  /**
   * Appends `n` samples (`stride` values each per channel) from the start of `src` (and `src2`) if every
   * value is finite (decoders guarantee it; this is the engine's own guard, in the same pass); else
   * appends nothing and returns false.
   */
  pushFinite(src: Float64Array, src2: Float64Array | null, n: number): boolean {
    const stride = this.stride;
    if ((this.tail + n) * stride > this.data.length) this.makeRoom(n);
    const o = this.tail * stride;
    const m = n * stride;
    // v − v is 0 for finite v and NaN for NaN or ±Infinity, so the sum stays 0 only if all are finite.
    let check = 0;
    const d = this.data;
    for (let i = 0; i < m; i++) {
      const v = src[i]!;
      d[o + i] = v;
      check += v - v;
    }
    const d2 = this.data2;
    if (d2 !== null && src2 !== null) {
      for (let i = 0; i < m; i++) {
        const v = src2[i]!;
        d2[o + i] = v;
        check += v - v;
      }
    }
    if (check !== 0) return false;
    this.tail += n;
    return true;
  }

  /** Makes room for `n` more samples; returns the sample index they go to (then `commit(n)`). */
  reserve(n: number): number {
    if ((this.tail + n) * this.stride > this.data.length) this.makeRoom(n);
    return this.tail;
  }

  /** The `n` samples written at `reserve`'s index are held. */
  commit(n: number): void {
    this.tail += n;
  }

  /** Appends one sample of one-value channels. */
  pushValues(value: number, value2: number): void {
    if (this.tail + 1 > this.data.length) this.makeRoom(1);
    this.data[this.tail] = value;
    if (this.data2 !== null) this.data2[this.tail] = value2;
    this.tail++;
  }

  /** The sample index in `data` of the oldest `n` held samples, which are then no longer held. */
  take(n: number): number {
    const at = this.head;
    this.head += n;
    if (this.head >= this.tail) {
      this.head = 0;
      this.tail = 0;
    }
    return at;
  }

  /** Moves what is held to the front (everything before head was handed on), growing if still short. */
  private makeRoom(n: number): void {
    const stride = this.stride;
    const held = this.tail - this.head;
    const need = (held + n) * stride;
    const from = this.head * stride;
    const to = this.tail * stride;
    // Grow once what is held fills half the buffer, so compactions stay rare whatever the rate.
    if (2 * need <= this.data.length) {
      this.data.copyWithin(0, from, to);
      this.data2?.copyWithin(0, from, to);
    } else {
      const size = Math.max(2 * need, 2 * this.data.length);
      const grown = new Float64Array(size);
      grown.set(this.data.subarray(from, to));
      this.data = grown;
      if (this.data2 !== null) {
        const grown2 = new Float64Array(size);
        grown2.set(this.data2.subarray(from, to));
        this.data2 = grown2;
      }
    }
    this.head = 0;
    this.tail = held;
  }
}

/** A clock-less stream: its timing, and the values it holds meanwhile. */
interface HostStream {
  clock: HostClockStream<number>;
  held: HeldValues;
  release: HostTimedRelease<number>;
}

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
/**
 * Accelerometer-only data waits this long for the gyro a device was asked for before going alone, s,
 * counted beyond the span of the newest accelerometer frame: a Verity Sense frame at 52 Hz spans ~1.4 s,
 * and the gyro frame of the same stretch can only come after it.
 */
const GYRO_WAIT_S = 1;

/**
 * One device's input stage: bytes → driver decoder → per-stream time alignment → aligned samples.
 * Counts what arrived, what could not be decoded and what is missing, for `quality`.
 *
 * Hot path, per notification: the decoder's transient result (no arrays), times into a reused scratch
 * (sensor clock) or the held-values FIFO (host clock), then the sink copies the samples into its batch.
 * Nothing is allocated per packet or per sample in the steady state.
 */
export class DeviceInput {
  packets = 0;
  decodeErrors = 0;
  disconnects = 0;
  private readonly decoder: DeviceDecoder | null;
  /** The decoder has the allocation-free `decodeTransient` (else `decode` is used). */
  private readonly transient: boolean;
  /** The decoder can write clock-less IMU samples straight into the lookahead FIFO. */
  private readonly imuInto: boolean;
  /** The decoder can write force samples with sensor times straight into the scratch below. */
  private readonly forceInto: boolean;
  private readonly forceScratch = new Float64Array(64);
  private readonly forceTimesUs = new Float64Array(64);
  /** The force stream on the sensor clock, once opened. */
  private forceStream: SensorClockStream | null = null;
  private readonly streams = new Map<StreamName, StreamClock>();
  private readonly hostStreams = new Map<StreamName, HostStream>();
  private readonly sensorClock = new SensorClock();
  private pairer: AccGyroPairer | null = null;
  /** Gyro data seen as its own stream: accelerometer frames are paired with it. */
  private pairing = false;
  private readonly expectGyro: boolean;
  /** The expected gyro did not come within GYRO_WAIT_S (beyond a frame): accelerometer data goes on alone. */
  private gyroAbsent = false;
  private readonly nominalRateHz: number | undefined;
  private readonly samples: SampleBuffer;
  /** Timeline (or sensor-relative) times of the packet being aligned; valid during its delivery. */
  private timeScratch = new Float64Array(64);
  /** One imported sample's times, for the sensor-clock alignment of imported data. */
  private readonly oneT = new Float64Array(1);
  private readonly oneUs = new Float64Array(1);

  /**
   * @param hostReleaseChunkS how long clock-less streams hold notifications beyond their lookahead to
   *   time them in runs (batch analysis; 0 live: see HostClockStream).
   */
  constructor(
    readonly info: DeviceInfo,
    driver: SensorDriver | null,
    private readonly sink: DeviceSink,
    private readonly hostReleaseChunkS = 0,
  ) {
    const decoder = driver ? driver.createDecoder(info.config) : null;
    this.decoder = decoder;
    this.transient = typeof decoder?.decodeTransient === 'function';
    this.imuInto = typeof decoder?.decodeImuInto === 'function';
    this.forceInto = typeof decoder?.decodeForceInto === 'function';
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

  /**
   * One notification as received at `hostS` (s on the recording timeline). `bytes` is read during the
   * call only (the caller may reuse the buffer).
   */
  packet(hostS: number, characteristic: string, bytes: Uint8Array | null): void {
    if (this.samples.n !== 0) this.flushSamples();
    this.packets++;
    const decoder = this.decoder;
    if (bytes === null || decoder === null) {
      this.decodeErrors++;
      return;
    }
    // Clock-less IMU notifications of whole stream records: decoded straight into the lookahead FIFO
    // (once the stream is open; anything else takes the general path below).
    const imuHost = this.imuInto && this.lastHostName === 'imu' ? this.lastHost : null;
    if (imuHost !== null && imuHost.held.data2 !== null) {
      const held = imuHost.held;
      const at = held.reserve((bytes.length / IMU_INTO_MIN_SAMPLE_BYTES) | 0);
      const n = decoder.decodeImuInto!(characteristic, bytes, held.data, held.data2!, at);
      if (n > 0) {
        held.commit(n);
        imuHost.clock.push(hostS, n, 0, imuHost.release);
        return;
      }
    }
    // Force gauges with a sample clock: whole force records decoded straight into the input's scratch.
    if (this.forceInto) {
      const n = decoder.decodeForceInto!(characteristic, bytes, this.forceScratch, this.forceTimesUs, 0);
      if (n > 0) {
        this.forceSamples(hostS, this.forceTimesUs, this.forceScratch, n);
        return;
      }
    }
    // Method calls on the decoder itself (not a bound copy): the JIT can inline them.
    const result = this.transient
      ? decoder.decodeTransient!(characteristic, bytes)
      : decoder.decode(characteristic, bytes);
    if (result.error) this.decodeErrors++;
    const items = result.items;
    if (items.length === 0) return;

    let acc: Extract<DecodedItem, { kind: 'acc' }> | null = null;
    let gyro: Extract<DecodedItem, { kind: 'gyro' }> | null = null;
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
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

  /** Scratch for `n` times (its values are valid until the next packet). */
  private times(n: number): Float64Array {
    if (this.timeScratch.length < n)
      this.timeScratch = new Float64Array(Math.max(n, 2 * this.timeScratch.length));
    return this.timeScratch;
  }

  private imuItems(
    hostS: number,
    acc: Extract<DecodedItem, { kind: 'acc' }>,
    gyro: Extract<DecodedItem, { kind: 'gyro' }>,
  ): void {
    const n = acc.count;
    if (acc.sensorTUs === null) {
      this.holdForHostClock('imu', DEFAULT_RATE_HZ.imu, acc.valuesMs2, gyro.valuesDps, n, hostS);
      return;
    }
    if (!this.finite(acc.valuesMs2, 3 * n) || !this.finite(gyro.valuesDps, 3 * n)) return;
    const tS = this.times(n);
    const gaps = this.sensorStream('imu').align(hostS, acc.sensorTUs, n, tS);
    this.deliverImu(tS, 0, acc.valuesMs2, gyro.valuesDps, 0, n, gaps);
  }

  private accItem(hostS: number, acc: Extract<DecodedItem, { kind: 'acc' }>): void {
    const n = acc.count;
    const accMs2 = acc.valuesMs2;
    if (acc.sensorTUs === null) {
      this.holdForHostClock('acc', DEFAULT_RATE_HZ.imu, accMs2, null, n, hostS);
      return;
    }
    if (!this.finite(accMs2, 3 * n)) return;
    // Separate accelerometer frames are timed on the sensor clock (relative) and mapped when handed on,
    // so that they pair exactly with gyro frames of the same clock.
    const stream = this.sensorStream('acc');
    const tRel = this.times(n);
    const gaps = stream.align(hostS, acc.sensorTUs, n, tRel, true);
    if (this.pairing || (this.expectGyro && !this.gyroAbsent)) {
      for (const g of gaps) this.sink.gap(this.gapOnTimeline(g, stream));
      const pairer = this.ensurePairer();
      pairer.pushAcc(tRel, accMs2, n, stream.spacingS);
      if (this.pairing) this.drainPairer(false);
      else if (pairer.accBacklogS > GYRO_WAIT_S + (n > 0 ? tRel[n - 1]! - tRel[0]! : 0))
        this.releaseAccAlone();
      return;
    }
    const tS = this.relativeToTimeline(tRel, n, stream);
    this.deliverImu(tS, 0, accMs2, null, 0, n, this.gapsOnTimeline(gaps, stream));
  }

  private gyroItem(hostS: number, gyro: Extract<DecodedItem, { kind: 'gyro' }>): void {
    const n = gyro.count;
    const gyroDps = gyro.valuesDps;
    if (gyro.sensorTUs === null) {
      this.holdForHostClock('gyro', DEFAULT_RATE_HZ.imu, gyroDps, null, n, hostS);
      return;
    }
    if (!this.finite(gyroDps, 3 * n)) return;
    const stream = this.sensorStream('gyro');
    const tRel = this.times(n);
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
    if (item.sensorTUs === null) {
      this.holdForHostClock('force', DEFAULT_RATE_HZ.force, item.forceN, null, n, hostS);
      return;
    }
    this.forceSamples(hostS, item.sensorTUs, item.forceN, n);
  }

  /** Force samples on the sensor's clock: aligned and handed on. */
  private forceSamples(hostS: number, sensorTUs: Float64Array, forceN: Float64Array, n: number): void {
    if (!this.finite(forceN, n)) return;
    const tS = this.times(n);
    this.forceStream ??= this.sensorStream('force');
    const gaps = this.forceStream.align(hostS, sensorTUs, n, tS);
    this.deliverForce(tS, 0, forceN, 0, n, gaps);
  }

  private rscItem(hostS: number, cadenceSpm: number, speedMps: number): void {
    if (!Number.isFinite(cadenceSpm)) {
      this.nonFinite();
      return;
    }
    const host = this.hostStream('rsc', DEFAULT_RATE_HZ.rsc);
    host.held.pushValues(cadenceSpm, Number.isFinite(speedMps) ? speedMps : Number.NaN);
    host.clock.push(hostS, 1, 0, host.release);
  }

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
  private lastHost: HostStream | null = null;

  private hostStream(name: StreamName, defaultRateHz: number): HostStream {
    if (this.lastHostName === name && this.lastHost) return this.lastHost;
    let host = this.hostStreams.get(name);
    if (!host) {
      const nominal = name === 'rsc' ? DEFAULT_RATE_HZ.rsc : (this.nominalRateHz ?? defaultRateHz);
      host = this.createHostStream(name, new HostClockStream<number>(nominal, this.hostReleaseChunkS));
      this.hostStreams.set(name, host);
      this.streams.set(name, host.clock);
    }
    this.lastHostName = name;
    this.lastHost = host;
    return host;
  }

  /** Clock-less samples, once timed (after the host-clock lookahead), are handed on from the FIFO. */
  private createHostStream(name: StreamName, clock: HostClockStream<number>): HostStream {
    if (name === 'force') {
      const held = new HeldValues(1, false);
      const release: HostTimedRelease<number> = (tS, n, _payload, gaps) => {
        this.deliverForce(tS, 0, held.data, held.take(n), n, gaps);
      };
      return { clock, held, release };
    }
    if (name === 'rsc') {
      const held = new HeldValues(1, true);
      const release: HostTimedRelease<number> = (tS, n, _payload, gaps) => {
        for (const g of gaps) this.sink.gap(g);
        for (let i = 0; i < n; i++) {
          const at = held.take(1);
          const speedMps = held.data2![at]!;
          this.sink.reading({
            device: this.info.id,
            tS: tS[i]!,
            cadenceSpm: held.data[at]!,
            speedMps: Number.isNaN(speedMps) ? null : speedMps,
          });
        }
      };
      return { clock, held, release };
    }
    // IMU: acc and gyro as two channels ('imu'), or one of them alone.
    const held = new HeldValues(3, name === 'imu');
    const release: HostTimedRelease<number> = (tS, n, _payload, gaps) => {
      const from = held.take(n);
      if (name === 'imu') this.deliverImu(tS, 0, held.data, held.data2, from, n, gaps);
      else if (name === 'acc') this.deliverImu(tS, 0, held.data, null, from, n, gaps);
      else this.deliverImu(tS, 0, null, held.data, from, n, gaps);
    };
    return { clock, held, release };
  }

  /** Clock-less streams hold notifications for their lookahead: time them all now. */
  private flushHostStreams(): void {
    for (const host of this.hostStreams.values()) host.clock.flush(host.release);
  }

  private ensurePairer(): AccGyroPairer {
    this.pairer ??= new AccGyroPairer(this.info.id);
    return this.pairer;
  }

  private drainPairer(all: boolean): void {
    if (!this.pairer) return;
    const batch = all ? this.pairer.flush() : this.pairer.drain();
    if (!batch) return;
    const tS = this.relativeToTimeline(batch.tS, batch.count, this.sensorStream('gyro'));
    this.sink.imu(tS, 0, batch.accMs2, batch.gyroDps, 0, batch.count);
  }

  /** Timeline time of the last paired or relative-timed sample handed on (keeps them in order). */
  private lastMappedS = Number.NaN;

  /** Maps the first `n` sensor-relative times onto the timeline with the device's current offset, in place. */
  private relativeToTimeline(tRel: Float64Array, n: number, stream: SensorClockStream): Float64Array {
    const offset = stream.offsetS;
    let last = this.lastMappedS;
    const minStep = stream.spacingS > 0 ? 0.25 * stream.spacingS : 1e-6;
    for (let i = 0; i < n; i++) {
      let t = tRel[i]! + offset;
      if (t < last + minStep) t = last + minStep;
      tRel[i] = t;
      last = t;
    }
    if (n > 0) this.lastMappedS = last;
    return tRel;
  }

  private gapOnTimeline(gap: StreamGap, stream: SensorClockStream): StreamGap {
    const offset = stream.offsetS;
    return { ...gap, fromS: gap.fromS + offset, toS: gap.toS + offset };
  }

  private gapsOnTimeline(gaps: readonly StreamGap[], stream: SensorClockStream): readonly StreamGap[] {
    return gaps.length === 0 ? NO_GAPS : gaps.map((g) => this.gapOnTimeline(g, stream));
  }

  /** The gyro a device was configured for has not come: its accelerometer data goes on alone. */
  private releaseAccAlone(): void {
    // The buffered accelerometer samples are handed on as accelerometer-only batches.
    this.gyroAbsent = true;
    const batch = this.pairer?.takeAcc() ?? null;
    if (!batch) return;
    const tS = this.relativeToTimeline(batch.tS, batch.count, this.sensorStream('acc'));
    this.sink.imu(tS, 0, batch.accMs2, null, 0, batch.count);
  }

  /** Hands on `n` samples, split at the gaps (each reported before the samples after it). */
  private deliverImu(
    tS: Float64Array,
    tFrom: number,
    acc: Float64Array | null,
    gyro: Float64Array | null,
    vFrom: number,
    n: number,
    gaps: readonly StreamGap[],
  ): void {
    let from = 0;
    for (let k = 0; k < gaps.length; k++) {
      const g = gaps[k]!;
      if (g.index > from) this.sink.imu(tS, tFrom + from, acc, gyro, vFrom + from, g.index - from);
      this.sink.gap(g);
      from = g.index;
    }
    this.sink.imu(tS, tFrom + from, acc, gyro, vFrom + from, n - from);
  }

  private deliverForce(
    tS: Float64Array,
    tFrom: number,
    forceN: Float64Array,
    vFrom: number,
    n: number,
    gaps: readonly StreamGap[],
  ): void {
    let from = 0;
    for (let k = 0; k < gaps.length; k++) {
      const g = gaps[k]!;
      if (g.index > from) this.sink.force(tS, tFrom + from, forceN, vFrom + from, g.index - from);
      this.sink.gap(g);
      from = g.index;
    }
    this.sink.force(tS, tFrom + from, forceN, vFrom + from, n - from);
  }

  /**
   * A notification of a clock-less stream: its values are held (copied: decoder arrays are transient) until
   * its lookahead has passed and it is timed; a notification with a non-finite value is dropped.
   */
  private holdForHostClock(
    name: StreamName,
    defaultRateHz: number,
    values: Float64Array,
    values2: Float64Array | null,
    n: number,
    hostS: number,
  ): void {
    const host = this.hostStream(name, defaultRateHz);
    if (host.held.pushFinite(values, values2, n)) host.clock.push(hostS, n, 0, host.release);
    else this.nonFiniteHost(name, host);
  }

  /** The first `len` values are finite; otherwise the packet is counted and dropped with a warning. */
  private finite(values: Float64Array, len: number): boolean {
    if (allFinite(values, len)) return true;
    this.nonFinite();
    return false;
  }

  /** A packet for a clock-less stream was not finite: dropped, and a stream it would have opened is not opened. */
  private nonFiniteHost(name: StreamName, host: HostStream): void {
    if (host.clock.samples === 0 && host.clock.pending === 0) {
      this.hostStreams.delete(name);
      this.streams.delete(name);
      this.lastHostName = null;
      this.lastHost = null;
    }
    this.nonFinite();
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
    if (buf.hasAcc || buf.hasGyro) {
      const tS = this.times(n);
      const gaps = this.alignSamples('sample-imu', buf, tS);
      this.deliverImu(tS, 0, buf.hasAcc ? buf.acc : null, buf.hasGyro ? buf.gyro : null, 0, n, gaps);
    }
    if (buf.hasForce) {
      const tS = this.times(n);
      const gaps = this.alignSamples('sample-force', buf, tS);
      this.deliverForce(tS, 0, buf.force, 0, n, gaps);
    }
    if (buf.hasCadence) {
      const id = this.info.id;
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
      let gaps: StreamGap[] | null = null;
      const one = this.oneT;
      const oneU = this.oneUs;
      for (let i = 0; i < n; i++) {
        oneU[0] = buf.sensorTMs[i]! * 1000;
        const g = (stream as SensorClockStream).align(buf.t[i]!, oneU, 1, one);
        outT[i] = one[0]!;
        for (const gap of g) {
          gaps ??= [];
          gaps.push({ ...gap, index: i });
        }
      }
      return gaps ?? NO_GAPS;
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

function allFinite(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}
