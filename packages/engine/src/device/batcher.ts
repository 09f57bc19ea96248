import type { ForceBatch, ImuBatch } from '@hamstream/core';

/** Samples collected before the processors are called (fewer calls, same results: they are causal). */
export const BATCH_MAX_SAMPLES = 64;
/** Longest stretch of data held back for batching, s (the live trace lags at most this much). */
export const BATCH_MAX_SPAN_S = 0.2;

/** How much a batcher collects before handing on: whichever limit is reached first. */
export interface BatchLimits {
  maxSamples: number;
  maxSpanS: number;
}

/** Live: small batches, so the dashboard's trace lags at most BATCH_MAX_SPAN_S. */
export const LIVE_BATCH_LIMITS: Readonly<BatchLimits> = Object.freeze({
  maxSamples: BATCH_MAX_SAMPLES,
  maxSpanS: BATCH_MAX_SPAN_S,
});
/**
 * Batch analysis (no display): nobody waits for the trace, so batches are larger and the processors'
 * per-call costs are spread over more samples. Results are the same (the processors are batch-invariant).
 */
export const ANALYSIS_BATCH_LIMITS: Readonly<BatchLimits> = Object.freeze({ maxSamples: 512, maxSpanS: 2 });

/**
 * A grow-only buffer with exact-length views of its first n values, cached per n: emitting a batch
 * allocates nothing in the steady state (a few distinct batch sizes recur), and processors still see
 * arrays exactly `count` (3 × count) long.
 */
class Growable {
  data: Float64Array;
  private views: (Float64Array | undefined)[] = [];
  /** Views up to this length are cached (a batch is at most the initial size, or a few times it). */
  private readonly cacheUpTo: number;

  constructor(size: number) {
    this.data = new Float64Array(size);
    this.cacheUpTo = 4 * size;
  }

  ensure(size: number): void {
    if (size <= this.data.length) return;
    let cap = this.data.length;
    while (cap < size) cap *= 2;
    const d = new Float64Array(cap);
    d.set(this.data);
    this.data = d;
    this.views = [];
  }

  /** A view of the first `n` values (valid until the buffer grows). */
  view(n: number): Float64Array {
    let v = this.views[n];
    if (v === undefined) {
      v = this.data.subarray(0, n);
      if (n <= this.cacheUpTo) this.views[n] = v;
    }
    return v;
  }
}

/**
 * Collects a device's consecutive aligned IMU samples (one notification is often 1–4 samples) into
 * batches of up to BATCH_MAX_SAMPLES or BATCH_MAX_SPAN_S of data, so the metric processors and the
 * routing run per batch rather than per notification. Samples of another shape (accelerometer-only vs
 * paired) are never merged. Emitted batches are views of the batcher's buffers: valid during the call
 * only (the processors copy what they keep).
 */
export class ImuBatcher {
  private readonly t: Growable;
  private readonly acc: Growable;
  private readonly gyro: Growable;
  private n = 0;
  private hasAcc = false;
  private hasGyro = false;
  private readonly maxSamples: number;
  private readonly maxSpanS: number;
  /** Pushes this large arrive as a batch of their own (when nothing is collected): no copy. */
  private readonly directMin: number;

  constructor(
    private readonly device: string,
    private readonly emit: (batch: ImuBatch) => void,
    limits: BatchLimits = LIVE_BATCH_LIMITS,
  ) {
    this.maxSamples = limits.maxSamples;
    this.maxSpanS = limits.maxSpanS;
    this.directMin = Math.max(16, limits.maxSamples >> 2);
    this.t = new Growable(limits.maxSamples);
    this.acc = new Growable(3 * limits.maxSamples);
    this.gyro = new Growable(3 * limits.maxSamples);
  }

  /** `m` samples: times tS[tFrom + i], values at sample index vFrom + i (xyz interleaved). */
  push(
    tS: Float64Array,
    tFrom: number,
    accMs2: Float64Array | null,
    gyroDps: Float64Array | null,
    vFrom: number,
    m: number,
  ): void {
    if (m <= 0) return;
    const hasAcc = accMs2 !== null;
    const hasGyro = gyroDps !== null;
    if (this.n > 0 && (this.hasAcc !== hasAcc || this.hasGyro !== hasGyro)) this.flush();
    if (this.n === 0 && m >= this.directMin) {
      // A batch's worth already: handed on as views of the caller's arrays, not copied.
      this.emit({
        device: this.device,
        count: m,
        tS: tS.subarray(tFrom, tFrom + m),
        accMs2: accMs2 !== null ? accMs2.subarray(3 * vFrom, 3 * (vFrom + m)) : null,
        gyroDps: gyroDps !== null ? gyroDps.subarray(3 * vFrom, 3 * (vFrom + m)) : null,
      });
      return;
    }
    this.hasAcc = hasAcc;
    this.hasGyro = hasGyro;
    const o = this.n;
    const n = o + m;
    if (n > this.t.data.length) {
      this.t.ensure(n);
      this.acc.ensure(3 * n);
      this.gyro.ensure(3 * n);
    }
    // Plain loops: for a few samples they beat set(subarray()), which allocates a view.
    const t = this.t.data;
    for (let i = 0; i < m; i++) t[o + i] = tS[tFrom + i]!;
    const base = 3 * o;
    const from = 3 * vFrom;
    if (accMs2 !== null) {
      const d = this.acc.data;
      for (let i = 0; i < 3 * m; i++) d[base + i] = accMs2[from + i]!;
    }
    if (gyroDps !== null) {
      const d = this.gyro.data;
      for (let i = 0; i < 3 * m; i++) d[base + i] = gyroDps[from + i]!;
    }
    this.n = n;
    if (n >= this.maxSamples || t[n - 1]! - t[0]! >= this.maxSpanS) this.flush();
  }

  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    this.emit({
      device: this.device,
      count: n,
      tS: this.t.view(n),
      accMs2: this.hasAcc ? this.acc.view(3 * n) : null,
      gyroDps: this.hasGyro ? this.gyro.view(3 * n) : null,
    });
  }
}

/** The same for force samples. */
export class ForceBatcher {
  private readonly t: Growable;
  private readonly f: Growable;
  private n = 0;
  private readonly maxSamples: number;
  private readonly maxSpanS: number;

  constructor(
    private readonly device: string,
    private readonly emit: (batch: ForceBatch) => void,
    limits: BatchLimits = LIVE_BATCH_LIMITS,
  ) {
    this.maxSamples = limits.maxSamples;
    this.maxSpanS = limits.maxSpanS;
    this.t = new Growable(limits.maxSamples);
    this.f = new Growable(limits.maxSamples);
  }

  push(tS: Float64Array, tFrom: number, forceN: Float64Array, vFrom: number, m: number): void {
    if (m <= 0) return;
    const o = this.n;
    const n = o + m;
    if (n > this.t.data.length) {
      this.t.ensure(n);
      this.f.ensure(n);
    }
    const t = this.t.data;
    const f = this.f.data;
    for (let i = 0; i < m; i++) {
      t[o + i] = tS[tFrom + i]!;
      f[o + i] = forceN[vFrom + i]!;
    }
    this.n = n;
    if (n >= this.maxSamples || t[n - 1]! - t[0]! >= this.maxSpanS) this.flush();
  }

  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    this.emit({ device: this.device, count: n, tS: this.t.view(n), forceN: this.f.view(n) });
  }
}
