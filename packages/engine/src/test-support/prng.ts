/** Small seeded PRNG (mulberry32) so timing tests are reproducible. Test support only. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
