import type { CadenceUnit, DeviceConfig } from '@hamstream/core';
import { BATTERY_LEVEL, decodeBatteryLevel } from '../lib/battery-level.js';
import { ByteReader } from '../lib/byte-reader.js';
import { assertConfig, describeValue } from '../lib/config.js';
import { decodeError } from '../lib/result.js';
import { normaliseCharacteristic } from '../lib/uuid.js';
import type { DecodedItem, DecodeResult, DeviceDecoder, SensorDriver } from '../types.js';

/**
 * Bluetooth SIG Running Speed and Cadence (service 0x1814, protocols.md §4): Stryd, Polar Stride, Zwift
 * RunPod, … No clock and no sequence counter: `rsc` items carry no time and the engine stamps them on arrival.
 */

export const RSC_SERVICE = '1814';
export const RSC_MEASUREMENT = '2a53';
export const RSC_FEATURE = '2a54';
export const SC_CONTROL_POINT = '2a55';
export const SENSOR_LOCATION = '2a5d';

export const RSC_CADENCE_UNITS: readonly CadenceUnit[] = ['steps', 'strides'];

/** Below this raw cadence a running footpod is assumed to count one foot (strides/min). */
export const RSC_STRIDE_HEURISTIC_LIMIT = 120;

/**
 * Steps/min (both feet) from the footpod's raw cadence. Footpods disagree on what they count:
 * `cadenceUnit: 'strides'` doubles, `'steps'` keeps the value, and with no setting the qdomyos-zwift
 * heuristic applies — while running, a value below 120 can only be per-leg, so it is doubled; walking
 * values are kept as sent (walking per-leg and per-step ranges overlap, so set `cadenceUnit` for walkers).
 */
export function rscCadenceSpm(raw: number, running: boolean, unit: CadenceUnit | undefined): number {
  if (unit === 'strides') return raw * 2;
  if (unit === 'steps') return raw;
  return running && raw < RSC_STRIDE_HEURISTIC_LIMIT ? raw * 2 : raw;
}

const RSC_CP_RESULT_TEXT: Record<number, string> = {
  1: 'success',
  2: 'op code not supported',
  3: 'invalid parameter',
  4: 'operation failed',
};

const SENSOR_LOCATION_TEXT = [
  'other',
  'top of shoe',
  'in shoe',
  'hip',
  'front wheel',
  'left crank',
  'right crank',
  'left pedal',
  'right pedal',
  'front hub',
  'rear dropout',
  'chainstay',
  'rear wheel',
  'rear hub',
  'chest',
  'spider',
  'chain ring',
];

export function checkRscConfig(config: DeviceConfig): string[] {
  const u = config.cadenceUnit;
  return u !== undefined && !RSC_CADENCE_UNITS.includes(u)
    ? [`config.cadenceUnit: ${describeValue(u)} must be "steps" or "strides"`]
    : [];
}

export class RscDecoder implements DeviceDecoder {
  private readonly unit: CadenceUnit | undefined;

  constructor(config: DeviceConfig) {
    this.unit = RSC_CADENCE_UNITS.includes(config.cadenceUnit as CadenceUnit)
      ? config.cadenceUnit
      : undefined;
  }

  reset(): void {
    // Stateless: every RSC characteristic value stands alone.
  }

  /** Nothing to reuse (no sample arrays): the same fresh result as `decode`. */
  decodeTransient(characteristic: string, bytes: Uint8Array): DecodeResult {
    return this.decode(characteristic, bytes);
  }

  decode(characteristic: string, bytes: Uint8Array): DecodeResult {
    switch (normaliseCharacteristic(characteristic)) {
      case RSC_MEASUREMENT:
        return this.measurement(bytes);
      case RSC_FEATURE:
        return feature(bytes);
      case SC_CONTROL_POINT:
        return controlPoint(bytes);
      case SENSOR_LOCATION:
        return location(bytes);
      case BATTERY_LEVEL:
        return decodeBatteryLevel(bytes);
      default:
        return decodeError('E_UNKNOWN_CHARACTERISTIC', `ble-rsc: no decoder for ${characteristic}`);
    }
  }

  /** Flags u8, speed u16 (1/256 m/s), cadence u8 (1/min), [stride u16 (cm)], [distance u32 (dm)]. */
  private measurement(bytes: Uint8Array): DecodeResult {
    const r = new ByteReader(bytes);
    const flags = r.u8();
    const speedRaw = r.u16();
    const cadenceRaw = r.u8();
    const strideRaw = flags & 0x01 ? r.u16() : null;
    const distanceRaw = flags & 0x02 ? r.u32() : null;
    if (r.overrun) {
      return decodeError(
        'E_SHORT_FRAME',
        `ble-rsc: measurement of ${bytes.length} bytes is short for flags 0x${flags.toString(16)}`,
      );
    }
    // Longer values are accepted: fields a later spec revision appends come after these.
    const running = (flags & 0x04) !== 0;
    const item: DecodedItem = {
      kind: 'rsc',
      speedMps: speedRaw / 256,
      cadenceRaw,
      cadenceSpm: rscCadenceSpm(cadenceRaw, running, this.unit),
      strideLengthM: strideRaw === null ? null : strideRaw / 100,
      totalDistanceM: distanceRaw === null ? null : distanceRaw / 10,
      running,
    };
    return { items: [item], error: null };
  }
}

function feature(bytes: Uint8Array): DecodeResult {
  if (bytes.length < 2)
    return decodeError('E_SHORT_FRAME', `ble-rsc: feature of ${bytes.length} bytes, needs 2`);
  const bits = bytes[0]! | (bytes[1]! << 8);
  const item: DecodedItem = {
    kind: 'rsc-feature',
    strideLength: (bits & 0x01) !== 0,
    totalDistance: (bits & 0x02) !== 0,
    walkingRunning: (bits & 0x04) !== 0,
    calibration: (bits & 0x08) !== 0,
    multipleLocations: (bits & 0x10) !== 0,
  };
  return { items: [item], error: null };
}

/** `10 <request op> <result> [params]`. */
function controlPoint(bytes: Uint8Array): DecodeResult {
  if (bytes.length < 3)
    return decodeError('E_SHORT_FRAME', `ble-rsc: control-point response of ${bytes.length} bytes, needs 3`);
  if (bytes[0] !== 0x10)
    return decodeError(
      'E_BAD_HEADER',
      `ble-rsc: control-point indication starts 0x${bytes[0]!.toString(16)}, expected 10`,
    );
  const status = bytes[2]!;
  const item: DecodedItem = {
    kind: 'control-response',
    op: bytes[1]!,
    measurementType: null,
    status,
    statusText: RSC_CP_RESULT_TEXT[status] ?? `result ${status}`,
    params: bytes.slice(3),
  };
  return { items: [item], error: null };
}

function location(bytes: Uint8Array): DecodeResult {
  if (bytes.length < 1) return decodeError('E_SHORT_FRAME', 'ble-rsc: empty sensor location');
  const v = bytes[0]!;
  return {
    items: [{ kind: 'text', text: `sensor location: ${SENSOR_LOCATION_TEXT[v] ?? 'reserved'} (${v})` }],
    error: null,
  };
}

export const bleRsc: SensorDriver = {
  id: 'ble-rsc',
  vendor: 'Bluetooth SIG',
  models: ['Running Speed and Cadence footpod'],
  match: { namePrefixes: [], serviceUuids: [RSC_SERVICE] },
  gatt: {
    service: RSC_SERVICE,
    subscribe: [RSC_MEASUREMENT],
    // SC Control Point (write + indicate). Nothing is written to start or stop a footpod; it is listed so
    // calibration or distance-reset commands have a home and its indications decode.
    control: SC_CONTROL_POINT,
    read: [RSC_FEATURE, SENSOR_LOCATION, BATTERY_LEVEL],
  },
  emits: ['rsc', 'rsc-feature', 'control-response', 'battery', 'text'],
  checkConfig: checkRscConfig,
  // Notifications alone start an RSC stream; nothing to write either way.
  startSequence(config) {
    assertConfig('ble-rsc', checkRscConfig(config));
    return [];
  },
  stopSequence: () => [],
  createDecoder: (config) => new RscDecoder(config),
};
