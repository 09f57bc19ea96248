/**
 * mulberry32: a tiny seeded PRNG, floats in [0, 1). One generator for everything that must be
 * reproducible from a seed (the virtual adapter's `--drop`, fuzz and property tests); the simulator
 * keeps its own string-seeded generator (the committed fixtures depend on its sequence).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
