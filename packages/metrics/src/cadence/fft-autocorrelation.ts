/**
 * The normalised autocorrelation of `autocorrelate` (periodicity.ts), computed through the FFT: the lag
 * products Σ x[i]·x[i+lag] as the inverse transform of the power spectrum, the overlap energies from prefix
 * sums. O(N log N) instead of O(n · lags): the cadence estimator's 400-sample window costs a few 256-point
 * complex FFTs instead of ~10⁵ multiply-adds per component. Equal to the direct sums to rounding (~1e-12
 * relative, tested).
 *
 * The transform is circular: with N ≥ n, c[lag] = s[lag] + s[N − lag] (s the linear lag sums). Zero padding
 * to N ≥ n + lags would make the wrapped term vanish, but it doubles N for the cadence window (400 samples,
 * search lags ≤ 122: 523 → 1024). Instead N may be the smaller power of two ≥ n and the wrapped term,
 * which has only n − (N − lag) products (short: the far end of the window), is subtracted directly, for the
 * lags actually read: `transform` makes the lags up to `exactLag` exact at once, `lags` any others on
 * demand (the period refinement reads a few lags around multiples of the period, up to 0.6 n).
 * Real signals go through half-size complex transforms (the standard even/odd packing), the real and even
 * power spectrum back through a quarter-size one (a DCT-I); radix-4 with per-stage twiddle tables.
 * Allocation-free after the first call for a given size: scratch is per instance.
 */
export class FftAutocorrelation {
  /** Real transform length N, and the complex transform length M = N / 2. */
  private size = 0;
  private half = 0;
  private re = new Float64Array(0);
  private im = new Float64Array(0);
  /** Power spectrum |X[k]|² summed over components, k = 0 … M (P[N − k] = P[k]). */
  private power = new Float64Array(0);
  /** Circular lag sums / N, lag = 0 … M (c[N − lag] = c[lag]). */
  private circ = new Float64Array(0);
  /** e^{−2πik/N}, k < M: the real ↔ complex (un)packings (M- and M/2-point) and the DCT-I weights. */
  private cos = new Float64Array(0);
  private sin = new Float64Array(0);
  /**
   * Radix-4 stage twiddles: per sub-length L = 2, 4, 8 … (at 6·(L − 2)), per k < L: W^k, W^2k, W^3k (re, im),
   * W = e^{−2πi/4L} (they depend on L only, so the M- and M/2-point transforms share them).
   */
  private tw = new Float64Array(0);
  /** Bit reversal for the M- and M/2-point transforms (the packing loops write their input in this order). */
  private rev = new Uint32Array(0);
  private rev2 = new Uint32Array(0);
  private prefix = new Float64Array(0);
  /** splitBins' output: E (re, im) and W·O (re, im). */
  private readonly split = new Float64Array(4);
  /** done[lag] === generation: r[lag] of the current transform is written (lags are computed once). */
  private done = new Int32Array(0);
  private generation = 0;
  /** The signal of the current transform (the caller's array: read by `lags`, must not change meanwhile). */
  private x: Float64Array = new Float64Array(0);
  private n = 0;
  private dims = 0;

  /**
   * r[lag] for lag in [0, maxLag] (and < n) of a `dims`-component signal stored component by component
   * (x[c·n + i], means already removed): the components' products are summed, as `autocorrelate` does.
   */
  compute(x: Float64Array, n: number, dims: number, maxLag: number, r: Float64Array): void {
    this.transform(x, n, dims, maxLag, r);
  }

  /**
   * Transforms x (as `compute`) and writes r[lag] for lag ≤ exactLag; other lags < n afterwards through
   * `lags`, as long as x is unchanged.
   */
  transform(x: Float64Array, n: number, dims: number, exactLag: number, r: Float64Array): void {
    const lags = Math.min(exactLag, n - 1);
    this.x = x;
    this.n = n;
    this.dims = dims;
    if (lags < 0) {
      this.n = 0;
      return;
    }
    // Smallest N without wrapping, halved while N/2 ≥ n and the wrapped products within [0, lags]
    // (t(t+1)/2 for t lags reaching back past N/2 − n) stay below the half transform's N/2 points.
    let size = 8;
    while (size < n + lags + 1) size *= 2;
    while (size / 2 >= Math.max(n, 8)) {
      const t = lags - (size / 2 - n);
      if (t > 0 && (t * (t + 1)) / 2 > size / 2) break;
      size /= 2;
    }
    this.prepare(size, n);
    const half = this.half;
    const power = this.power;
    power.fill(0, 0, half + 1);
    for (let c = 0; c < dims; c++) this.addPower(x, c * n, n);
    // c = DFT(P) / N with P real and even: c[L] = (P[0] + (−1)^L·P[M] + 2·Σ_{0<k<M} P[k]·cos(πkL/M)) / N, a
    // DCT-I of P[0 … M]. Computed through a real FFT of length M, i.e. a quarter-size complex one where a
    // general inverse needs a half-size one (Numerical Recipes' cosft1): y[0] = (P[0] + P[M])/2,
    // y[j] = (P[j] + P[M−j])/2 − sin(πj/M)·(P[j] − P[M−j]), Y = FFT(y); c[2k] = 2·Re Y[k] / N, and the odd
    // lags by a running sum: c[1] = 2·S / N, S = (P[0] − P[M])/2 + Σ_{0<j<M/2} (P[j] − P[M−j])·cos(πj/M),
    // c[2k+1] = c[2k−1] − 2·Im Y[k] / N.
    const re = this.re;
    const im = this.im;
    const rev = this.rev2;
    const cos = this.cos;
    const sin = this.sin;
    const q = half >> 1;
    let odd = 0.5 * (power[0]! - power[half]!);
    re[rev[0]!] = 0.5 * (power[0]! + power[half]!); // y[0]
    // y[j] and y[M−j] (same parity: M is even) into the packed y[2m] + i·y[2m+1], bit-reversed.
    for (let j = 1; j < q; j++) {
      const a = power[j]!;
      const b = power[half - j]!;
      const y1 = 0.5 * (a + b);
      const y2 = a - b;
      const sy2 = -sin[j]! * y2; // sin(πj/M) = sin(2πj/N) = −sin[j]
      odd += cos[j]! * y2;
      const dst = j & 1 ? im : re;
      dst[rev[j >> 1]!] = y1 - sy2;
      dst[rev[(half - j) >> 1]!] = y1 + sy2;
    }
    (q & 1 ? im : re)[rev[q >> 1]!] = power[q]!; // y[M/2]
    this.fft(re, im, q);
    // Y[k] = E + W_M^k·O (W_M^k = cos[2k] + i·sin[2k]), Y[q−k] = conj(E − W_M^k·O); Y[0], Y[q] real.
    const scale = 2 / size;
    const circ = this.circ;
    circ[0] = (re[0]! + im[0]!) * scale;
    circ[half] = (re[0]! - im[0]!) * scale;
    const mid = q >> 1;
    const split = this.split;
    for (let k = 1; k <= mid; k++) {
      const j = q - k;
      splitBins(re, im, k, j, cos[2 * k]!, sin[2 * k]!, split);
      const er = split[0]!;
      const ei = split[1]!;
      const tr = split[2]!;
      const ti = split[3]!;
      // Even lags directly; Im Y kept in the odd slots for the running sum below.
      circ[2 * k] = (er + tr) * scale;
      circ[2 * k + 1] = ei + ti;
      if (j === k) break; // k = q/2 is its own partner
      circ[2 * j] = (er - tr) * scale;
      circ[2 * j + 1] = ti - ei;
    }
    for (let k = 0; k < q; k++) {
      // c[2k + 1] ∝ S − Σ_{0<i≤k} Im Y[i].
      if (k > 0) odd -= circ[2 * k + 1]!;
      circ[2 * k + 1] = odd * scale;
    }
    // Overlap energies: Σ_{i < n−lag} x[i]² and Σ_{i ≥ lag} x[i]², summed over the components.
    const prefix = this.prefix;
    prefix[0] = 0;
    let acc = 0;
    if (dims === 1) {
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        acc += v * v;
        prefix[i + 1] = acc;
      }
    } else {
      for (let i = 0; i < n; i++) {
        let e = 0;
        for (let c = 0; c < dims; c++) {
          const v = x[c * n + i]!;
          e += v * v;
        }
        acc += e;
        prefix[i + 1] = acc;
      }
    }
    this.generation = (this.generation + 1) | 0;
    if (this.generation === 0) {
      this.done.fill(0);
      this.generation = 1;
    }
    this.lags(r, 0, lags);
  }

  /** Writes r[lag] for lag in [lo, hi] (clamped to [0, n)) of the last transform; lags already written are skipped. */
  lags(r: Float64Array, lo: number, hi: number): void {
    const n = this.n;
    const size = this.size;
    const done = this.done;
    const gen = this.generation;
    const x = this.x;
    const dims = this.dims;
    const last = Math.min(hi, n - 1);
    for (let lag = Math.max(lo, 0); lag <= last; lag++) {
      if (done[lag] === gen) continue;
      done[lag] = gen;
      // The wrapped term s[N − lag]: products x[i]·x[i + N − lag], i < n − (N − lag).
      const w = size - lag;
      if (
        w < n &&
        w >= 3 &&
        lag + 3 <= last &&
        done[lag + 1] !== gen &&
        done[lag + 2] !== gen &&
        done[lag + 3] !== gen
      ) {
        // Four neighbouring lags at once (the refinement asks for windows of them): x[i] times
        // x[i + w], x[i + w − 1], x[i + w − 2], x[i + w − 3], the last three carried over from the previous
        // i, so two loads per four products; lag + q has q products more, at the end.
        done[lag + 1] = gen;
        done[lag + 2] = gen;
        done[lag + 3] = gen;
        const m = n - w;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let c = 0; c < dims; c++) {
          const o = c * n;
          let p1 = x[o + w - 1]!;
          let p2 = x[o + w - 2]!;
          let p3 = x[o + w - 3]!;
          const end = o + m;
          for (let i = o; i < end; i++) {
            const xi = x[i]!;
            const y = x[i + w]!;
            a0 += xi * y;
            a1 += xi * p1;
            a2 += xi * p2;
            a3 += xi * p3;
            p3 = p2;
            p2 = p1;
            p1 = y;
          }
          const e = o + n; // x[end + t] pairs with x[e − q + t]
          const u0 = x[end]!;
          const u1 = x[end + 1]!;
          const u2 = x[end + 2]!;
          a1 += u0 * x[e - 1]!;
          a2 += u0 * x[e - 2]! + u1 * x[e - 1]!;
          a3 += u0 * x[e - 3]! + u1 * x[e - 2]! + u2 * x[e - 1]!;
        }
        r[lag] = this.normalized(lag, a0);
        r[lag + 1] = this.normalized(lag + 1, a1);
        r[lag + 2] = this.normalized(lag + 2, a2);
        r[lag + 3] = this.normalized(lag + 3, a3);
        lag += 3;
        continue;
      }
      if (w < n && lag < last && done[lag + 1] !== gen) {
        // Two neighbouring lags at once (the refinement asks for windows of them): x[i]·x[i + w] and
        // x[i]·x[i + w − 1] share their loads; two partial sums each instead of one dependency chain.
        done[lag + 1] = gen;
        const m = n - w; // lag + 1 has one product more
        let a0 = 0;
        let a1 = 0;
        let b0 = 0;
        let b1 = 0;
        for (let c = 0; c < dims; c++) {
          const o = c * n;
          const end = o + m;
          let prev = x[o + w - 1]!; // x[i + w − 1]
          let i = o;
          for (; i + 1 < end; i += 2) {
            const x0 = x[i]!;
            const x1 = x[i + 1]!;
            const y0 = x[i + w]!;
            const y1 = x[i + 1 + w]!;
            a0 += x0 * y0;
            b0 += x0 * prev;
            a1 += x1 * y1;
            b1 += x1 * y0;
            prev = y1;
          }
          if (i < end) {
            const y0 = x[i + w]!;
            a0 += x[i]! * y0;
            b0 += x[i]! * prev;
            prev = y0;
          }
          b1 += x[end]! * prev; // x[o + m]·x[o + n − 1]
        }
        r[lag] = this.normalized(lag, a0 + a1);
        r[lag + 1] = this.normalized(lag + 1, b0 + b1);
        lag++;
        continue;
      }
      let wrapped = 0;
      if (w < n) {
        // Four partial sums: independent additions instead of one dependency chain.
        const m = n - w;
        let p0 = 0;
        let p1 = 0;
        let p2 = 0;
        let p3 = 0;
        for (let c = 0; c < dims; c++) {
          const o = c * n;
          let i = o;
          const end = o + m;
          for (; i + 3 < end; i += 4) {
            p0 += x[i]! * x[i + w]!;
            p1 += x[i + 1]! * x[i + 1 + w]!;
            p2 += x[i + 2]! * x[i + 2 + w]!;
            p3 += x[i + 3]! * x[i + 3 + w]!;
          }
          for (; i < end; i++) p0 += x[i]! * x[i + w]!;
        }
        wrapped = p0 + p1 + (p2 + p3);
      }
      r[lag] = this.normalized(lag, wrapped);
    }
  }

  /** r[lag] of the last transform from its circular sum less the wrapped products, over the overlap energies. */
  private normalized(lag: number, wrapped: number): number {
    const n = this.n;
    const prefix = this.prefix;
    const s = this.circ[lag <= this.half ? lag : this.size - lag]! - wrapped;
    const d = Math.sqrt(prefix[n - lag]! * (prefix[n]! - prefix[lag]!));
    return d > 0 ? s / d : 0;
  }

  /** Adds |X[k]|², k = 0 … M, of the real signal x[off … off+n) zero-padded to N. */
  private addPower(x: Float64Array, off: number, n: number): void {
    const half = this.half;
    const re = this.re;
    const im = this.im;
    // Even samples as the real part, odd ones as the imaginary part, in bit-reversed order for `fft`.
    const rev = this.rev;
    const pairs = n >> 1;
    for (let m = 0; m < pairs; m++) {
      const j = rev[m]!;
      re[j] = x[off + 2 * m]!;
      im[j] = x[off + 2 * m + 1]!;
    }
    let m0 = pairs;
    if (n & 1) {
      const j = rev[m0]!;
      re[j] = x[off + n - 1]!;
      im[j] = 0;
      m0++;
    }
    for (let m = m0; m < half; m++) {
      const j = rev[m]!;
      re[j] = 0;
      im[j] = 0;
    }
    this.fft(re, im, half);
    const power = this.power;
    const cos = this.cos;
    const sin = this.sin;
    // X[0] = Z[0].re + Z[0].im, X[M] = Z[0].re − Z[0].im (real).
    const x0 = re[0]! + im[0]!;
    const xm = re[0]! - im[0]!;
    power[0] = power[0]! + x0 * x0;
    power[half] = power[half]! + xm * xm;
    const mid = half >> 1;
    const split = this.split;
    for (let k = 1; k <= mid; k++) {
      const j = half - k;
      // X[k] = E + W^k·O and X[M−k] = conj(E − W^k·O): both from one pass over half of Z.
      splitBins(re, im, k, j, cos[k]!, sin[k]!, split);
      const er = split[0]!;
      const ei = split[1]!;
      const tr = split[2]!;
      const ti = split[3]!;
      const ar = er + tr;
      const ai = ei + ti;
      power[k] = power[k]! + ar * ar + ai * ai;
      if (j === k) break; // k = M/2 is its own partner
      const br = er - tr;
      const bi = ei - ti;
      power[j] = power[j]! + br * br + bi * bi;
    }
  }

  private prepare(size: number, n: number): void {
    if (this.prefix.length < n + 1) {
      this.prefix = new Float64Array(n + 1);
      this.done = new Int32Array(n + 1);
    }
    if (size === this.size) return;
    this.size = size;
    const half = size / 2;
    this.half = half;
    this.re = new Float64Array(half);
    this.im = new Float64Array(half);
    this.power = new Float64Array(half + 1);
    this.circ = new Float64Array(half + 1);
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / size);
    }
    this.rev = bitReversal(half);
    this.rev2 = bitReversal(half >> 1);
    // Twiddles of the radix-4 stages with sub-length L = 2 … M/4 (at 6·(L − 2)).
    this.tw = new Float64Array(Math.max(0, 6 * (half / 2 - 2)));
    for (let len = 2; 4 * len <= half; len *= 2) {
      let o = 6 * (len - 2);
      for (let k = 0; k < len; k++) {
        for (let q = 1; q <= 3; q++) {
          const a = (-2 * Math.PI * q * k) / (4 * len);
          this.tw[o++] = Math.cos(a);
          this.tw[o++] = Math.sin(a);
        }
      }
    }
  }

  /**
   * In-place FFT of length m ≥ 2 (forward, e^{−2πik/m}) of re/im[0 … m) given in bit-reversed order (the
   * packing loops write it so: no permutation pass), by radix-4 stages (one radix-2 stage first when
   * log₂ m is odd; the first stage has no twiddles). A radix-4 stage does the work of two radix-2 ones
   * with 3 instead of 4 complex multiplications per 4 points.
   */
  private fft(re: Float64Array, im: Float64Array, m: number): void {
    let len = 1;
    if ((31 - Math.clz32(m)) & 1) {
      // Radix-2 stage of pairs (twiddle 1), no multiplications.
      for (let a = 0; a < m; a += 2) {
        const b = a + 1;
        const xr = re[b]!;
        const xi = im[b]!;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
      len = 2;
    } else if (m >= 4) {
      // Radix-4 stage of quadruples (twiddles 1), no multiplications.
      for (let a = 0; a < m; a += 4) {
        const t0r = re[a]! + re[a + 1]!;
        const t0i = im[a]! + im[a + 1]!;
        const t1r = re[a]! - re[a + 1]!;
        const t1i = im[a]! - im[a + 1]!;
        const t2r = re[a + 2]! + re[a + 3]!;
        const t2i = im[a + 2]! + im[a + 3]!;
        const t3r = re[a + 2]! - re[a + 3]!;
        const t3i = im[a + 2]! - im[a + 3]!;
        re[a] = t0r + t2r;
        im[a] = t0i + t2i;
        re[a + 2] = t0r - t2r;
        im[a + 2] = t0i - t2i;
        re[a + 1] = t1r + t3i;
        im[a + 1] = t1i - t3r;
        re[a + 3] = t1r - t3i;
        im[a + 3] = t1i + t3r;
      }
      len = 4;
    }
    const tw = this.tw;
    // Sub-blocks of length len at a, a+len, a+2len, a+3len hold the DFTs of the 4 interleaved subsequences
    // x[4i], x[4i+2], x[4i+1], x[4i+3] (bit-reversed order), combined with W^2k, W^k, W^3k.
    for (; 4 * len <= m; len *= 4) {
      const step = 4 * len;
      let o = 6 * (len - 2);
      for (let k = 0; k < len; k++) {
        const w1r = tw[o]!;
        const w1i = tw[o + 1]!;
        const w2r = tw[o + 2]!;
        const w2i = tw[o + 3]!;
        const w3r = tw[o + 4]!;
        const w3i = tw[o + 5]!;
        o += 6;
        for (let a = k; a < m; a += step) {
          const a1 = a + len;
          const a2 = a1 + len;
          const a3 = a2 + len;
          const ar = re[a]!;
          const ai = im[a]!;
          let pr = re[a1]!;
          let pi = im[a1]!;
          const br = pr * w2r - pi * w2i;
          const bi = pr * w2i + pi * w2r;
          pr = re[a2]!;
          pi = im[a2]!;
          const cr = pr * w1r - pi * w1i;
          const ci = pr * w1i + pi * w1r;
          pr = re[a3]!;
          pi = im[a3]!;
          const dr = pr * w3r - pi * w3i;
          const di = pr * w3i + pi * w3r;
          const t0r = ar + br;
          const t0i = ai + bi;
          const t1r = ar - br;
          const t1i = ai - bi;
          const t2r = cr + dr;
          const t2i = ci + di;
          const t3r = cr - dr;
          const t3i = ci - di;
          re[a] = t0r + t2r;
          im[a] = t0i + t2i;
          re[a2] = t0r - t2r;
          im[a2] = t0i - t2i;
          // X[k + len] = t1 − i·t3, X[k + 3len] = t1 + i·t3.
          re[a1] = t1r + t3i;
          im[a1] = t1i - t3r;
          re[a3] = t1r - t3i;
          im[a3] = t1i + t3r;
        }
      }
    }
  }
}

/** Bit-reversal permutation of 0 … m − 1 (m a power of two). */
function bitReversal(m: number): Uint32Array<ArrayBuffer> {
  const rev = new Uint32Array(m);
  let bits = 0;
  while (1 << bits < m) bits++;
  for (let i = 0; i < m; i++) {
    let v = 0;
    for (let b = 0; b < bits; b++) v |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = v;
  }
  return rev;
}

/**
 * The even/odd split of a packed real transform Z (even samples as the real part, odd as the imaginary)
 * at bins k and j = M − k: E = (Z[k] + conj Z[j]) / 2, O = (Z[k] − conj Z[j]) / 2i, and W·O for the
 * twiddle W = wr + i·wi. Writes [Re E, Im E, Re W·O, Im W·O] to `out`; X[k] = E + W·O and
 * X[j] = conj(E − W·O).
 */
function splitBins(
  re: Float64Array,
  im: Float64Array,
  k: number,
  j: number,
  wr: number,
  wi: number,
  out: Float64Array,
): void {
  const zr = re[k]!;
  const zi = im[k]!;
  const cr = re[j]!;
  const ci = -im[j]!;
  const or = 0.5 * (zi - ci);
  const oi = -0.5 * (zr - cr);
  out[0] = 0.5 * (zr + cr);
  out[1] = 0.5 * (zi + ci);
  out[2] = wr * or - wi * oi;
  out[3] = wr * oi + wi * or;
}
