import { mulberry32 } from '@hamstream/core';

/** Small seeded PRNG (mulberry32) so timing tests are reproducible. Test support only. */
export const prng = mulberry32;

/**
 * Host receive times of BLE notifications: each is delivered at the next connection event after it
 * was produced (bunching), plus host jitter. Returns a function of the production time, s.
 */
export function bleDelivery(
  rand: () => number,
  intervalS: number,
  jitterS: number,
): (producedS: number) => number {
  const phase = rand() * intervalS;
  return (producedS) => {
    const k = Math.ceil((producedS - phase) / intervalS);
    return phase + k * intervalS + rand() * jitterS + 0.002;
  };
}
