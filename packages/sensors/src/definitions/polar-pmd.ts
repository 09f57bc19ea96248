import type { DeviceConfig } from '@hamstream/core';
import { BATTERY_LEVEL, decodeBatteryLevel } from '../lib/battery-level.js';
import { float32FromBits, readI16, readI24, readU16, readU32, readU64 } from '../lib/byte-reader.js';
import { assertConfig, describeValue } from '../lib/config.js';
import { scanDeltaFrame, unpackDeltaFrame } from '../lib/delta-frame.js';
import { decodeError, detachResult, Float64Scratch, makeError } from '../lib/result.js';
import { MS2_PER_MG } from '../lib/units.js';
import { normaliseCharacteristic } from '../lib/uuid.js';
import type {
  CommandStep,
  DecodedItem,
  DecodeError,
  DecodeResult,
  DeviceDecoder,
  SensorDriver,
} from '../types.js';

/**
 * Polar Measurement Data (PMD) for the H10 and Verity Sense (protocols.md §2): control-point commands and
 * responses (FACTOR kept per measurement type), raw and delta-compressed ACC/GYRO data frames, and
 * per-sample timestamps derived as the Polar SDK's `PmdTimeStampUtils` does (ns rounded half-to-even).
 *
 * `sensorTUs` is µs since 2000-01-01T00:00:00Z on the sensor's clock (frame ns / 1000, fractional µs kept).
 * An H10 whose clock was never set counts from 2019-01-01 after a restart; the engine maps the device clock
 * onto the recording timeline, so only differences matter here.
 */

export const POLAR_PMD_SERVICE = 'fb005c8002e7f3871cad8acd2d8df0c8';
export const POLAR_PMD_CP = 'fb005c8102e7f3871cad8acd2d8df0c8';
export const POLAR_PMD_DATA = 'fb005c8202e7f3871cad8acd2d8df0c8';

export const PmdMeasurementType = {
  ecg: 0,
  ppg: 1,
  acc: 2,
  ppi: 3,
  gyro: 5,
  mag: 6,
  skinTemp: 7,
  sdkMode: 9,
  location: 10,
  pressure: 11,
  temperature: 12,
} as const;

export const PmdOp = {
  getSettings: 0x01,
  start: 0x02,
  stop: 0x03,
  getSdkModeSettings: 0x04,
  getStatus: 0x05,
  getSdkModeStatus: 0x06,
} as const;

export const PmdSettingType = {
  sampleRate: 0,
  resolution: 1,
  range: 2,
  rangeMilliunit: 3,
  channels: 4,
  factor: 5,
  security: 6,
} as const;

/** Value size in bytes per setting type (CHANNELS is 1 byte: Verity rejects 2). */
const SETTING_VALUE_BYTES: readonly number[] = [2, 2, 2, 4, 1, 4, 16];

export const PMD_STATUS_TEXT: readonly string[] = [
  'success',
  'invalid op code',
  'invalid measurement type',
  'not supported',
  'invalid length',
  'invalid parameter',
  'already in state',
  'invalid resolution',
  'invalid sample rate',
  'invalid range',
  'invalid MTU',
  'invalid number of channels',
  'invalid state',
  'device in charger',
  'disk full',
];

export function pmdStatusText(status: number): string {
  return PMD_STATUS_TEXT[status] ?? `status ${status}`;
}

const FEATURE_BITS: readonly (readonly [byte: 1 | 2, bit: number, name: string])[] = [
  [1, 0, 'ecg'],
  [1, 1, 'ppg'],
  [1, 2, 'acc'],
  [1, 3, 'ppi'],
  [1, 5, 'gyro'],
  [1, 6, 'mag'],
  [1, 7, 'skin-temp'],
  [2, 1, 'sdk-mode'],
  [2, 2, 'location'],
  [2, 3, 'pressure'],
  [2, 4, 'temperature'],
  [2, 5, 'offline-recording'],
  [2, 6, 'offline-hr'],
];

/** Feature names in a control-point read (`0F <byte1> <byte2> …`). */
export function pmdFeatureNames(bytes: Uint8Array): string[] {
  return FEATURE_BITS.filter(([i, bit]) => ((bytes[i] ?? 0) >> bit) & 1).map(([, , name]) => name);
}

// ---------------------------------------------------------------------------------------------------------
// Commands

export interface PmdStartSettings {
  sampleRateHz: number;
  resolutionBits: number;
  /** ±g for ACC, ±°/s for GYRO. */
  range?: number;
  /** Only for devices that list CHANNELS in their settings (Verity Sense); the H10 rejects it. */
  channels?: number;
}

/** `02 <type> [TLV…]` with count 1 per setting, in the order rate, resolution, range, channels. */
export function buildPmdStartCommand(measurementType: number, settings: PmdStartSettings): Uint8Array {
  const out = [PmdOp.start, measurementType & 0xff];
  const u16 = (type: number, v: number) => out.push(type, 1, v & 0xff, (v >> 8) & 0xff);
  u16(PmdSettingType.sampleRate, settings.sampleRateHz);
  u16(PmdSettingType.resolution, settings.resolutionBits);
  if (settings.range !== undefined) u16(PmdSettingType.range, settings.range);
  if (settings.channels !== undefined) out.push(PmdSettingType.channels, 1, settings.channels & 0xff);
  return new Uint8Array(out);
}

export function buildPmdGetSettingsCommand(measurementType: number): Uint8Array {
  return new Uint8Array([PmdOp.getSettings, measurementType & 0xff]);
}

export function buildPmdStopCommand(measurementType: number): Uint8Array {
  return new Uint8Array([PmdOp.stop, measurementType & 0xff]);
}

/**
 * Settings TLVs (`<type u8> <count u8> <count × value>`) from a GET-settings or start response, as
 * unsigned integers per setting type (FACTOR as its float32 bit pattern; SECURITY skipped).
 * Lenient like the SDK: stops at an unknown type or a truncated TLV; one stray byte parses as nothing.
 */
export function parsePmdSettings(params: Uint8Array): Map<number, number[]> {
  const out = new Map<number, number[]>();
  let o = 0;
  while (o + 2 <= params.length) {
    const type = params[o]!;
    const count = params[o + 1]!;
    const size = SETTING_VALUE_BYTES[type];
    if (size === undefined || o + 2 + count * size > params.length) break;
    o += 2;
    const values: number[] = [];
    for (let k = 0; k < count; k++, o += size) {
      if (size === 1) values.push(params[o]!);
      else if (size === 2) values.push(readU16(params, o));
      else if (size === 4) values.push(readU32(params, o));
    }
    if (size !== 16) out.set(type, values);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Settings per model

export type PolarModel = 'h10' | 'verity-sense';
export const POLAR_MODELS: readonly PolarModel[] = ['h10', 'verity-sense'];

interface ModelLimits {
  rates: readonly number[];
  accRangesG: readonly number[];
  gyroRangesDps: readonly number[];
  defaultRateHz: number;
  defaultMeasurements: readonly ('acc' | 'gyro')[];
}

const LIMITS: Record<PolarModel, ModelLimits> = {
  h10: {
    rates: [25, 50, 100, 200],
    accRangesG: [2, 4, 8],
    gyroRangesDps: [],
    defaultRateHz: 200,
    defaultMeasurements: ['acc'],
  },
  // SDK-mode values; normal mode is 52 Hz, ±8 g, ±2000 °/s only.
  'verity-sense': {
    rates: [26, 52, 104, 208, 416],
    accRangesG: [2, 4, 8, 16],
    gyroRangesDps: [250, 500, 1000, 2000],
    defaultRateHz: 52,
    defaultMeasurements: ['acc', 'gyro'],
  },
};

/** What the start sequence asks for and the decoder assumes (first-frame spacing). */
export interface PolarSettings {
  model: PolarModel;
  rateHz: number;
  accRangeG: number;
  gyroRangeDps: number;
  acc: boolean;
  gyro: boolean;
  /** Verity Sense needs SDK mode (`02 09`) for anything but 52 Hz, ±8 g, ±2000 °/s. */
  sdkMode: boolean;
}

/** The model from an advertised name (`Polar H10 1234ABCD`, `Polar Sense 1234ABCD`), or null. */
export function polarModelFromName(localName: string): PolarModel | null {
  if (/^Polar H10\b/.test(localName)) return 'h10';
  if (/^Polar (Verity )?Sense\b/.test(localName)) return 'verity-sense';
  return null;
}

/** Defaults: model `h10`; H10 ACC 200 Hz ±8 g; Verity ACC+GYRO 52 Hz ±8 g ±2000 °/s. Invalid values fall back. */
export function resolvePolarSettings(config: DeviceConfig): PolarSettings {
  const model: PolarModel = config.model === 'verity-sense' ? 'verity-sense' : 'h10';
  const lim = LIMITS[model];
  const rateHz =
    config.rateHz !== undefined && lim.rates.includes(config.rateHz) ? config.rateHz : lim.defaultRateHz;
  const accRangeG =
    config.accRangeG !== undefined && lim.accRangesG.includes(config.accRangeG) ? config.accRangeG : 8;
  const gyroRangeDps =
    config.gyroRangeDps !== undefined && lim.gyroRangesDps.includes(config.gyroRangeDps)
      ? config.gyroRangeDps
      : 2000;
  const wanted = Array.isArray(config.measurements) ? config.measurements : lim.defaultMeasurements;
  const acc = wanted.includes('acc');
  const gyro = model === 'verity-sense' && wanted.includes('gyro');
  const sdkMode =
    model === 'verity-sense' && (rateHz !== 52 || accRangeG !== 8 || (gyro && gyroRangeDps !== 2000));
  return { model, rateHz, accRangeG, gyroRangeDps, acc, gyro, sdkMode };
}

export function checkPolarConfig(config: DeviceConfig): string[] {
  const issues: string[] = [];
  if (config.model !== undefined && !POLAR_MODELS.includes(config.model as PolarModel)) {
    issues.push(
      `config.model: ${describeValue(config.model)} is not a Polar PMD model (${POLAR_MODELS.join(', ')})`,
    );
    return issues;
  }
  const model: PolarModel = config.model === 'verity-sense' ? 'verity-sense' : 'h10';
  const lim = LIMITS[model];
  const name = model === 'h10' ? 'Polar H10' : 'Polar Verity Sense';
  if (config.rateHz !== undefined && !lim.rates.includes(config.rateHz)) {
    issues.push(
      `config.rateHz: ${describeValue(config.rateHz)} is not supported by ${name} (${lim.rates.join(', ')} Hz)`,
    );
  }
  if (config.accRangeG !== undefined && !lim.accRangesG.includes(config.accRangeG)) {
    issues.push(
      `config.accRangeG: ${describeValue(config.accRangeG)} is not supported by ${name} (±${lim.accRangesG.join(', ±')} g)`,
    );
  }
  if (
    config.gyroRangeDps !== undefined &&
    lim.gyroRangesDps.length > 0 &&
    !lim.gyroRangesDps.includes(config.gyroRangeDps)
  ) {
    issues.push(
      `config.gyroRangeDps: ${describeValue(config.gyroRangeDps)} is not supported by ${name} (±${lim.gyroRangesDps.join(', ±')} °/s)`,
    );
  }
  if (config.measurements !== undefined) {
    const ms = config.measurements;
    const allowed = model === 'h10' ? ['acc'] : ['acc', 'gyro'];
    if (!Array.isArray(ms) || ms.length === 0) {
      issues.push(`config.measurements: give at least one of ${allowed.join(', ')}`);
    } else {
      for (const m of ms) {
        if (!allowed.includes(m))
          issues.push(
            `config.measurements: ${describeValue(m)} is not streamed by ${name} (${allowed.join(', ')})`,
          );
      }
    }
  }
  return issues;
}

function cpStep(bytes: Uint8Array, description: string): CommandStep {
  return { characteristic: POLAR_PMD_CP, bytes, withResponse: true, expectsResponse: true, description };
}

export function polarStartSequence(config: DeviceConfig): CommandStep[] {
  assertConfig('polar-pmd', checkPolarConfig(config));
  const s = resolvePolarSettings(config);
  // Send only the settings the device lists in its GET reply: the H10 has no CHANNELS (error 5 if sent).
  const channels = s.model === 'verity-sense' ? 3 : undefined;
  const steps: CommandStep[] = [];
  if (s.sdkMode)
    steps.push(
      cpStep(
        new Uint8Array([PmdOp.start, PmdMeasurementType.sdkMode]),
        'enter SDK mode (rates/ranges beyond 52 Hz, ±8 g, ±2000 °/s)',
      ),
    );
  if (s.acc) {
    const settings: PmdStartSettings = { sampleRateHz: s.rateHz, resolutionBits: 16, range: s.accRangeG };
    if (channels !== undefined) settings.channels = channels;
    steps.push(
      cpStep(
        buildPmdStartCommand(PmdMeasurementType.acc, settings),
        `start ACC ${s.rateHz} Hz ±${s.accRangeG} g`,
      ),
    );
  }
  if (s.gyro) {
    const settings: PmdStartSettings = { sampleRateHz: s.rateHz, resolutionBits: 16, range: s.gyroRangeDps };
    if (channels !== undefined) settings.channels = channels;
    steps.push(
      cpStep(
        buildPmdStartCommand(PmdMeasurementType.gyro, settings),
        `start GYRO ${s.rateHz} Hz ±${s.gyroRangeDps} °/s`,
      ),
    );
  }
  return steps;
}

export function polarStopSequence(config: DeviceConfig): CommandStep[] {
  const s = resolvePolarSettings(config);
  const steps: CommandStep[] = [];
  if (s.acc) steps.push(cpStep(buildPmdStopCommand(PmdMeasurementType.acc), 'stop ACC'));
  if (s.gyro) steps.push(cpStep(buildPmdStopCommand(PmdMeasurementType.gyro), 'stop GYRO'));
  if (s.sdkMode) steps.push(cpStep(buildPmdStopCommand(PmdMeasurementType.sdkMode), 'leave SDK mode'));
  return steps;
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

/**
 * Per-sample times for one frame, µs, as the SDK derives them (ns, rounded, last sample = frame time):
 * after a previous frame of the same kind, delta = (ts − prevTs)/N and sample i = prevTs + delta·(i+1);
 * on the first frame (or when the clock did not advance), delta = 1e9/rateHz and sample i = ts − delta·(N−1−i).
 */
export function fillPolarSampleTimesUs(
  out: Float64Array,
  n: number,
  tsNs: number,
  prevTsNs: number,
  rateHz: number,
): void {
  let delta: number;
  let start: number;
  if (prevTsNs > 0 && tsNs > prevTsNs) {
    delta = (tsNs - prevTsNs) / n;
    start = prevTsNs + delta;
  } else {
    delta = 1e9 / rateHz;
    start = tsNs - delta * (n - 1);
  }
  for (let i = 0; i < n - 1; i++) out[i] = roundHalfEven(start + delta * i) / 1000;
  out[n - 1] = tsNs / 1000;
}

/** Kotlin's `round()` (the SDK's): ties go to the even integer, unlike Math.round. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const FRAME_HEADER_BYTES = 10;

/** One decoder per device: it sees both the control point (FACTOR, stops) and the data characteristic. */
export class PolarPmdDecoder implements DeviceDecoder {
  private readonly settings: PolarSettings;
  /** FACTOR per measurement type from the last successful start response (absent: 1.0). */
  private readonly factors = new Map<number, number>();
  /** Previous frame time (ns) per (measurement type, frame type byte), as the SDK keys it. */
  private readonly prevTsNs = new Map<number, number>();
  private pending: { op: number; type: number; status: number; chunks: Uint8Array[] } | null = null;
  private ints = new Int32Array(3 * 256);
  private readonly last = new Int32Array(8);
  // decodeTransient's sample output, reused: valid until the next decode.
  private readonly values = new Float64Scratch(3 * 256);
  private readonly times = new Float64Scratch(256);
  private readonly accItem = {
    kind: 'acc' as const,
    count: 0,
    sensorTUs: this.times.data,
    valuesMs2: this.values.data,
  };
  private readonly gyroItem = {
    kind: 'gyro' as const,
    count: 0,
    sensorTUs: this.times.data,
    valuesDps: this.values.data,
  };
  private readonly accOnly: DecodedItem[] = [this.accItem];
  private readonly gyroOnly: DecodedItem[] = [this.gyroItem];
  private readonly result: DecodeResult = { items: this.accOnly, error: null };

  constructor(config: DeviceConfig) {
    this.settings = resolvePolarSettings(config);
  }

  reset(): void {
    this.factors.clear();
    this.prevTsNs.clear();
    this.pending = null;
  }

  /** The FACTOR in force for a measurement type (1 when none was received). */
  factorFor(measurementType: number): number {
    return this.factors.get(measurementType) ?? 1;
  }

  decode(characteristic: string, bytes: Uint8Array): DecodeResult {
    return detachResult(this.decodeTransient(characteristic, bytes));
  }

  decodeTransient(characteristic: string, bytes: Uint8Array): DecodeResult {
    const c =
      characteristic === POLAR_PMD_DATA || characteristic === POLAR_PMD_CP
        ? characteristic
        : normaliseCharacteristic(characteristic);
    if (c === POLAR_PMD_DATA) return this.decodeData(bytes);
    if (c === POLAR_PMD_CP) return this.decodeControlPoint(bytes);
    if (c === BATTERY_LEVEL) return decodeBatteryLevel(bytes);
    return decodeError('E_UNKNOWN_CHARACTERISTIC', `polar-pmd: no decoder for ${characteristic}`);
  }

  // --- data frames -------------------------------------------------------------------------------------

  private decodeData(b: Uint8Array): DecodeResult {
    if (b.length < FRAME_HEADER_BYTES) {
      return decodeError(
        'E_SHORT_FRAME',
        `polar-pmd: data frame of ${b.length} bytes, header needs ${FRAME_HEADER_BYTES}`,
      );
    }
    const type = b[0]! & 0x3f;
    const frameByte = b[9]!;
    if (type !== PmdMeasurementType.acc && type !== PmdMeasurementType.gyro) {
      return decodeError(
        'E_UNKNOWN_TYPE',
        `polar-pmd: measurement type ${type} is not decoded (ACC 2, GYRO 5 only)`,
      );
    }
    const compressed = (frameByte & 0x80) !== 0;
    const frameType = frameByte & 0x7f;
    const tsNs = readU64(b, 1);
    const factor = this.factorFor(type);
    if (type === PmdMeasurementType.acc) {
      if (!compressed) return this.rawAcc(b, frameType, frameByte, tsNs);
      if (frameType === 0)
        return this.compressed(b, type, frameByte, tsNs, 16, factor * 1000 * MS2_PER_MG, false);
      if (frameType === 1) return this.compressed(b, type, frameByte, tsNs, 16, factor * MS2_PER_MG, false);
    } else if (compressed) {
      if (frameType === 0) return this.compressed(b, type, frameByte, tsNs, 16, factor, false);
      if (frameType === 1) return this.compressed(b, type, frameByte, tsNs, 32, factor, true);
    }
    const kind = type === PmdMeasurementType.acc ? 'ACC' : 'GYRO';
    return decodeError(
      'E_UNKNOWN_TYPE',
      `polar-pmd: ${kind} frame type 0x${frameByte.toString(16)} is not decoded`,
    );
  }

  /** Raw ACC: type 0 i8 (G on Verity Sense, mG elsewhere), type 1 i16 mG (H10), type 2 i24 mG. No FACTOR. */
  private rawAcc(b: Uint8Array, frameType: number, frameByte: number, tsNs: number): DecodeResult {
    if (frameType > 2)
      return decodeError('E_UNKNOWN_TYPE', `polar-pmd: raw ACC frame type ${frameType} is not decoded`);
    const bytesPerValue = frameType + 1;
    const contentBytes = b.length - FRAME_HEADER_BYTES;
    const sampleBytes = 3 * bytesPerValue;
    if (contentBytes === 0 || contentBytes % sampleBytes !== 0) {
      return decodeError(
        'E_BAD_LENGTH',
        `polar-pmd: raw ACC type ${frameType} content of ${contentBytes} bytes is not a positive multiple of ${sampleBytes}`,
        b.length,
      );
    }
    const n = contentBytes / sampleBytes;
    const scale = (frameType === 0 && this.settings.model === 'verity-sense' ? 1000 : 1) * MS2_PER_MG;
    const values = this.values.ensure(3 * n);
    const times = this.times.ensure(n);
    let p = FRAME_HEADER_BYTES;
    for (let k = 0; k < 3 * n; k++, p += bytesPerValue) {
      const raw = frameType === 1 ? readI16(b, p) : frameType === 0 ? (b[p]! << 24) >> 24 : readI24(b, p);
      values[k] = raw * scale;
    }
    this.fillTimes(times, PmdMeasurementType.acc, frameByte, tsNs, n);
    return this.samples(PmdMeasurementType.acc, n, null);
  }

  /** The transient result: one ACC or GYRO item over the scratch arrays (or none when n is 0). */
  private samples(type: number, n: number, error: DecodeError | null): DecodeResult {
    const result = this.result;
    if (n === 0) result.items = [];
    else if (type === PmdMeasurementType.acc) {
      const item = this.accItem;
      item.count = n;
      item.sensorTUs = this.times.data;
      item.valuesMs2 = this.values.data;
      result.items = this.accOnly;
    } else {
      const item = this.gyroItem;
      item.count = n;
      item.sensorTUs = this.times.data;
      item.valuesDps = this.values.data;
      result.items = this.gyroOnly;
    }
    result.error = error;
    return result;
  }

  private compressed(
    b: Uint8Array,
    type: number,
    frameByte: number,
    tsNs: number,
    resolutionBits: number,
    scale: number,
    floatBits: boolean,
  ): DecodeResult {
    const scan = scanDeltaFrame(b, FRAME_HEADER_BYTES, b.length, 3, resolutionBits);
    if (scan.problem !== null) {
      const code =
        scan.problem === 'short'
          ? 'E_SHORT_FRAME'
          : scan.problem === 'bad-width'
            ? 'E_BAD_VALUE'
            : 'E_BAD_LENGTH';
      // The frame time belongs to its last sample, so a damaged frame is dropped whole.
      return decodeError(
        code,
        `polar-pmd: compressed frame 0x${frameByte.toString(16)}: ${scan.detail}`,
        b.length,
      );
    }
    let n = scan.samples;
    if (this.ints.length < 3 * n) this.ints = new Int32Array(Math.max(3 * n, 2 * this.ints.length));
    const ints = this.ints;
    unpackDeltaFrame(b, FRAME_HEADER_BYTES, b.length, 3, resolutionBits, ints, this.last);
    const values = this.values.ensure(3 * n);
    const times = this.times.ensure(n);
    this.fillTimes(times, type, frameByte, tsNs, n);
    let error: DecodeError | null = null;
    if (!floatBits) {
      for (let k = 0; k < 3 * n; k++) values[k] = ints[k]! * scale;
    } else {
      // 32-bit IEEE floats whose bit patterns were delta-accumulated as integers: NaN/∞ patterns are possible.
      let kept = 0;
      for (let s = 0; s < n; s++) {
        const x = float32FromBits(ints[3 * s]!) * scale;
        const y = float32FromBits(ints[3 * s + 1]!) * scale;
        const z = float32FromBits(ints[3 * s + 2]!) * scale;
        if (Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z)) {
          values[3 * kept] = x;
          values[3 * kept + 1] = y;
          values[3 * kept + 2] = z;
          times[kept] = times[s]!;
          kept++;
        }
      }
      if (kept < n) {
        error = makeError('E_BAD_VALUE', `polar-pmd: ${n - kept} GYRO samples were NaN/∞ and were dropped`);
        n = kept;
      }
    }
    return this.samples(type, n, error);
  }

  private fillTimes(times: Float64Array, type: number, frameByte: number, tsNs: number, n: number): void {
    const key = (type << 8) | frameByte;
    fillPolarSampleTimesUs(times, n, tsNs, this.prevTsNs.get(key) ?? 0, this.settings.rateHz);
    this.prevTsNs.set(key, tsNs);
  }

  private forgetTimes(type: number | null): void {
    if (type === null) {
      this.prevTsNs.clear();
      return;
    }
    for (const key of [...this.prevTsNs.keys()]) if (key >> 8 === type) this.prevTsNs.delete(key);
  }

  // --- control point -----------------------------------------------------------------------------------

  private decodeControlPoint(b: Uint8Array): DecodeResult {
    if (b.length === 0) return decodeError('E_SHORT_FRAME', 'polar-pmd: empty control-point packet');
    switch (b[0]) {
      case 0xf0:
        return this.decodeResponse(b);
      case 0x0f: {
        // Feature read; the SDK parses bytes 1 and 2 only.
        if (b.length < 3)
          return decodeError('E_SHORT_FRAME', `polar-pmd: feature read of ${b.length} bytes, needs 3`);
        const names = pmdFeatureNames(b);
        const item: DecodedItem = {
          kind: 'control-response',
          op: 0x0f,
          measurementType: null,
          status: 0,
          statusText: `features: ${names.join(', ') || 'none'}`,
          params: b.slice(1),
        };
        return { items: [item], error: null };
      }
      case 0x01: {
        // Unsolicited "online measurement stopped by device".
        const types = Array.from(b.subarray(1), (t) => t & 0x3f);
        for (const t of types) this.forgetTimes(t);
        return { items: [{ kind: 'stream-stopped', measurementTypes: types }], error: null };
      }
      default:
        return decodeError(
          'E_BAD_HEADER',
          `polar-pmd: control-point packet starts 0x${b[0]!.toString(16)}, expected F0/0F/01`,
        );
    }
  }

  /** `F0 <op> <type> <status> <more> [params…]`; `more` ≠ 0 continues in further F0 packets. */
  private decodeResponse(b: Uint8Array): DecodeResult {
    if (b.length < 4)
      return decodeError('E_SHORT_FRAME', `polar-pmd: control-point response of ${b.length} bytes, needs 4`);
    const op = b[1]!;
    const type = b[2]! & 0x3f;
    const more = b.length > 4 ? b[4]! : 0;
    const params = b.length > 5 ? b.slice(5) : new Uint8Array(0);
    let error: DecodeError | null = null;
    let pending = this.pending;
    if (pending && (pending.op !== op || pending.type !== type)) {
      const lost = pending.chunks.reduce((s, c) => s + c.length, 0);
      error = makeError(
        'E_RESYNC',
        `polar-pmd: continuation of op ${pending.op} abandoned by op ${op}`,
        lost,
      );
      pending = null;
    }
    if (!pending) pending = { op, type, status: b[3]!, chunks: [] };
    pending.chunks.push(params);
    if (more !== 0) {
      this.pending = pending;
      return { items: [], error };
    }
    this.pending = null;
    const all = concat(pending.chunks);
    const status = pending.status;
    if (status === 0) error = this.applyResponse(op, type, all) ?? error;
    const item: DecodedItem = {
      kind: 'control-response',
      op,
      measurementType: type,
      status,
      statusText: pmdStatusText(status),
      params: all,
    };
    return { items: [item], error };
  }

  /** State a successful response changes: FACTOR and the timestamp chain. */
  private applyResponse(op: number, type: number, params: Uint8Array): DecodeError | null {
    if (type === PmdMeasurementType.sdkMode && (op === PmdOp.start || op === PmdOp.stop)) {
      // Entering or leaving SDK mode ends every stream.
      this.factors.clear();
      this.prevTsNs.clear();
      return null;
    }
    if (op === PmdOp.stop) {
      this.forgetTimes(null); // the SDK clears every stream's previous timestamp on a stop
      return null;
    }
    if (op !== PmdOp.start) return null;
    this.forgetTimes(type);
    // A new start replaces the settings: no FACTOR in the response means 1.0.
    this.factors.delete(type);
    const bits = parsePmdSettings(params).get(PmdSettingType.factor)?.[0];
    if (bits === undefined) return null;
    const factor = float32FromBits(bits);
    if (!Number.isFinite(factor) || factor <= 0) {
      return makeError('E_BAD_VALUE', `polar-pmd: FACTOR ${factor} for type ${type} ignored (1.0 used)`);
    }
    this.factors.set(type, factor);
    return null;
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const polarPmd: SensorDriver = {
  id: 'polar-pmd',
  vendor: 'Polar',
  models: ['H10', 'Verity Sense'],
  // Specific prefixes: a Polar Stride footpod is an RSC sensor, not a PMD one.
  match: { namePrefixes: ['Polar H10', 'Polar Sense', 'Polar Verity'], serviceUuids: [POLAR_PMD_SERVICE] },
  gatt: {
    service: POLAR_PMD_SERVICE,
    // Indications on the control point first: responses arrive there.
    subscribe: [POLAR_PMD_CP, POLAR_PMD_DATA],
    control: POLAR_PMD_CP,
    read: [POLAR_PMD_CP, BATTERY_LEVEL],
  },
  emits: ['acc', 'gyro', 'control-response', 'stream-stopped', 'battery'],
  checkConfig: checkPolarConfig,
  startSequence: polarStartSequence,
  stopSequence: polarStopSequence,
  createDecoder: (config) => new PolarPmdDecoder(config),
  commands: {
    getAccSettings: () => [cpStep(buildPmdGetSettingsCommand(PmdMeasurementType.acc), 'get ACC settings')],
    getGyroSettings: () => [cpStep(buildPmdGetSettingsCommand(PmdMeasurementType.gyro), 'get GYRO settings')],
    getStatus: () => [cpStep(new Uint8Array([PmdOp.getStatus]), 'get measurement status')],
  },
};
