/**
 * Seeded pseudo-random numbers. The simulator never uses Math.random: the same seed must give
 * byte-identical recordings on every run. Generator: sfc32 (small, fast, passes PractRand), seeded
 * from a string hash so that every subsystem can fork its own independent stream by name. Forking
 * by name (rather than drawing sequentially from one stream) keeps a device's noise unchanged when
 * another device is added to a scenario.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Normal with mean and standard deviation. */
  gauss(mean: number, sd: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Picks one element. */
  pick<T>(items: readonly T[]): T;
  /** An independent generator derived from this one's seed and a label (does not advance this one). */
  fork(label: string): Rng;
}

/** cyrb128: a 128-bit string hash, used only to seed sfc32. */
function hash128(s: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Creates a generator from a seed; `seed` may be a number or any string (e.g. `"bridge/42"`). */
export function createRng(seed: number | string): Rng {
  const key = String(seed);
  let [a, b, c, d] = hash128(key);
  const nextU32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 mixes its state in the first few rounds.
  for (let i = 0; i < 15; i++) nextU32();
  let spare: number | null = null;
  const next = (): number => nextU32() / 4294967296;
  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = next();
      while (u <= 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    gauss: (mean, sd) => mean + sd * rng.normal(),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    fork: (label) => createRng(`${key}/${label}`),
  };
  return rng;
}
