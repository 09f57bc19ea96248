import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, hexToBytesInto, toNobleUuid } from './hex.js';

describe('hex', () => {
  it('round-trips bytes', () => {
    const bytes = new Uint8Array([0, 1, 0x55, 0x61, 0xff, 0xab]);
    expect(bytesToHex(bytes)).toBe('00015561ffab');
    expect(hexToBytes('00015561ffab')).toEqual(bytes);
  });
  it('rejects odd length and non-hex characters', () => {
    expect(hexToBytes('abc')).toBeNull();
    expect(hexToBytes('zz')).toBeNull();
    expect(hexToBytes('0 1')).toBeNull();
  });
  it('accepts uppercase on input', () => {
    expect(hexToBytes('FF')).toEqual(new Uint8Array([255]));
  });
  it('parses into a caller buffer of exactly half the length, rejecting the rest', () => {
    const out = new Uint8Array(3);
    expect(hexToBytesInto('00aBff', out)).toBe(true);
    expect(out).toEqual(new Uint8Array([0, 0xab, 0xff]));
    expect(hexToBytesInto('00ab', out)).toBe(false);
    expect(hexToBytesInto('00abfff', out)).toBe(false);
    expect(hexToBytesInto('00g0ff', out)).toBe(false);
    expect(hexToBytesInto('00\u00e90ff', out)).toBe(false);
    expect(hexToBytes('\u0130a')).toBeNull();
  });
  it('normalises UUIDs to noble form', () => {
    expect(toNobleUuid('00002A53-0000-1000-8000-00805F9B34FB')).toBe('2a53');
    expect(toNobleUuid('FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8')).toBe('fb005c8002e7f3871cad8acd2d8df0c8');
    expect(toNobleUuid('0000ffe5-0000-1000-8000-00805f9a34fb')).toBe('0000ffe500001000800000805f9a34fb');
  });
});
