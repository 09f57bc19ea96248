import { describe, expect, it } from 'vitest';
import { createPrng, packLsb } from '../test-support/prng.js';
import { LsbBitReader, readBitsLsb, signExtend } from './bit-reader.js';

describe('LsbBitReader', () => {
  it('reads P5’s first 10-bit deltas LSB-first: +190, −105, −85', () => {
    const r = new LsbBitReader(new Uint8Array([0xbe, 0x5c, 0xbe, 0xba]));
    expect([r.readSigned(10), r.readSigned(10), r.readSigned(10)]).toEqual([190, -105, -85]);
    expect(r.overrun).toBe(false);
  });

  it('differs from MSB-first reading for widths other than 8 (the bleakheart pitfall)', () => {
    const bytes = new Uint8Array([0xdf, 0x00]); // P4: 3-bit deltas −1, +3, +3 LSB-first
    const r = new LsbBitReader(bytes);
    expect([r.readSigned(3), r.readSigned(3), r.readSigned(3)]).toEqual([-1, 3, 3]);
    const msbFirst = signExtend(bytes[0]! >> 5, 3);
    expect(msbFirst).not.toBe(-1);
  });

  it('reads 32-bit fields at any bit offset', () => {
    const r = new LsbBitReader(new Uint8Array([0b1010_0000, 0xff, 0xff, 0xff, 0x0f]));
    expect(r.readUnsigned(4)).toBe(0);
    expect(r.readUnsigned(32)).toBe(0xfffffffa);
    expect(signExtend(0xfffffffa, 32)).toBe(-6);
  });

  it('sets overrun instead of reading past the end', () => {
    const r = new LsbBitReader(new Uint8Array([0xff]));
    expect(r.readUnsigned(6)).toBe(63);
    expect(r.readUnsigned(3)).toBe(0);
    expect(r.overrun).toBe(true);
    expect(new LsbBitReader(new Uint8Array(8)).readUnsigned(33)).toBe(0);
  });

  it('round-trips random fields of every width 1..32 against a bit-at-a-time packer', () => {
    const rng = createPrng(7);
    for (let width = 1; width <= 32; width++) {
      const fields = Array.from({ length: 37 }, () => signExtend(Math.floor(rng.next() * 2 ** width), width));
      const r = new LsbBitReader(packLsb(fields, width));
      expect(
        fields.map(() => r.readSigned(width)),
        `width ${width}`,
      ).toEqual(fields);
      expect(readBitsLsb(packLsb([5], width), 0, Math.min(width, 3))).toBe(
        5 & ((1 << Math.min(width, 3)) - 1),
      );
    }
  });
});
