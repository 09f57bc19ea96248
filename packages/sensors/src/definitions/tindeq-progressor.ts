import type { DeviceConfig } from '@hamstream/core';
import { readF32, readU32 } from '../lib/byte-reader.js';
import { assertConfig, describeValue } from '../lib/config.js';
import { decodeError, detachResult, Float64Scratch, makeError } from '../lib/result.js';
import { NEWTONS_PER_KGF } from '../lib/units.js';
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
 * Tindeq Progressor force gauge (protocols.md §3). Notifications are TLVs `<code> <length> <payload>`;
 * weight samples are N × (f32 kg, u32 µs). `sensorTUs` is the device's µs counter unwrapped across its
 * 2^32 µs (~71.6 min) wrap, so it stays monotonic for as long as the device keeps counting.
 */

export const TINDEQ_SERVICE = '7e4e17011ea640c99dcc13d34ffead57';
export const TINDEQ_DATA = '7e4e17021ea640c99dcc13d34ffead57';
export const TINDEQ_CONTROL = '7e4e17031ea640c99dcc13d34ffead57';

/** Progressor streams weight at a fixed rate; there is no rate command. */
export const TINDEQ_RATE_HZ = 80;

export const TindeqOpcode = {
  tare: 0x64,
  startWeight: 0x65,
  stopWeight: 0x66,
  getBattery: 0x6f,
} as const;

export const TindeqResponseCode = {
  command: 0,
  weight: 1,
  rfdPeak: 2,
  rfdPeakSeries: 3,
  lowPower: 4,
} as const;

/** Commands without parameters are one opcode byte, as Tindeq's own example writes them. */
function opcodeStep(opcode: number, description: string): CommandStep {
  return { characteristic: TINDEQ_CONTROL, bytes: new Uint8Array([opcode]), withResponse: true, description };
}

export const tindeqTareCommand = (): CommandStep[] => [
  opcodeStep(TindeqOpcode.tare, 'tare (needs an active stream)'),
];
export const tindeqStartWeightCommand = (): CommandStep[] => [
  opcodeStep(TindeqOpcode.startWeight, 'start weight stream (80 Hz)'),
];
export const tindeqStopWeightCommand = (): CommandStep[] => [
  opcodeStep(TindeqOpcode.stopWeight, 'stop weight stream'),
];
/** Stop the weight stream first: the reply comes as a code-0 response (u32 mV). */
export const tindeqBatteryCommand = (): CommandStep[] => [
  opcodeStep(TindeqOpcode.getBattery, 'read battery voltage'),
];

export function checkTindeqConfig(config: DeviceConfig): string[] {
  return config.rateHz !== undefined && config.rateHz !== TINDEQ_RATE_HZ
    ? [
        `config.rateHz: ${describeValue(config.rateHz)} — the Progressor streams at a fixed ${TINDEQ_RATE_HZ} Hz`,
      ]
    : [];
}

const WRAP_US = 0x100000000;
const HALF_WRAP_US = WRAP_US / 2;
// A plausible Li-ion cell, mV: tells a battery reply from a 4-character text reply (e.g. "v1.7").
const BATTERY_MV_MIN = 2000;
const BATTERY_MV_MAX = 5000;

/**
 * A code-0 command response does not say which command it answers and the decoder never sees the writes,
 * so a 4-byte payload holding a plausible battery voltage (2000–5000 mV as u32) decodes as battery, and
 * every other payload as text (app version, error log).
 */
export class TindeqDecoder implements DeviceDecoder {
  private lastRawUs = -1;
  private wraps = 0;
  private readonly force = new Float64Scratch(64);
  private readonly times = new Float64Scratch(64);
  // decodeTransient's result, reused: valid until the next decode.
  private readonly forceItem = {
    kind: 'force' as const,
    count: 0,
    sensorTUs: this.times.data,
    forceN: this.force.data,
  };
  private readonly forceOnly: DecodedItem[] = [this.forceItem];
  private readonly others: DecodedItem[] = [];
  private readonly result: DecodeResult = { items: this.forceOnly, error: null };

  reset(): void {
    this.lastRawUs = -1;
    this.wraps = 0;
  }

  decode(characteristic: string, bytes: Uint8Array): DecodeResult {
    return detachResult(this.decodeTransient(characteristic, bytes));
  }

  decodeForceInto(
    characteristic: string,
    bytes: Uint8Array,
    forceN: Float64Array,
    sensorTUs: Float64Array,
    at: number,
  ): number {
    // Only the common notification: weight TLVs alone, whole, every value finite. Checked before
    // anything is written or the clock unwrapping moves on.
    const len = bytes.length;
    let samples = 0;
    for (let p = 0; p < len; ) {
      if (len - p < 2 || bytes[p] !== TindeqResponseCode.weight) return -1;
      const length = bytes[p + 1]!;
      if (length % 8 !== 0 || p + 2 + length > len) return -1;
      for (let o = p + 2; o < p + 2 + length; o += 8) if (!Number.isFinite(readF32(bytes, o))) return -1;
      samples += length >> 3;
      p += 2 + length;
    }
    if (samples === 0 || forceN.length < at + samples || sensorTUs.length < at + samples) return -1;
    if (characteristic !== TINDEQ_DATA && normaliseCharacteristic(characteristic) !== TINDEQ_DATA) return -1;
    let n = at;
    for (let p = 0; p < len; p += 2 + bytes[p + 1]!) {
      const end = p + 2 + bytes[p + 1]!;
      for (let o = p + 2; o < end; o += 8) {
        forceN[n] = readF32(bytes, o) * NEWTONS_PER_KGF;
        sensorTUs[n] = this.unwrap(readU32(bytes, o + 4));
        n++;
      }
    }
    return samples;
  }

  decodeTransient(characteristic: string, bytes: Uint8Array): DecodeResult {
    if (characteristic !== TINDEQ_DATA && normaliseCharacteristic(characteristic) !== TINDEQ_DATA) {
      return decodeError('E_UNKNOWN_CHARACTERISTIC', `tindeq-progressor: no decoder for ${characteristic}`);
    }
    if (bytes.length < 2)
      return decodeError(
        'E_SHORT_FRAME',
        `tindeq-progressor: notification of ${bytes.length} bytes, needs 2`,
      );
    const others = this.others;
    if (others.length !== 0) others.length = 0;
    let error: DecodeError | null = null;
    let n = 0;
    let p = 0;
    // Normally one TLV per notification; more are decoded in turn if a device ever packs them.
    while (p < bytes.length) {
      if (bytes.length - p < 2) {
        error ??= makeError(
          'E_BAD_LENGTH',
          `tindeq-progressor: ${bytes.length - p} trailing byte(s)`,
          bytes.length - p,
        );
        break;
      }
      const code = bytes[p]!;
      const length = bytes[p + 1]!;
      const start = p + 2;
      if (start + length > bytes.length) {
        error ??= makeError(
          'E_SHORT_FRAME',
          `tindeq-progressor: code ${code} says ${length} bytes, ${bytes.length - start} present`,
          bytes.length - p,
        );
        break;
      }
      p = start + length;
      switch (code) {
        case TindeqResponseCode.weight: {
          const samples = length >> 3;
          if (length % 8 !== 0) {
            error ??= makeError(
              'E_BAD_LENGTH',
              `tindeq-progressor: weight payload of ${length} bytes is not N × 8`,
              length % 8,
            );
          }
          const force = this.force.ensure(n + samples);
          const times = this.times.ensure(n + samples);
          for (let k = 0; k < samples; k++) {
            const o = start + 8 * k;
            const kg = readF32(bytes, o);
            const tUs = this.unwrap(readU32(bytes, o + 4));
            if (!Number.isFinite(kg)) {
              error ??= makeError('E_BAD_VALUE', `tindeq-progressor: weight ${kg} dropped`, 8);
              continue;
            }
            force[n] = kg * NEWTONS_PER_KGF;
            times[n] = tUs;
            n++;
          }
          break;
        }
        case TindeqResponseCode.command:
          others.push(commandResponse(bytes.subarray(start, start + length)));
          break;
        case TindeqResponseCode.lowPower:
          others.push({ kind: 'low-power' });
          break;
        default:
          // 2/3 are RFD peak results no source decodes; others are unknown.
          error ??= makeError(
            'E_UNKNOWN_TYPE',
            `tindeq-progressor: response code ${code} is not decoded`,
            2 + length,
          );
      }
    }
    if (n > 0) {
      const item = this.forceItem;
      item.count = n;
      item.sensorTUs = this.times.data;
      item.forceN = this.force.data;
    }
    // Samples first; other responses in the same notification keep their order after them.
    const result = this.result;
    result.items =
      others.length === 0
        ? n > 0
          ? this.forceOnly
          : []
        : n > 0
          ? [this.forceItem, ...others]
          : others.slice();
    result.error = error;
    return result;
  }

  /** u32 device µs → monotonic µs: a drop of more than half the range is a wrap, not a step back. */
  private unwrap(rawUs: number): number {
    if (this.lastRawUs >= 0 && rawUs < this.lastRawUs && this.lastRawUs - rawUs > HALF_WRAP_US) this.wraps++;
    this.lastRawUs = rawUs;
    return rawUs + this.wraps * WRAP_US;
  }
}

function commandResponse(payload: Uint8Array): DecodedItem {
  if (payload.length === 4) {
    const mV = readU32(payload, 0);
    if (mV >= BATTERY_MV_MIN && mV <= BATTERY_MV_MAX)
      return { kind: 'battery', volts: mV / 1000, percent: null };
  }
  // Replies are ASCII; trailing NULs are padding.
  let text = '';
  for (const byte of payload) text += String.fromCharCode(byte);
  return { kind: 'text', text: text.replace(/\0+$/, '') };
}

export const tindeqProgressor: SensorDriver = {
  id: 'tindeq-progressor',
  vendor: 'Tindeq',
  models: ['Progressor'],
  match: { namePrefixes: ['Progressor'], serviceUuids: [TINDEQ_SERVICE] },
  gatt: { service: TINDEQ_SERVICE, subscribe: [TINDEQ_DATA], control: TINDEQ_CONTROL },
  emits: ['force', 'battery', 'text', 'low-power'],
  checkConfig: checkTindeqConfig,
  startSequence(config) {
    assertConfig('tindeq-progressor', checkTindeqConfig(config));
    return tindeqStartWeightCommand();
  },
  stopSequence: () => tindeqStopWeightCommand(),
  createDecoder: () => new TindeqDecoder(),
  commands: {
    tare: tindeqTareCommand,
    readBattery: tindeqBatteryCommand,
  },
};
