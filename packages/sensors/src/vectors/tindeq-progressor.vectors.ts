import { TINDEQ_CONTROL as C, TINDEQ_DATA as D } from '../definitions/tindeq-progressor.js';
import { NEWTONS_PER_KGF as KGF } from '../lib/units.js';
import type { DriverVectors } from './types.js';

// Notification (§3.2): 0 response code | 1 length | payload. Weight (code 1): N × (f32 kg, u32 µs).
export const tindeqProgressorVectors: DriverVectors = {
  driverId: 'tindeq-progressor',
  decode: [
    {
      // 01 10 | 00 00 48 41 (12.5 kg) 40 42 0f 00 (1 000 000 µs) | 00 00 80 be (−0.25 kg) 14 73 0f 00 (1 012 500 µs)
      name: 'T2 two weight samples: 12.5 kg @ 1 000 000 µs, −0.25 kg @ 1 012 500 µs',
      source: 'T2',
      characteristic: D,
      hex: '01 10 00004841 40420f00 000080be 14730f00',
      expected: [
        { kind: 'force', count: 2, forceN: [12.5 * KGF, -0.25 * KGF], sensorTUs: [1000000, 1012500] },
      ],
    },
    {
      // before: 12.5 kg at 0xFFFFFF00 µs; then 0x00000100 µs → one wrap → 2^32 + 256.
      name: 'timestamps unwrap across the 2^32 µs wrap',
      source: 'calc (§3.2 timestamp)',
      characteristic: D,
      before: [{ characteristic: D, hex: '01 08 00004841 00ffffff' }],
      hex: '01 08 00004841 00010000',
      expected: [{ kind: 'force', count: 1, forceN: [12.5 * KGF], sensorTUs: [4294967552] }],
    },
    {
      name: 'timestamp above 2^31 stays positive (u32, not i32)',
      source: 'calc (§3.2 timestamp)',
      characteristic: D,
      hex: '01 08 00000000 00000080',
      expected: [{ kind: 'force', count: 1, forceN: [0], sensorTUs: [2147483648] }],
    },
    {
      name: 'T3 battery reply after 6F: 4012 mV',
      source: 'T3',
      characteristic: D,
      hex: '00 04 ac0f0000',
      expected: [{ kind: 'battery', volts: 4.012, percent: null }],
    },
    {
      name: 'T4 low-power warning',
      source: 'T4',
      characteristic: D,
      hex: '04 00',
      expected: [{ kind: 'low-power' }],
    },
    {
      name: 'app-version reply as text',
      source: 'calc (§3.1 GET_APP_VERSION is ASCII)',
      characteristic: D,
      hex: '00 05 312e322e33',
      expected: [{ kind: 'text', text: '1.2.3' }],
    },
    {
      // As a u32 "v1.7" is ~0x372E3176 mV: implausible for a battery, so it stays text.
      name: 'a 4-character text reply is not mistaken for a battery voltage',
      source: 'calc',
      characteristic: D,
      hex: '00 04 76312e37',
      expected: [{ kind: 'text', text: 'v1.7' }],
    },
    {
      name: 'NaN weight: sample dropped and reported, the next one kept',
      source: 'negative',
      characteristic: D,
      hex: '01 10 0000c07f 40420f00 00004841 48420f00',
      expected: [{ kind: 'force', count: 1, forceN: [12.5 * KGF], sensorTUs: [1000008] }],
      error: 'E_BAD_VALUE',
    },
    {
      name: 'weight payload not a multiple of 8: whole samples kept',
      source: 'negative',
      characteristic: D,
      hex: '01 09 00004841 40420f00 ff',
      expected: [{ kind: 'force', count: 1, forceN: [12.5 * KGF], sensorTUs: [1000000] }],
      error: 'E_BAD_LENGTH',
      droppedBytes: 1,
    },
    {
      name: 'length byte longer than the payload',
      source: 'negative',
      characteristic: D,
      hex: '01 10 00004841',
      error: 'E_SHORT_FRAME',
    },
    { name: 'a lone byte', source: 'negative', characteristic: D, hex: '01', error: 'E_SHORT_FRAME' },
    {
      name: 'RFD peak (code 2) is not decoded',
      source: 'negative',
      characteristic: D,
      hex: '02 04 00004841',
      error: 'E_UNKNOWN_TYPE',
    },
    {
      name: 'random bytes: unknown response code',
      source: 'negative',
      characteristic: D,
      hex: 'c3 00',
      error: 'E_UNKNOWN_TYPE',
    },
    {
      name: 'control point is not decoded',
      source: 'negative',
      characteristic: C,
      hex: '65',
      error: 'E_UNKNOWN_CHARACTERISTIC',
    },
  ],
  commands: [
    {
      name: 'T1 start weight stream',
      source: 'T1',
      config: {},
      command: 'start',
      expectedSteps: [{ characteristic: C, hex: '65', withResponse: true }],
    },
    {
      name: 'stop weight stream',
      source: '§3.1',
      config: {},
      command: 'stop',
      expectedSteps: [{ characteristic: C, hex: '66', withResponse: true }],
    },
    {
      name: 'tare',
      source: '§3.1',
      config: {},
      command: 'tare',
      expectedSteps: [{ characteristic: C, hex: '64', withResponse: true }],
    },
    {
      name: 'battery voltage',
      source: '§3.1',
      config: {},
      command: 'readBattery',
      expectedSteps: [{ characteristic: C, hex: '6f', withResponse: true }],
    },
  ],
};
