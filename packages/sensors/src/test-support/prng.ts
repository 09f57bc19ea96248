/** mulberry32: a small seeded PRNG so fuzz and property tests are reproducible. */
export function createPrng(seed: number): {
  next(): number;
  int(maxExclusive: number): number;
  bytes(n: number): Uint8Array;
} {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
