import type { DeviceConfig } from '@hamstream/core';
import { readI16, readU16 } from '../lib/byte-reader.js';
import { assertConfig, describeValue } from '../lib/config.js';
import { decodeError, detachResult, Float64Scratch, makeError } from '../lib/result.js';
import { STANDARD_GRAVITY_MS2 } from '../lib/units.js';
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
 * WitMotion WT901BLECL / BWT901BLE5.0 (protocols.md §1). Streams 20-byte `55 61` records (acc, gyro,
 * onboard Euler angles) on FFE4 once notifications are on; register reads come back as `55 71` records.
 * No clock on the sensor: `sensorTUs` is null and the engine timestamps records from host time.
 */

export const WITMOTION_SERVICE = '0000ffe500001000800000805f9a34fb';
/** Note the `9a34fb` suffix: a vendor UUID that only looks like the SIG base (`9b34fb`). */
export const WITMOTION_NOTIFY = '0000ffe400001000800000805f9a34fb';
export const WITMOTION_WRITE = '0000ffe900001000800000805f9a34fb';

export const WITMOTION_RECORD_BYTES = 20;
const HEADER = 0x55;
const FLAG_STREAM = 0x61;
const FLAG_REGISTER = 0x71;

/** Register addresses this driver reads or writes. */
export const WitmotionRegister = {
  save: 0x00,
  rate: 0x03,
  magnetometer: 0x3a,
  temperature: 0x40,
  quaternion: 0x51,
  battery: 0x64,
  unlock: 0x69,
} as const;

/** RRATE codes (register 0x03) for the rates the WT901 supports (0x0A = 125 Hz is WT931-only). */
export const WITMOTION_RATE_CODES: ReadonlyMap<number, number> = new Map([
  [0.2, 0x01],
  [0.5, 0x02],
  [1, 0x03],
  [2, 0x04],
  [5, 0x05],
  [10, 0x06],
  [20, 0x07],
  [50, 0x08],
  [100, 0x09],
  [200, 0x0b],
]);

/** `FF AA <reg> <valueLo> <valueHi>`: the 5-byte register write, no checksum. */
export function witmotionWriteRegister(register: number, value: number): Uint8Array {
  return new Uint8Array([0xff, 0xaa, register & 0xff, value & 0xff, (value >> 8) & 0xff]);
}

/** `FF AA 27 <reg> 00`: ask for a `55 71` reply holding `reg` and the next 7 registers. */
export function witmotionReadRegister(register: number): Uint8Array {
  return new Uint8Array([0xff, 0xaa, 0x27, register & 0xff, 0x00]);
}

function writeStep(bytes: Uint8Array, description: string, delayAfterMs?: number): CommandStep {
  const step: CommandStep = { characteristic: WITMOTION_WRITE, bytes, withResponse: true, description };
  if (delayAfterMs !== undefined) step.delayAfterMs = delayAfterMs;
  return step;
}

/** Unlock (the unlock lasts ~10 s), write RRATE, save; the SDKs wait 100 ms between steps. */
export function witmotionRateSequence(rateHz: number): CommandStep[] {
  const code = WITMOTION_RATE_CODES.get(rateHz);
  if (code === undefined) {
    assertConfig('witmotion-wt901', [rateIssue(rateHz)]);
    return [];
  }
  return [
    writeStep(witmotionWriteRegister(WitmotionRegister.unlock, 0xb588), 'unlock register writes', 100),
    writeStep(witmotionWriteRegister(WitmotionRegister.rate, code), `set return rate ${rateHz} Hz`, 100),
    writeStep(witmotionWriteRegister(WitmotionRegister.save, 0), 'save configuration'),
  ];
}

function rateIssue(rate: unknown): string {
  return `config.rateHz: ${describeValue(rate)} is not a WT901 return rate (${[...WITMOTION_RATE_CODES.keys()].join(', ')} Hz)`;
}

export function checkWitmotionConfig(config: DeviceConfig): string[] {
  const issues: string[] = [];
  if (config.rateHz !== undefined && !WITMOTION_RATE_CODES.has(config.rateHz))
    issues.push(rateIssue(config.rateHz));
  return issues;
}

/**
 * Battery percent from volts, as WitMotion's Android SDK (`Bwt901bleProcessor.getEqPercent`) interpolates:
 * one cell below 5.5 V, two cells above.
 */
export function witmotionBatteryPercent(volts: number): number {
  return volts > 5.5
    ? interpolate(volts, [6.5, 6.8, 7.35, 7.75, 8.5, 8.8], [0, 10, 30, 60, 90, 100])
    : interpolate(
        volts,
        [3.4, 3.5, 3.68, 3.7, 3.73, 3.77, 3.79, 3.82, 3.87, 3.93, 3.96, 3.99],
        [0, 5, 10, 15, 20, 30, 40, 50, 60, 75, 90, 100],
      );
}

function interpolate(v: number, xs: readonly number[], ys: readonly number[]): number {
  if (v <= xs[0]!) return ys[0]!;
  for (let i = 1; i < xs.length; i++) {
    if (v <= xs[i]!) {
      const x0 = xs[i - 1]!;
      const y0 = ys[i - 1]!;
      return y0 + ((v - x0) / (xs[i]! - x0)) * (ys[i]! - y0);
    }
  }
  return ys[ys.length - 1]!;
}

const ACC_MS2_PER_LSB = (16 / 32768) * STANDARD_GRAVITY_MS2;
const GYRO_DPS_PER_LSB = 2000 / 32768;
const ANGLE_DEG_PER_LSB = 180 / 32768;

/**
 * Reassembles the byte stream and decodes records. Notifications may hold several records or end inside
 * one; the buffer resynchronises on `55 61` / `55 71`, and bytes dropped while doing so are reported as one
 * E_RESYNC error (with droppedBytes) beside whatever valid records the packet also held.
 */
export class WitmotionDecoder implements DeviceDecoder {
  /** Bytes of a record split across notifications, held until the rest arrives. */
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly acc = new Float64Scratch(48);
  private readonly gyro = new Float64Scratch(48);
  private readonly euler = new Float64Scratch(48);
  // decodeTransient's result, reused: valid until the next decode.
  private readonly accItem = { kind: 'acc' as const, count: 0, sensorTUs: null, valuesMs2: this.acc.data };
  private readonly gyroItem = { kind: 'gyro' as const, count: 0, sensorTUs: null, valuesDps: this.gyro.data };
  private readonly eulerItem = {
    kind: 'euler' as const,
    count: 0,
    sensorTUs: null,
    valuesDeg: this.euler.data,
  };
  private readonly sampleItems: DecodedItem[] = [this.accItem, this.gyroItem, this.eulerItem];
  private readonly noItems: DecodedItem[] = [];
  private readonly result: DecodeResult = { items: this.noItems, error: null };

  reset(): void {
    this.len = 0;
  }

  decode(characteristic: string, bytes: Uint8Array): DecodeResult {
    return detachResult(this.decodeTransient(characteristic, bytes));
  }

  decodeImuInto(
    characteristic: string,
    bytes: Uint8Array,
    accMs2: Float64Array,
    gyroDps: Float64Array,
    at: number,
  ): number {
    const len = bytes.length;
    if (this.len > 0 || len === 0 || len % WITMOTION_RECORD_BYTES !== 0) return -1;
    if (characteristic !== WITMOTION_NOTIFY && normaliseCharacteristic(characteristic) !== WITMOTION_NOTIFY) {
      return -1;
    }
    const n = len / WITMOTION_RECORD_BYTES;
    for (let i = 0; i < len; i += WITMOTION_RECORD_BYTES) {
      if (bytes[i] !== HEADER || bytes[i + 1] !== FLAG_STREAM) return -1;
    }
    if (accMs2.length < 3 * (at + n) || gyroDps.length < 3 * (at + n)) return -1;
    for (let r = 0, o = 3 * at; r < len; r += WITMOTION_RECORD_BYTES, o += 3) {
      readAccGyro(bytes, r, accMs2, gyroDps, o);
    }
    return n;
  }

  decodeTransient(characteristic: string, bytes: Uint8Array): DecodeResult {
    if (characteristic !== WITMOTION_NOTIFY && normaliseCharacteristic(characteristic) !== WITMOTION_NOTIFY) {
      return decodeError('E_UNKNOWN_CHARACTERISTIC', `witmotion-wt901: no decoder for ${characteristic}`);
    }
    let dropped = 0;
    // A held partial record followed by a packet of whole, aligned records means the partial's tail was
    // lost: a real continuation packet starts mid-record, so its length is not a multiple of 20.
    if (
      this.len > 0 &&
      bytes.length >= WITMOTION_RECORD_BYTES &&
      bytes.length % WITMOTION_RECORD_BYTES === 0 &&
      isHeader(bytes, 0)
    ) {
      dropped += this.len;
      this.len = 0;
    }
    // Records are read straight from the notification unless a partial record is held before it.
    let buf = bytes;
    if (this.len > 0) {
      this.append(bytes);
      buf = this.buf;
    }
    const len = buf === bytes ? bytes.length : this.len;
    const maxRecords = (len / WITMOTION_RECORD_BYTES) | 0;
    const acc = this.acc.ensure(3 * maxRecords);
    const gyro = this.gyro.ensure(3 * maxRecords);
    const euler = this.euler.ensure(3 * maxRecords);
    let replies: DecodedItem[] | null = null;
    let otherError: DecodeError | null = null;
    let n61 = 0;
    let i = 0;
    while (len - i >= 2) {
      const flag = buf[i + 1];
      if (buf[i] !== HEADER || (flag !== FLAG_STREAM && flag !== FLAG_REGISTER)) {
        i++;
        dropped++;
        continue;
      }
      if (len - i < WITMOTION_RECORD_BYTES) break; // partial record: wait for the rest
      if (flag === FLAG_STREAM) {
        const o = 3 * n61++;
        readAccGyro(buf, i, acc, gyro, o);
        euler[o] = readI16(buf, i + 14) * ANGLE_DEG_PER_LSB;
        euler[o + 1] = readI16(buf, i + 16) * ANGLE_DEG_PER_LSB;
        euler[o + 2] = readI16(buf, i + 18) * ANGLE_DEG_PER_LSB;
      } else {
        const reply = decodeRegisterReply(buf, i);
        if (reply.item) {
          replies ??= [];
          replies.push(reply.item);
        } else if (!otherError) otherError = reply.error;
      }
      i += WITMOTION_RECORD_BYTES;
    }
    // A lone trailing byte is kept only if it can start a header.
    if (len - i === 1 && buf[i] !== HEADER) {
      i++;
      dropped++;
    }
    // Keep what is left (a partial record) for the next notification.
    if (buf === bytes) {
      this.len = 0;
      if (i < len) this.append(bytes.subarray(i, len));
    } else if (i > 0) {
      if (i < len) buf.copyWithin(0, i, len);
      this.len = len - i;
    }
    let items = this.noItems;
    if (n61 > 0) {
      this.accItem.count = n61;
      this.accItem.valuesMs2 = acc;
      this.gyroItem.count = n61;
      this.gyroItem.valuesDps = gyro;
      this.eulerItem.count = n61;
      this.eulerItem.valuesDeg = euler;
      items = this.sampleItems;
    }
    // Stream records first, in arrival order; register replies keep their order after them.
    if (replies) items = n61 > 0 ? [...this.sampleItems, ...replies] : replies;
    const result = this.result;
    result.items = items;
    result.error =
      dropped > 0
        ? makeError(
            'E_RESYNC',
            `witmotion-wt901: dropped ${dropped} bytes before a 55 61/55 71 header`,
            dropped,
          )
        : otherError;
    return result;
  }

  private append(bytes: Uint8Array): void {
    const need = this.len + bytes.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(bytes, this.len);
    this.len = need;
  }
}

/** A `55 61` record at `i`: accelerometer (m/s²) and gyro (°/s) xyz into acc[o…o+2], gyro[o…o+2]. */
function readAccGyro(b: Uint8Array, i: number, acc: Float64Array, gyro: Float64Array, o: number): void {
  acc[o] = readI16(b, i + 2) * ACC_MS2_PER_LSB;
  acc[o + 1] = readI16(b, i + 4) * ACC_MS2_PER_LSB;
  acc[o + 2] = readI16(b, i + 6) * ACC_MS2_PER_LSB;
  gyro[o] = readI16(b, i + 8) * GYRO_DPS_PER_LSB;
  gyro[o + 1] = readI16(b, i + 10) * GYRO_DPS_PER_LSB;
  gyro[o + 2] = readI16(b, i + 12) * GYRO_DPS_PER_LSB;
}

function isHeader(b: Uint8Array, i: number): boolean {
  return b[i] === HEADER && (b[i + 1] === FLAG_STREAM || b[i + 1] === FLAG_REGISTER);
}

/** `55 71 <startReg u16> <8 × i16>`: the start register and the seven after it. */
function decodeRegisterReply(
  b: Uint8Array,
  i: number,
): { item: DecodedItem; error: null } | { item: null; error: DecodeError } {
  const register = readU16(b, i + 2);
  const r = (k: number) => readI16(b, i + 4 + 2 * k);
  switch (register) {
    case WitmotionRegister.quaternion:
      return {
        item: { kind: 'quaternion', w: r(0) / 32768, x: r(1) / 32768, y: r(2) / 32768, z: r(3) / 32768 },
        error: null,
      };
    case WitmotionRegister.battery: {
      const volts = r(0) / 100;
      return { item: { kind: 'battery', volts, percent: witmotionBatteryPercent(volts) }, error: null };
    }
    case WitmotionRegister.temperature:
      return { item: { kind: 'temperature', celsius: r(0) / 100 }, error: null };
    case WitmotionRegister.magnetometer:
      // Raw counts: the unit depends on the magnetometer type (register 0x72), see protocols.md §1.4.
      return { item: { kind: 'magnetometer', raw: [r(0), r(1), r(2)] }, error: null };
    default:
      return {
        item: null,
        error: makeError(
          'E_UNKNOWN_TYPE',
          `witmotion-wt901: register reply 0x${register.toString(16)} is not decoded`,
        ),
      };
  }
}

function readStep(register: number, what: string): CommandStep[] {
  return [writeStep(witmotionReadRegister(register), `read ${what} (register 0x${register.toString(16)})`)];
}

export const witmotionWt901: SensorDriver = {
  id: 'witmotion-wt901',
  vendor: 'WitMotion',
  models: ['WT901BLECL', 'BWT901BLE5.0'],
  match: { namePrefixes: [], nameIncludes: ['WT'], serviceUuids: [WITMOTION_SERVICE] },
  gatt: { service: WITMOTION_SERVICE, subscribe: [WITMOTION_NOTIFY], control: WITMOTION_WRITE },
  emits: ['acc', 'gyro', 'euler', 'quaternion', 'battery', 'temperature', 'magnetometer'],
  checkConfig: checkWitmotionConfig,
  startSequence(config) {
    assertConfig('witmotion-wt901', checkWitmotionConfig(config));
    // Notifications alone start the stream at the stored rate; only a requested rate needs writes.
    return config.rateHz === undefined ? [] : witmotionRateSequence(config.rateHz);
  },
  stopSequence() {
    // Unsubscribing (or disconnecting) stops the stream; RATE 0x0D ("none") is unverified on the BLE5 unit
    // and would persist across power cycles after a save, so no writes.
    return [];
  },
  createDecoder: () => new WitmotionDecoder(),
  commands: {
    readQuaternion: () => readStep(WitmotionRegister.quaternion, 'quaternion'),
    readBattery: () => readStep(WitmotionRegister.battery, 'battery voltage'),
    readTemperature: () => readStep(WitmotionRegister.temperature, 'temperature'),
    readMagnetometer: () => readStep(WitmotionRegister.magnetometer, 'magnetometer'),
  },
};
