import { WITMOTION_NOTIFY as N, WITMOTION_WRITE as W } from '../definitions/witmotion-wt901.js';
import { STANDARD_GRAVITY_MS2 as G } from '../lib/units.js';
import type { DriverVectors } from './types.js';

// Record layout (§1.3): 0-1 `55 61` | 2-7 acc x,y,z i16 (/32768·16 g) | 8-13 gyro (/32768·2000 °/s)
// | 14-19 angle roll,pitch,yaw (/32768·180 °). Register reply (§1.4): `55 71` | 2-3 start reg | 4-19 8 × i16.
const W1 = '5561 fcff efff 1108 0000 0000 0000 98ff 0d00 f831'; // real BWT901BLE5.0 capture
const W2 = '5561 0000 0000 0008 6606 0000 00f0 1c07 72fc 0040'; // calc
const W1_ACC_G = [-0.00195, -0.0083, 1.0083];
const W1_DEG = [-0.5713, 0.0714, 70.2686];
const W2_ACC_G = [0, 0, 1];
const W2_DPS = [99.976, 0, -250];
const W2_DEG = [9.998, -4.999, 90];
const ms2 = (g: readonly number[]) => g.map((v) => v * G);
const records = (acc: number[], dps: number[], deg: number[], count: number) => [
  { kind: 'acc' as const, count, sensorTUs: null, valuesMs2: ms2(acc) },
  { kind: 'gyro' as const, count, sensorTUs: null, valuesDps: dps },
  { kind: 'euler' as const, count, sensorTUs: null, valuesDeg: deg },
];
// Doc values are rounded to 3–5 decimals.
const ROUNDED = { valuesMs2: 1e-4, valuesDps: 1e-3, valuesDeg: 1e-3 };

export const witmotionWt901Vectors: DriverVectors = {
  driverId: 'witmotion-wt901',
  decode: [
    {
      name: 'W1 stream record (real capture): Az ≈ 1.008 g, yaw ≈ 70.27°',
      source: 'W1',
      characteristic: N,
      hex: W1,
      expected: records(W1_ACC_G, [0, 0, 0], W1_DEG, 1),
      tolerance: ROUNDED,
    },
    {
      name: 'W2 stream record: 1 g on z, gyro (99.976, 0, −250) °/s, angles (9.998, −4.999, 90)°',
      source: 'W2',
      characteristic: N,
      hex: W2,
      expected: records(W2_ACC_G, W2_DPS, W2_DEG, 1),
      tolerance: ROUNDED,
    },
    {
      name: 'four records concatenated in one 80-byte notification',
      source: 'W1, W2 (§1.3 80-byte capture shape)',
      characteristic: N,
      hex: W1 + W2 + W1 + W2,
      expected: records(
        [...W1_ACC_G, ...W2_ACC_G, ...W1_ACC_G, ...W2_ACC_G],
        [0, 0, 0, ...W2_DPS, 0, 0, 0, ...W2_DPS],
        [...W1_DEG, ...W2_DEG, ...W1_DEG, ...W2_DEG],
        4,
      ),
      tolerance: ROUNDED,
    },
    {
      name: 'record split across two notifications (first part held, no error)',
      source: 'W2 (§1.3 split records)',
      characteristic: N,
      hex: '5561 0000 0000 0008 6606 00', // first 13 bytes of W2
      expected: [],
    },
    {
      name: 'split record completed by the next notification, which carries one more record',
      source: 'W2, W1 (§1.3 split records)',
      characteristic: N,
      before: [{ characteristic: N, hex: '5561 0000 0000 0008 6606 00' }],
      hex: '00 00f0 1c07 72fc 0040' + W1, // last 7 bytes of W2, then W1
      expected: records([...W2_ACC_G, ...W1_ACC_G], [...W2_DPS, 0, 0, 0], [...W2_DEG, ...W1_DEG], 2),
      tolerance: ROUNDED,
    },
    {
      name: 'a trailing 0x55 is kept as a possible header',
      source: 'W2 (§6.1 resync)',
      characteristic: N,
      before: [{ characteristic: N, hex: `${W2} 55` }],
      hex: '61 fcff efff 1108 0000 0000 0000 98ff 0d00 f831', // W1 without its first byte
      expected: records(W1_ACC_G, [0, 0, 0], W1_DEG, 1),
      tolerance: ROUNDED,
    },
    {
      name: 'W3 magnetometer register reply (raw counts 360, 105, 122)',
      source: 'W3',
      characteristic: N,
      hex: '5571 3a00 6801 6900 7a00 0000 0000 0000 0000 0000',
      expected: [{ kind: 'magnetometer', raw: [360, 105, 122] }],
    },
    {
      name: 'W4 quaternion register reply: 90° about z',
      source: 'W4',
      characteristic: N,
      hex: '5571 5100 825a 0000 0000 825a 0000 0000 0000 0000',
      expected: [{ kind: 'quaternion', w: 0.70709, x: 0, y: 0, z: 0.70709 }],
      tolerance: { w: 1e-5, z: 1e-5 },
    },
    {
      // 0x018a = 394 → 3.94 V; SDK table: 3.93 V → 75 %, 3.96 V → 90 %, interpolated → 80 %.
      name: 'battery register reply: 3.94 V → 80 %',
      source: 'calc (§1.4 battery, SDK table)',
      characteristic: N,
      hex: '5571 6400 8a01 0000 0000 0000 0000 0000 0000 0000',
      expected: [{ kind: 'battery', volts: 3.94, percent: 80 }],
      tolerance: { percent: 1e-6 },
    },
    {
      // 0x09c4 = 2500 → 25.00 °C
      name: 'temperature register reply: 25.00 °C',
      source: 'calc (§1.4 temperature)',
      characteristic: N,
      hex: '5571 4000 c409 0000 0000 0000 0000 0000 0000 0000',
      expected: [{ kind: 'temperature', celsius: 25 }],
    },
    {
      name: 'garbage before a record: dropped and reported, record still decoded',
      source: 'negative',
      characteristic: N,
      hex: `00 11 22 ${W2}`,
      expected: records(W2_ACC_G, W2_DPS, W2_DEG, 1),
      tolerance: ROUNDED,
      error: 'E_RESYNC',
      droppedBytes: 3,
    },
    {
      name: 'truncated record whose tail never came: dropped when aligned records follow',
      source: 'negative',
      characteristic: N,
      before: [{ characteristic: N, hex: '5561 0000 0000 0008 6606 0000' }], // 12 of 20 bytes
      hex: W1,
      expected: records(W1_ACC_G, [0, 0, 0], W1_DEG, 1),
      tolerance: ROUNDED,
      error: 'E_RESYNC',
      droppedBytes: 12,
    },
    {
      name: 'wrong header (55 62): every byte dropped',
      source: 'negative',
      characteristic: N,
      hex: '5562 0000 0000 0008 6606 0000 00f0 1c07 72fc 0040',
      error: 'E_RESYNC',
      droppedBytes: 20,
    },
    {
      name: 'random bytes',
      source: 'negative',
      characteristic: N,
      hex: '13 37 c0 ff ee',
      error: 'E_RESYNC',
      droppedBytes: 5,
    },
    {
      name: 'register reply for a register this driver does not decode (firmware version 0x2e)',
      source: 'negative',
      characteristic: N,
      hex: '5571 2e00 0110 0000 0000 0000 0000 0000 0000 0000',
      error: 'E_UNKNOWN_TYPE',
    },
    {
      name: 'write characteristic is not decoded',
      source: 'negative',
      characteristic: W,
      hex: W1,
      error: 'E_UNKNOWN_CHARACTERISTIC',
    },
  ],
  commands: [
    {
      name: 'W5 200 Hz: unlock → rate 0x0B → save, 100 ms apart',
      source: 'W5',
      config: { rateHz: 200 },
      command: 'start',
      expectedSteps: [
        { characteristic: W, hex: 'ffaa6988b5', withResponse: true, delayAfterMs: 100 },
        { characteristic: W, hex: 'ffaa030b00', withResponse: true, delayAfterMs: 100 },
        { characteristic: W, hex: 'ffaa000000', withResponse: true },
      ],
    },
    {
      name: '50 Hz rate code 0x08',
      source: '§1.2 RRATE codes',
      config: { rateHz: 50 },
      command: 'start',
      expectedSteps: [
        { characteristic: W, hex: 'ffaa6988b5', withResponse: true, delayAfterMs: 100 },
        { characteristic: W, hex: 'ffaa030800', withResponse: true, delayAfterMs: 100 },
        { characteristic: W, hex: 'ffaa000000', withResponse: true },
      ],
    },
    {
      name: '10 Hz rate code 0x06',
      source: '§1.2 RRATE codes',
      config: { rateHz: 10 },
      command: 'start',
      expectedSteps: [
        { characteristic: W, hex: 'ffaa6988b5', withResponse: true, delayAfterMs: 100 },
        { characteristic: W, hex: 'ffaa030600', withResponse: true, delayAfterMs: 100 },
        { characteristic: W, hex: 'ffaa000000', withResponse: true },
      ],
    },
    {
      name: 'no rate: notifications alone start the stream',
      source: '§1.1',
      config: {},
      command: 'start',
      expectedSteps: [],
    },
    {
      name: 'stop: unsubscribe, no writes',
      source: '§1.1',
      config: { rateHz: 100 },
      command: 'stop',
      expectedSteps: [],
    },
    {
      name: 'read battery register 0x64',
      source: '§1.4',
      config: {},
      command: 'readBattery',
      expectedSteps: [{ characteristic: W, hex: 'ffaa276400', withResponse: true }],
    },
    {
      name: 'read quaternion registers from 0x51',
      source: '§1.4',
      config: {},
      command: 'readQuaternion',
      expectedSteps: [{ characteristic: W, hex: 'ffaa275100', withResponse: true }],
    },
    {
      name: 'read magnetometer registers from 0x3A',
      source: '§1.4',
      config: {},
      command: 'readMagnetometer',
      expectedSteps: [{ characteristic: W, hex: 'ffaa273a00', withResponse: true }],
    },
    {
      name: 'read temperature register 0x40',
      source: '§1.4',
      config: {},
      command: 'readTemperature',
      expectedSteps: [{ characteristic: W, hex: 'ffaa274000', withResponse: true }],
    },
  ],
};
