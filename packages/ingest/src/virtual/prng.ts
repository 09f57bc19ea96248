import { mulberry32 } from '@hamstream/core';

/** mulberry32 (@hamstream/core), so --drop runs are reproducible. Returns floats in [0, 1). */
export const createPrng = mulberry32;

/** Mixes a string into a 32-bit seed (FNV-1a), so each device gets its own stream from one --seed. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
