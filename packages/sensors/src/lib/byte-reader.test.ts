import { describe, expect, it } from 'vitest';
import { ByteReader, float32FromBits, float32ToBits, readU64 } from './byte-reader.js';

describe('ByteReader', () => {
  it('reads little-endian integers and floats', () => {
    const r = new ByteReader(
      new Uint8Array([0xff, 0x34, 0x12, 0xfe, 0xff, 0x00, 0x00, 0x48, 0x41, 0x00, 0x00, 0x80]),
    );
    expect(r.i8()).toBe(-1);
    expect(r.u16()).toBe(0x1234);
    expect(r.i16()).toBe(-2);
    expect(r.f32()).toBe(12.5);
    expect(r.i24()).toBe(-8388608);
    expect(r.remaining).toBe(0);
    expect(r.overrun).toBe(false);
  });

  it('returns 0 and flags overrun past the end, never throwing', () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]));
    expect(r.u32()).toBe(0);
    expect(r.overrun).toBe(true);
    expect(r.u8()).toBe(0);
    expect(r.view(2)).toHaveLength(0);
  });

  it('reads u64 as a double, exact below 2^53', () => {
    expect(readU64(new Uint8Array([0, 0x94, 0x35, 0x77, 0, 0, 0, 0]), 0)).toBe(2_000_000_000);
    expect(readU64(new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0]), 0)).toBe(2 ** 32 + 1);
    expect(new ByteReader(new Uint8Array(8).fill(0xff)).u64()).toBe(2 ** 64);
  });

  it('reinterprets float32 bit patterns both ways', () => {
    expect(float32FromBits(0x3f800000)).toBe(1);
    expect(float32FromBits(0x7fc00000)).toBeNaN();
    expect(float32ToBits(-2)).toBe(0xc0000000 | 0);
  });
});
