import {
  RSC_MEASUREMENT as M,
  RSC_FEATURE,
  SC_CONTROL_POINT,
  SENSOR_LOCATION,
} from '../definitions/ble-rsc.js';
import { BATTERY_LEVEL } from '../lib/battery-level.js';
import type { DriverVectors } from './types.js';

// RSC Measurement (§4.2): 0 flags (bit0 stride, bit1 distance, bit2 running) | 1-2 speed u16 /256 m/s
// | 3 cadence u8 1/min | [stride u16 cm] | [distance u32 dm].
const R1 = '02 0005 50 ffff0001';
const R2 = '07 8003 58 7700 79cc0000';
const R3 = '04 c002 ac';

export const bleRscVectors: DriverVectors = {
  driverId: 'ble-rsc',
  decode: [
    {
      name: 'R1 walking, 5.0 m/s, cadence 80, distance 1 684 275.1 m (kept as sent: not running)',
      source: 'R1 (OpenTracks test)',
      characteristic: M,
      hex: R1,
      expected: [
        {
          kind: 'rsc',
          speedMps: 5,
          cadenceRaw: 80,
          cadenceSpm: 80,
          strideLengthM: null,
          totalDistanceM: 1684275.1,
          running: false,
        },
      ],
      tolerance: { totalDistanceM: 1e-6 },
    },
    {
      name: 'R1 with cadenceUnit strides → 160 steps/min',
      source: 'R1',
      characteristic: M,
      config: { cadenceUnit: 'strides' },
      hex: R1,
      expected: [{ kind: 'rsc', cadenceRaw: 80, cadenceSpm: 160 }],
    },
    {
      name: 'R2 running 3.5 m/s, cadence 88 (< 120 while running → doubled to 176), stride 1.19 m, 5234.5 m',
      source: 'R2',
      characteristic: M,
      hex: R2,
      expected: [
        {
          kind: 'rsc',
          speedMps: 3.5,
          cadenceRaw: 88,
          cadenceSpm: 176,
          strideLengthM: 1.19,
          totalDistanceM: 5234.5,
          running: true,
        },
      ],
      tolerance: { strideLengthM: 1e-9, totalDistanceM: 1e-6 },
    },
    {
      name: 'R2 with cadenceUnit steps: 88 kept',
      source: 'R2',
      characteristic: M,
      config: { cadenceUnit: 'steps' },
      hex: R2,
      expected: [{ kind: 'rsc', cadenceRaw: 88, cadenceSpm: 88 }],
    },
    {
      name: 'R3 running 2.75 m/s, cadence 172 (≥ 120: already steps), no optional fields',
      source: 'R3',
      characteristic: M,
      hex: R3,
      expected: [
        {
          kind: 'rsc',
          speedMps: 2.75,
          cadenceRaw: 172,
          cadenceSpm: 172,
          strideLengthM: null,
          totalDistanceM: null,
          running: true,
        },
      ],
    },
    {
      name: 'RSC Feature: every bit set',
      source: 'calc (§4.3)',
      characteristic: RSC_FEATURE,
      hex: '1f00',
      expected: [
        {
          kind: 'rsc-feature',
          strideLength: true,
          totalDistance: true,
          walkingRunning: true,
          calibration: true,
          multipleLocations: true,
        },
      ],
    },
    {
      name: 'RSC Feature: stride length and distance only',
      source: 'calc (§4.3)',
      characteristic: RSC_FEATURE,
      hex: '0300',
      expected: [
        {
          kind: 'rsc-feature',
          strideLength: true,
          totalDistance: true,
          walkingRunning: false,
          calibration: false,
          multipleLocations: false,
        },
      ],
    },
    {
      name: 'SC Control Point response: set cumulative value succeeded',
      source: 'calc (§4.4)',
      characteristic: SC_CONTROL_POINT,
      hex: '10 01 01',
      expected: [
        {
          kind: 'control-response',
          op: 1,
          measurementType: null,
          status: 1,
          statusText: 'success',
          params: '',
        },
      ],
    },
    {
      name: 'sensor location: in shoe',
      source: 'calc (§4.4)',
      characteristic: SENSOR_LOCATION,
      hex: '02',
      expected: [{ kind: 'text', text: 'sensor location: in shoe (2)' }],
    },
    {
      name: 'battery level 90 %',
      source: 'calc (SIG 0x2A19)',
      characteristic: BATTERY_LEVEL,
      hex: '5a',
      expected: [{ kind: 'battery', volts: null, percent: 90 }],
    },
    {
      name: 'measurement truncated before cadence',
      source: 'negative',
      characteristic: M,
      hex: '02 0005',
      error: 'E_SHORT_FRAME',
    },
    {
      name: 'R2 truncated: flags promise distance',
      source: 'negative',
      characteristic: M,
      hex: '07 8003 58 7700 79',
      error: 'E_SHORT_FRAME',
    },
    { name: 'empty measurement', source: 'negative', characteristic: M, hex: '', error: 'E_SHORT_FRAME' },
    {
      name: 'one-byte feature',
      source: 'negative',
      characteristic: RSC_FEATURE,
      hex: '1f',
      error: 'E_SHORT_FRAME',
    },
    {
      name: 'control-point indication with a wrong header',
      source: 'negative',
      characteristic: SC_CONTROL_POINT,
      hex: '11 01 01',
      error: 'E_BAD_HEADER',
    },
    {
      name: 'battery level over 100 %',
      source: 'negative',
      characteristic: BATTERY_LEVEL,
      hex: 'c8',
      error: 'E_BAD_VALUE',
    },
    {
      name: 'heart-rate characteristic is not decoded',
      source: 'negative',
      characteristic: '2a37',
      hex: '0050',
      error: 'E_UNKNOWN_CHARACTERISTIC',
    },
  ],
  commands: [
    { name: 'start: notifications alone', source: '§4', config: {}, command: 'start', expectedSteps: [] },
    {
      name: 'stop: unsubscribe',
      source: '§4',
      config: { cadenceUnit: 'strides' },
      command: 'stop',
      expectedSteps: [],
    },
  ],
};
