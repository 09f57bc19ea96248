import { POLAR_PMD_CP as CP, POLAR_PMD_DATA as DATA } from '../definitions/polar-pmd.js';
import { BATTERY_LEVEL } from '../lib/battery-level.js';
import { MS2_PER_MG } from '../lib/units.js';
import type { DriverVectors } from './types.js';

// Data frame (§2.6): 0 measurement type | 1-8 u64 ns since 2000-01-01 (last sample) | 9 frame type
// (bit 7 = delta-compressed) | 10.. content. Control point (§2.2): F0 op type status more params….
const mg = (v: readonly number[]) => v.map((x) => x * MS2_PER_MG);

const H10 = { model: 'h10', rateHz: 50, accRangeG: 8 };
const VERITY = { model: 'verity-sense', rateHz: 52 };

// SDK AccDataTest "compressed type 0": 218 content bytes = 6 ref + 2 block header + 210 (10 bits × 56 × 3).
const P5_CONTENT =
  '71 07 F0 6A 9E 8D 0A 38 BE 5C BE BA 2F 96 B3 EE 4B E5 AD FB 42 B9 EB BE 4C FE BA 2F 92 BF EE 4B E4 B1 FB 12 ' +
  'B9 EC BD 3C 3E BB 2F 8F D3 DE 4B E3 B5 F7 D2 B8 ED BD 30 7E 7B 2F 8B E3 CE 8B E2 BA F7 A2 B8 EE BC 20 BE 7B ' +
  '2F 88 F3 CE CB E1 BD EF 52 F8 EF BC 18 FE 3B 2F 84 03 BF CB E0 C2 EF 32 B8 F0 BB 04 4E BC 2E 81 13 AF 0B E0 ' +
  'C6 EF F2 F7 F1 B9 FC 7D BC 2E 7D 27 9F 4B DF CA EB C2 F7 F2 B8 EC CD 7C 2E 7B 37 8F 4B DE CE E3 92 F7 F3 B8 ' +
  'E0 0D FD 2D 77 4B 7F CB DD D2 DF 62 37 F5 B7 D4 4D BD 2D 74 5B 6F CB DC D7 D7 32 37 F6 B5 C8 8D 7D 2D 71 6B ' +
  '4F 4B DC DC D3 F2 36 F7 B4 BC DD FD 2C 6F 7B 3F 4B DB E0 CF D2 36 F8 B2 B0 2D BE 2C 6C 8F 1F CB DA E3 C7 A2 ' +
  '76 F9';
const TS_100NS = '6400000000000000';
const TS_2E9NS = '0094357700000000';
const TS_2_04E9NS = '00ee977900000000'; // 2 040 000 000 ns
// SDK GyrDataTest "compressed type 1": float32 bit patterns (1.0, 10.0, 20.0) then 28-bit deltas.
const GYRO_FLOAT_CONTENT = '0000803f 00002041 0000a041 1c01 0000a001 000008cd ccec0d';
const GET_ACC_SETTINGS_PARAMS = '0004190032006400c8000101100002030200040008 00';

export const polarPmdVectors: DriverVectors = {
  driverId: 'polar-pmd',
  decode: [
    {
      // ts a2 19 d9 7e 9b 43 52 08 = 599 616 035 520 846 242 ns (2019-01-01 00:00:35.52, unset H10 clock);
      // first frame → spacing from the nominal 50 Hz: samples at ts − 40 ms, ts − 20 ms, ts.
      name: 'P1 real H10 raw i16 frame (first 3 of 36 samples)',
      source: 'P1',
      characteristic: DATA,
      config: H10,
      hex: '02 a219d97e9b435208 01 be03 0e00 b6fe cd03 1100 b6fe d803 1200 b6fe',
      expected: [
        {
          kind: 'acc',
          count: 3,
          valuesMs2: mg([958, 14, -330, 973, 17, -330, 984, 18, -330]),
          sensorTUs: [599616035480846.2, 599616035500846.2, 599616035520846.2],
        },
      ],
      tolerance: { sensorTUs: 0.5 },
    },
    {
      name: 'P2 raw type 1: (−9, −1, 999), (−8, −2, 997) mG at 2 000 000 000 ns',
      source: 'P2 (SDK AccDataTest raw type 1)',
      characteristic: DATA,
      config: VERITY,
      hex: `02 ${TS_2E9NS} 01 f7ff ffff e703 f8ff feff e503`,
      expected: [
        {
          kind: 'acc',
          count: 2,
          valuesMs2: mg([-9, -1, 999, -8, -2, 997]),
          sensorTUs: [1980769.231, 2000000],
        },
      ],
      tolerance: { sensorTUs: 1e-6 },
    },
    {
      name: 'raw frames chain their timestamps: delta = (ts − prevTs)/N',
      source: 'calc (§2.6 per-sample timestamps)',
      characteristic: DATA,
      config: VERITY,
      before: [{ characteristic: DATA, hex: `02 ${TS_2E9NS} 01 f7ff ffff e703 f8ff feff e503` }],
      hex: `02 ${TS_2_04E9NS} 01 f7ff ffff e703 f8ff feff e503`,
      expected: [{ kind: 'acc', count: 2, sensorTUs: [2020000, 2040000] }],
      tolerance: { sensorTUs: 1e-6 },
    },
    {
      name: 'a successful stop resets the chain: the next frame uses the nominal rate again',
      source: 'calc (§2.6 "reset prevTs after a stop")',
      characteristic: DATA,
      config: VERITY,
      before: [
        { characteristic: DATA, hex: `02 ${TS_2E9NS} 01 f7ff ffff e703 f8ff feff e503` },
        { characteristic: CP, hex: 'f0 03 02 00 00' },
      ],
      hex: `02 ${TS_2_04E9NS} 01 f7ff ffff e703 f8ff feff e503`,
      expected: [{ kind: 'acc', count: 2, sensorTUs: [2020769.231, 2040000] }],
      tolerance: { sensorTUs: 1e-6 },
    },
    {
      // ref F1FF 1400 F003 = (−15, 20, 1008) | block 06 01 | 7B 0F 08 → deltas (−5, −3, 0).
      // Previous frame at 100 ns: delta 0.5 ns, SDK rounds half to even → samples at 100, 101 ns.
      name: 'P3 compressed 0x81 ACC: ref (−15, 20, 1008), 6-bit delta → (−20, 17, 1008) mG',
      source: 'P3 (SDK AccDataTest compressed type 1)',
      characteristic: DATA,
      config: VERITY,
      before: [{ characteristic: DATA, hex: `02 ${TS_100NS} 81 000000000000` }],
      hex: '02 6500000000000000 81 F1FF 1400 F003 06 01 7B0F08',
      expected: [
        { kind: 'acc', count: 2, valuesMs2: mg([-15, 20, 1008, -20, 17, 1008]), sensorTUs: [0.1, 0.101] },
      ],
      tolerance: { sensorTUs: 1e-9 },
    },
    {
      name: 'FACTOR is per measurement type: a GYRO factor leaves ACC frames unscaled',
      source: 'calc (§2.2 FACTOR)',
      characteristic: DATA,
      config: VERITY,
      before: [{ characteristic: CP, hex: 'f0 02 05 00 00 0501 0000003f' }],
      hex: '02 6500000000000000 81 F1FF 1400 F003 06 01 7B0F08',
      expected: [{ kind: 'acc', count: 2, valuesMs2: mg([-15, 20, 1008, -20, 17, 1008]) }],
    },
    {
      // ref EAFF 0800 0D00 = (−22, 8, 13) | block 03 01 | DF 00 → 3-bit deltas (−1, +3, +3).
      name: 'P4 compressed 0x80 GYRO: (−22, 8, 13) → (−23, 11, 16) °/s, factor 1',
      source: 'P4 (SDK GyrDataTest compressed type 0)',
      characteristic: DATA,
      config: VERITY,
      before: [{ characteristic: DATA, hex: `05 ${TS_100NS} 80 000000000000` }],
      hex: '05 FFFFFFFFFFFFFF7F 80 EAFF 0800 0D00 03 01 DF00',
      expected: [
        {
          kind: 'gyro',
          count: 2,
          valuesDps: [-22, 8, 13, -23, 11, 16],
          sensorTUs: [4611686018427388, 9223372036854776],
        },
      ],
      tolerance: { sensorTUs: 4 },
    },
    {
      // 28-bit deltas added to float bit patterns: 0x3F800000+0x01A00000 = 10.0, 0x41200000+0x00800000 = 20.0,
      // 0x41A00000+0xFDECCCCD wraps to 0x3F8CCCCD = 1.1f.
      name: 'compressed 0x81 GYRO: float32 bit patterns accumulated as integers',
      source: 'SDK GyrDataTest compressed type 1',
      characteristic: DATA,
      config: VERITY,
      before: [{ characteristic: DATA, hex: `05 ${TS_100NS} 81 0000803f 00002041 0000a041` }],
      hex: `05 ${TS_2E9NS} 81 ${GYRO_FLOAT_CONTENT}`,
      expected: [
        {
          kind: 'gyro',
          count: 2,
          valuesDps: [1, 10, 20, 10, 20, 1.100000023841858],
          sensorTUs: [1000000.05, 2000000],
        },
      ],
    },
    {
      name: 'compressed 0x81 GYRO with FACTOR 0.5 from the start response',
      source: 'SDK GyrDataTest compressed type 1 with factor',
      characteristic: DATA,
      config: VERITY,
      before: [
        { characteristic: CP, hex: 'f0 02 05 00 00 0501 0000003f' },
        { characteristic: DATA, hex: `05 ${TS_100NS} 81 0000803f 00002041 0000a041` },
      ],
      hex: `05 ${TS_2E9NS} 81 ${GYRO_FLOAT_CONTENT}`,
      expected: [{ kind: 'gyro', count: 2, valuesDps: [0.5, 5, 10, 5, 10, 0.550000011920929] }],
    },
    {
      // FACTOR f32 2.44e-4 (40 DA 7F 39); ACC 0x80 → value × factor × 1000 mG. The SDK truncates to whole mG
      // (s0 = 464, 6679, −7144); we keep the fraction, hence 1 mG tolerance. s1 raw = (2095, 27271, −29367).
      name: 'P5 compressed 0x80 ACC, 57 samples, FACTOR 2.44e-4 kept from the start response',
      source: 'P5 (SDK AccDataTest compressed type 0)',
      characteristic: DATA,
      config: VERITY,
      before: [
        { characteristic: CP, hex: 'f0 02 02 00 00 0501 40da7f39' },
        { characteristic: DATA, hex: `02 ${TS_100NS} 80 000000000000` },
      ],
      hex: `02 ${TS_2E9NS} 80 ${P5_CONTENT}`,
      expected: [
        {
          kind: 'acc',
          count: 57,
          valuesMs2: { length: 171, head: mg([464, 6679, -7144, 511.18, 6654.12, -7165.55]) },
          sensorTUs: { length: 57, head: [35087.818, 70175.535], tail: [2000000] },
        },
      ],
      tolerance: { valuesMs2: 1 * MS2_PER_MG, sensorTUs: 1e-6 },
    },
    {
      // ts 00 41 6f c4 12 45 93 0a = 762 028 708 863 099 136 ns = 2024-02-23 18:38:28.863 UTC.
      // ref EE02 1FFE 82FF = (750, −481, −126) | block 08 0a | 30 bytes of 8-bit deltas.
      name: 'P6 real Verity Sense 0x81 ACC frame, first block (11 samples, no FACTOR)',
      source: 'P6',
      characteristic: DATA,
      config: VERITY,
      hex:
        '02 00416fc41245930a 81 ee02 1ffe 82ff 08 0a ' +
        '10da20d6a30bd9cbe7d6f6c4e6f1e1f3e0151afe281bf8372c2520131911',
      expected: [
        {
          kind: 'acc',
          count: 11,
          valuesMs2: mg([
            750, -481, -126, 766, -519, -94, 724, -612, -83, 685, -665, -108, 643, -675, -168, 617, -690,
            -199, 604, -722, -178, 630, -724, -138, 657, -732, -83, 701, -695, -51, 720, -670, -34,
          ]),
          sensorTUs: { length: 11, head: [762028708670791.4], tail: [762028708863099.1] },
        },
      ],
      tolerance: { sensorTUs: 0.5 },
    },
    {
      name: 'P7 start ACC accepted (one trailing parameter byte, ignored)',
      source: 'P7',
      characteristic: CP,
      hex: 'f0 02 02 00 00 01',
      expected: [
        {
          kind: 'control-response',
          op: 2,
          measurementType: 2,
          status: 0,
          statusText: 'success',
          params: '01',
        },
      ],
    },
    {
      name: 'P8 stop ACC refused: already in state',
      source: 'P8',
      characteristic: CP,
      hex: 'f0 03 02 06 00',
      expected: [
        {
          kind: 'control-response',
          op: 3,
          measurementType: 2,
          status: 6,
          statusText: 'already in state',
          params: '',
        },
      ],
    },
    {
      // params: 00 04 (rate ×4) 19 00 32 00 64 00 C8 00 | 01 01 (resolution) 10 00 | 02 03 (range ×3) 02 00 04 00 08 00
      name: 'H10 GET ACC settings reply: rates 25/50/100/200, 16 bit, ±2/4/8 g',
      source: '§2.4 get ACC settings',
      characteristic: CP,
      hex: `f0 01 02 00 00 ${GET_ACC_SETTINGS_PARAMS}`,
      expected: [
        { kind: 'control-response', op: 1, measurementType: 2, status: 0, params: GET_ACC_SETTINGS_PARAMS },
      ],
    },
    {
      name: 'a reply split with `more`: parameters from index 5 of each packet are joined',
      source: '§2.2 more',
      characteristic: CP,
      before: [{ characteristic: CP, hex: 'f0 01 02 00 01 0004190032006400' }],
      hex: 'f0 01 02 00 00 c8000101100002030200040008 00',
      expected: [
        { kind: 'control-response', op: 1, measurementType: 2, status: 0, params: GET_ACC_SETTINGS_PARAMS },
      ],
    },
    {
      name: 'the first part of a `more` reply yields nothing yet',
      source: '§2.2 more',
      characteristic: CP,
      hex: 'f0 01 02 00 01 0004190032006400',
      expected: [],
    },
    {
      name: 'feature read of a real H10: ECG + ACC',
      source: '§2.3',
      characteristic: CP,
      hex: '0f 05 00',
      expected: [
        {
          kind: 'control-response',
          op: 0x0f,
          measurementType: null,
          status: 0,
          statusText: 'features: ecg, acc',
          params: '0500',
        },
      ],
    },
    {
      name: 'unsolicited stop from the device',
      source: '§2.2',
      characteristic: CP,
      hex: '01 02 05',
      expected: [{ kind: 'stream-stopped', measurementTypes: [2, 5] }],
    },
    {
      name: 'battery level 100 %',
      source: 'calc (SIG 0x2A19)',
      characteristic: BATTERY_LEVEL,
      hex: '64',
      expected: [{ kind: 'battery', volts: null, percent: 100 }],
    },
    {
      name: 'start response with a NaN FACTOR: reported, ignored',
      source: 'negative',
      characteristic: CP,
      hex: 'f0 02 02 00 00 0501 0000c07f',
      expected: [{ kind: 'control-response', op: 2, status: 0 }],
      error: 'E_BAD_VALUE',
    },
    {
      // x delta 0x40400000 turns 1.0f (0x3F800000) into the NaN pattern 0x7FC00000.
      name: 'float GYRO sample whose bits accumulate to NaN is dropped',
      source: 'negative',
      characteristic: DATA,
      config: VERITY,
      hex: `05 ${TS_2E9NS} 81 0000803f 00002041 0000a041 20 01 00004040 00000000 00000000`,
      expected: [{ kind: 'gyro', count: 1, valuesDps: [1, 10, 20], sensorTUs: [1980769.231] }],
      tolerance: { sensorTUs: 1e-6 },
      error: 'E_BAD_VALUE',
    },
    {
      name: 'truncated frame header',
      source: 'negative',
      characteristic: DATA,
      hex: '02 00 94 35',
      error: 'E_SHORT_FRAME',
    },
    {
      name: 'raw ACC content not a whole number of samples',
      source: 'negative',
      characteristic: DATA,
      hex: `02 ${TS_2E9NS} 01 f7ff ffff e7`,
      error: 'E_BAD_LENGTH',
      droppedBytes: 15,
    },
    {
      name: 'compressed frame truncated inside a delta block',
      source: 'negative',
      characteristic: DATA,
      hex: '02 6500000000000000 81 F1FF 1400 F003 06 01 7B0F',
      error: 'E_SHORT_FRAME',
      droppedBytes: 20,
    },
    {
      name: 'compressed frame with a dangling block-header byte',
      source: 'negative',
      characteristic: DATA,
      hex: '02 6500000000000000 81 F1FF 1400 F003 06 01 7B0F08 06',
      error: 'E_BAD_LENGTH',
    },
    {
      name: 'compressed frame with a delta width over 32 bits',
      source: 'negative',
      characteristic: DATA,
      hex: '02 6500000000000000 81 F1FF 1400 F003 21 00',
      error: 'E_BAD_VALUE',
    },
    {
      name: 'ECG frame (not decoded by this driver)',
      source: 'negative',
      characteristic: DATA,
      hex: `00 ${TS_2E9NS} 00 010203 040506`,
      error: 'E_UNKNOWN_TYPE',
    },
    {
      name: 'raw GYRO frame (the SDK supports none)',
      source: 'negative',
      characteristic: DATA,
      hex: `05 ${TS_2E9NS} 00 0100 0200 0300`,
      error: 'E_UNKNOWN_TYPE',
    },
    {
      name: 'random bytes on the data characteristic',
      source: 'negative',
      characteristic: DATA,
      hex: '3f a1 07 9c 55 e0 12 fe 00 c4 88 19',
      error: 'E_UNKNOWN_TYPE',
    },
    {
      name: 'control-point packet with a wrong first byte',
      source: 'negative',
      characteristic: CP,
      hex: 'aa 02 02 00',
      error: 'E_BAD_HEADER',
    },
    {
      name: 'truncated control-point response',
      source: 'negative',
      characteristic: CP,
      hex: 'f0 02',
      error: 'E_SHORT_FRAME',
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
    {
      name: 'H10 ACC 200 Hz, 16 bit, ±8 g (no CHANNELS TLV)',
      source: '§2.4',
      config: { model: 'h10', rateHz: 200, accRangeG: 8 },
      command: 'start',
      expectedSteps: [
        {
          characteristic: CP,
          hex: '0202 0001c800 01011000 02010800',
          withResponse: true,
          expectsResponse: true,
        },
      ],
    },
    {
      name: 'H10 defaults are ACC 200 Hz ±8 g',
      source: '§2.4',
      config: {},
      command: 'start',
      expectedSteps: [
        {
          characteristic: CP,
          hex: '0202 0001c800 01011000 02010800',
          withResponse: true,
          expectsResponse: true,
        },
      ],
    },
    {
      name: 'H10 ACC 50 Hz ±2 g',
      source: '§2.4',
      config: { model: 'h10', rateHz: 50, accRangeG: 2 },
      command: 'start',
      expectedSteps: [
        {
          characteristic: CP,
          hex: '0202 00013200 01011000 02010200',
          withResponse: true,
          expectsResponse: true,
        },
      ],
    },
    {
      name: 'Verity ACC 52 Hz, 16 bit, ±8 g, 3 channels',
      source: '§2.4',
      config: { model: 'verity-sense', rateHz: 52, accRangeG: 8, measurements: ['acc'] },
      command: 'start',
      expectedSteps: [
        {
          characteristic: CP,
          hex: '0202 00013400 01011000 02010800 040103',
          withResponse: true,
          expectsResponse: true,
        },
      ],
    },
    {
      name: 'Verity ACC + GYRO 52 Hz (defaults): GYRO ±2000 °/s',
      source: '§2.4',
      config: { model: 'verity-sense' },
      command: 'start',
      expectedSteps: [
        {
          characteristic: CP,
          hex: '0202 00013400 01011000 02010800 040103',
          withResponse: true,
          expectsResponse: true,
        },
        {
          characteristic: CP,
          hex: '0205 00013400 01011000 0201d007 040103',
          withResponse: true,
          expectsResponse: true,
        },
      ],
    },
    {
      name: 'Verity 104 Hz ±4 g needs SDK mode first',
      source: '§2.2 SDK mode, §2.5',
      config: { model: 'verity-sense', rateHz: 104, accRangeG: 4, gyroRangeDps: 500 },
      command: 'start',
      expectedSteps: [
        { characteristic: CP, hex: '0209', withResponse: true, expectsResponse: true },
        {
          characteristic: CP,
          hex: '0202 00016800 01011000 02010400 040103',
          withResponse: true,
          expectsResponse: true,
        },
        {
          characteristic: CP,
          hex: '0205 00016800 01011000 0201f401 040103',
          withResponse: true,
          expectsResponse: true,
        },
      ],
    },
    {
      name: 'H10 stop ACC',
      source: '§2.4',
      config: { model: 'h10' },
      command: 'stop',
      expectedSteps: [{ characteristic: CP, hex: '0302', withResponse: true, expectsResponse: true }],
    },
    {
      name: 'Verity stop ACC and GYRO',
      source: '§2.4',
      config: { model: 'verity-sense' },
      command: 'stop',
      expectedSteps: [
        { characteristic: CP, hex: '0302', withResponse: true, expectsResponse: true },
        { characteristic: CP, hex: '0305', withResponse: true, expectsResponse: true },
      ],
    },
    {
      name: 'Verity in SDK mode: stop streams, then leave SDK mode',
      source: '§2.2 SDK mode',
      config: { model: 'verity-sense', rateHz: 208 },
      command: 'stop',
      expectedSteps: [
        { characteristic: CP, hex: '0302', withResponse: true, expectsResponse: true },
        { characteristic: CP, hex: '0305', withResponse: true, expectsResponse: true },
        { characteristic: CP, hex: '0309', withResponse: true, expectsResponse: true },
      ],
    },
    {
      name: 'get ACC settings',
      source: '§2.4',
      config: {},
      command: 'getAccSettings',
      expectedSteps: [{ characteristic: CP, hex: '0102', withResponse: true, expectsResponse: true }],
    },
    {
      name: 'get GYRO settings',
      source: '§2.2',
      config: { model: 'verity-sense' },
      command: 'getGyroSettings',
      expectedSteps: [{ characteristic: CP, hex: '0105', withResponse: true, expectsResponse: true }],
    },
    {
      name: 'get measurement status',
      source: '§2.2',
      config: {},
      command: 'getStatus',
      expectedSteps: [{ characteristic: CP, hex: '05', withResponse: true, expectsResponse: true }],
    },
  ],
};
