import { mulberry32 } from '@hamstream/core';

/** mulberry32: a small seeded PRNG so fuzz and property tests are reproducible. */
export function createPrng(seed: number): {
  next(): number;
  int(maxExclusive: number): number;
  bytes(n: number): Uint8Array;
} {
  const next = mulberry32(seed);
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  const bytes = (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = int(256);
    return out;
  };
  return { next, int, bytes };
}

/** Packs signed fields LSB-first, one bit at a time: deliberately unlike the decoder's word-at-a-time reader. */
export function packLsb(fields: readonly number[], width: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((fields.length * width) / 8));
  let bit = 0;
  for (const f of fields) {
    for (let k = 0; k < width; k++, bit++) {
      const b = k < 32 ? (f >>> k) & 1 : 0;
      if (b) out[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  return out;
}
