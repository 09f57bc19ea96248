import { bytesToHex } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { vectorBytes } from '../vectors/types.js';
import {
  buildPmdStartCommand,
  POLAR_PMD_CP as CP,
  checkPolarConfig,
  POLAR_PMD_DATA as DATA,
  fillPolarSampleTimesUs,
  PmdMeasurementType,
  PolarPmdDecoder,
  parsePmdSettings,
  polarModelFromName,
  resolvePolarSettings,
} from './polar-pmd.js';

const P3 = vectorBytes('02 6500000000000000 81 F1FF 1400 F003 06 01 7B0F08');
const accValuesMg = (d: PolarPmdDecoder, frame: Uint8Array) => {
  const item = d.decode(DATA, frame).items[0];
  return item?.kind === 'acc'
    ? Array.from(item.valuesMs2, (v) => Math.round((v / 9.80665) * 1e6) / 1e3)
    : null;
};

describe('PMD commands and settings', () => {
  it('builds the H10 ECG start (§2.4): 130 Hz, 14 bit, no range', () => {
    const bytes = buildPmdStartCommand(PmdMeasurementType.ecg, { sampleRateHz: 130, resolutionBits: 14 });
    expect(bytesToHex(bytes)).toBe('02000001820001010e00');
  });

  it('parses the H10 GET ACC settings reply (settings TLVs)', () => {
    const params = vectorBytes('0004190032006400c8000101100002030200040008 00');
    expect(Object.fromEntries(parsePmdSettings(params))).toEqual({
      0: [25, 50, 100, 200],
      1: [16],
      2: [2, 4, 8],
    });
  });

  it('parses settings leniently like the SDK: a stray byte, truncation and unknown types end parsing', () => {
    expect(parsePmdSettings(vectorBytes('01')).size).toBe(0);
    expect(Object.fromEntries(parsePmdSettings(vectorBytes('0001c800 0201')))).toEqual({ 0: [200] });
    expect(Object.fromEntries(parsePmdSettings(vectorBytes('040103 0501 0000003f 0901 00')))).toEqual({
      4: [3],
      5: [0x3f000000],
    });
  });

  it('derives the model from advertised names', () => {
    expect(polarModelFromName('Polar H10 87654321')).toBe('h10');
    expect(polarModelFromName('Polar Sense B36A2F21')).toBe('verity-sense');
    expect(polarModelFromName('Polar Stride 1234')).toBeNull();
  });

  it('resolves defaults and SDK mode', () => {
    expect(resolvePolarSettings({})).toMatchObject({
      model: 'h10',
      rateHz: 200,
      accRangeG: 8,
      acc: true,
      gyro: false,
      sdkMode: false,
    });
    expect(resolvePolarSettings({ model: 'verity-sense' })).toMatchObject({
      rateHz: 52,
      acc: true,
      gyro: true,
      sdkMode: false,
    });
    expect(resolvePolarSettings({ model: 'verity-sense', gyroRangeDps: 250 }).sdkMode).toBe(true);
    expect(
      resolvePolarSettings({ model: 'verity-sense', gyroRangeDps: 250, measurements: ['acc'] }).sdkMode,
    ).toBe(false);
  });

  it('names the field and the allowed values in config problems', () => {
    expect(checkPolarConfig({ model: 'h10', rateHz: 52 })).toEqual([
      'config.rateHz: 52 is not supported by Polar H10 (25, 50, 100, 200 Hz)',
    ]);
    expect(checkPolarConfig({ model: 'h10', measurements: ['acc', 'gyro'] })).toEqual([
      'config.measurements: "gyro" is not streamed by Polar H10 (acc)',
    ]);
    expect(checkPolarConfig({ model: 'oh1' })[0]).toMatch(/^config\.model: "oh1"/);
    expect(
      checkPolarConfig({ model: 'verity-sense', accRangeG: 16, rateHz: 416, measurements: ['gyro'] }),
    ).toEqual([]);
  });
});

describe('PMD per-sample timestamps (SDK PmdTimeStampUtils)', () => {
  it('spaces the first frame at the nominal rate, ending at the frame time', () => {
    const out = new Float64Array(3);
    fillPolarSampleTimesUs(out, 3, 1e9, 0, 100);
    expect(Array.from(out)).toEqual([980000, 990000, 1000000]);
  });

  it('spreads later frames evenly since the previous frame, rounding ns half to even', () => {
    const out = new Float64Array(4);
    fillPolarSampleTimesUs(out, 4, 1e9 + 40_000_000, 1e9, 50);
    expect(Array.from(out)).toEqual([1010000, 1020000, 1030000, 1040000]);
    const two = new Float64Array(2);
    fillPolarSampleTimesUs(two, 2, 103, 100, 50); // delta 1.5 ns: 101.5 → 102 (even)
    expect(Array.from(two)).toEqual([0.102, 0.103]);
    fillPolarSampleTimesUs(two, 2, 101, 100, 50); // 100.5 → 100
    expect(Array.from(two)).toEqual([0.1, 0.101]);
  });

  it('falls back to the nominal rate when the clock did not advance', () => {
    const out = new Float64Array(2);
    fillPolarSampleTimesUs(out, 2, 1e9, 2e9, 100);
    expect(Array.from(out)).toEqual([990000, 1000000]);
  });
});

describe('PolarPmdDecoder state', () => {
  it('a new start without FACTOR resets the factor to 1; a refused start changes nothing', () => {
    const d = new PolarPmdDecoder({ model: 'verity-sense' });
    d.decode(CP, vectorBytes('f0 02 02 00 00 0501 0000003f'));
    expect(d.factorFor(2)).toBe(0.5);
    expect(accValuesMg(d, P3)).toEqual([-7.5, 10, 504, -10, 8.5, 504]);
    d.decode(CP, vectorBytes('f0 02 02 06 00 0501 00008040')); // already in state: ignored
    expect(d.factorFor(2)).toBe(0.5);
    d.decode(CP, vectorBytes('f0 02 02 00 00'));
    expect(d.factorFor(2)).toBe(1);
    expect(accValuesMg(d, P3)).toEqual([-15, 20, 1008, -20, 17, 1008]);
  });

  it('entering SDK mode and reset() clear every FACTOR', () => {
    const d = new PolarPmdDecoder({ model: 'verity-sense' });
    d.decode(CP, vectorBytes('f0 02 05 00 00 0501 0000003f'));
    expect(d.factorFor(5)).toBe(0.5);
    d.decode(CP, vectorBytes('f0 02 09 00 00'));
    expect(d.factorFor(5)).toBe(1);
    d.decode(CP, vectorBytes('f0 02 05 00 00 0501 0000003f'));
    d.reset();
    expect(d.factorFor(5)).toBe(1);
  });

  it('an unsolicited stop restarts the timestamp chain of that type only', () => {
    const d = new PolarPmdDecoder({ model: 'verity-sense', rateHz: 52 });
    const frame = (tsHex: string) => vectorBytes(`02 ${tsHex} 01 f7ff ffff e703 f8ff feff e503`);
    d.decode(DATA, frame('0094357700000000'));
    d.decode(CP, vectorBytes('01 02'));
    const item = d.decode(DATA, frame('00ee977900000000')).items[0];
    expect(item?.kind === 'acc' && Array.from(item.sensorTUs!)).toEqual([2020769.231, 2040000]);
  });

  it('raw type 0 is G on Verity Sense and mG on the H10; type 2 is i24 mG', () => {
    const type0 = vectorBytes('02 0094357700000000 00 01 ff 02');
    expect(accValuesMg(new PolarPmdDecoder({ model: 'verity-sense' }), type0)).toEqual([1000, -1000, 2000]);
    expect(accValuesMg(new PolarPmdDecoder({ model: 'h10' }), type0)).toEqual([1, -1, 2]);
    const type2 = vectorBytes('02 0094357700000000 02 e80300 18fcff 000080');
    expect(accValuesMg(new PolarPmdDecoder({}), type2)).toEqual([1000, -1000, -8388608]);
  });

  it('a continuation interrupted by another op is dropped and reported', () => {
    const d = new PolarPmdDecoder({});
    expect(d.decode(CP, vectorBytes('f0 01 02 00 01 00041900')).items).toEqual([]);
    const r = d.decode(CP, vectorBytes('f0 03 02 00 00'));
    expect(r.error).toMatchObject({ code: 'E_RESYNC', droppedBytes: 4 });
    expect(r.items).toMatchObject([{ kind: 'control-response', op: 3, status: 0 }]);
  });

  it('accepts characteristics in dashed upper-case form', () => {
    const d = new PolarPmdDecoder({});
    expect(d.decode('FB005C81-02E7-F387-1CAD-8ACD2D8DF0C8', vectorBytes('f0 03 02 06 00')).error).toBeNull();
  });
});
