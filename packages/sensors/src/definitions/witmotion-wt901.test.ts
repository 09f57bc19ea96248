import { describe, expect, it } from 'vitest';
import { createPrng } from '../test-support/prng.js';
import type { DecodeResult } from '../types.js';
import { vectorBytes } from '../vectors/types.js';
import {
  checkWitmotionConfig,
  WITMOTION_NOTIFY as N,
  WitmotionDecoder,
  witmotionBatteryPercent,
} from './witmotion-wt901.js';

const W1 = vectorBytes('5561 fcff efff 1108 0000 0000 0000 98ff 0d00 f831');
const W2 = vectorBytes('5561 0000 0000 0008 6606 0000 00f0 1c07 72fc 0040');
const QUAT = vectorBytes('5571 5100 825a 0000 0000 825a 0000 0000 0000 0000');
const stream = new Uint8Array([...W1, ...W2, ...QUAT, ...W2, ...W1]);

/** Everything decoded from a sequence of packets, flattened, plus the errors seen. */
function decodeAll(packets: Uint8Array[]) {
  const d = new WitmotionDecoder();
  const acc: number[] = [];
  const euler: number[] = [];
  const other: string[] = [];
  const errors: DecodeResult['error'][] = [];
  for (const p of packets) {
    const r = d.decode(N, p);
    if (r.error) errors.push(r.error);
    for (const item of r.items) {
      if (item.kind === 'acc') acc.push(...item.valuesMs2);
      else if (item.kind === 'euler') euler.push(...item.valuesDeg);
      else if (item.kind !== 'gyro') other.push(item.kind);
    }
  }
  return { acc, euler, other, errors };
}

describe('WitMotion reassembly', () => {
  const whole = decodeAll([stream]);

  it('decodes a 100-byte stream of 4 records and 1 register reply in one go', () => {
    expect(whole.acc).toHaveLength(12);
    expect(whole.other).toEqual(['quaternion']);
    expect(whole.errors).toEqual([]);
  });

  it('gives the same records however the stream is split in two', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const split = decodeAll([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(split, `cut at ${cut}`).toEqual(whole);
    }
  });

  it('gives the same records for random chunkings (seeded)', () => {
    const rng = createPrng(99);
    for (let trial = 0; trial < 200; trial++) {
      const packets: Uint8Array[] = [];
      for (let i = 0; i < stream.length; ) {
        const n = 1 + rng.int(30);
        packets.push(stream.subarray(i, i + n));
        i += n;
      }
      expect(decodeAll(packets)).toEqual(whole);
    }
  });

  it('reset() drops a held partial record', () => {
    const d = new WitmotionDecoder();
    d.decode(N, W1.subarray(0, 15));
    d.reset();
    const r = d.decode(N, W1.subarray(15));
    expect(r.items).toEqual([]);
    expect(r.error?.code).toBe('E_RESYNC');
  });
});

describe('WitMotion battery and config', () => {
  it('maps volts to percent with the SDK table (interpolated, clamped)', () => {
    expect(witmotionBatteryPercent(3.3)).toBe(0);
    expect(witmotionBatteryPercent(3.4)).toBe(0);
    expect(witmotionBatteryPercent(3.75)).toBeCloseTo(25, 9); // midway 3.73 V (20 %) → 3.77 V (30 %)
    expect(witmotionBatteryPercent(3.99)).toBe(100);
    expect(witmotionBatteryPercent(4.2)).toBe(100);
    expect(witmotionBatteryPercent(8.1)).toBeCloseTo(74, 9); // two cells: between 7.75 V (60 %) and 8.5 V (90 %)
  });

  it('accepts only WT901 return rates', () => {
    expect(checkWitmotionConfig({ rateHz: 0.2 })).toEqual([]);
    expect(checkWitmotionConfig({})).toEqual([]);
    expect(checkWitmotionConfig({ rateHz: 125 })[0]).toMatch(
      /^config\.rateHz: 125 is not a WT901 return rate/,
    );
  });
});
