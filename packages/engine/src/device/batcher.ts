import type { ForceBatch, ImuBatch } from '@hamstream/core';

/** Samples collected before the processors are called (fewer calls, same results: they are causal). */
export const BATCH_MAX_SAMPLES = 64;
/** Longest stretch of data held back for batching, s (the live trace lags at most this much). */
export const BATCH_MAX_SPAN_S = 0.2;

class Growable {
  data: Float64Array;
  constructor(size: number) {
    this.data = new Float64Array(size);
  }
  ensure(size: number): void {
    if (size <= this.data.length) return;
    let cap = this.data.length;
    while (cap < size) cap *= 2;
    const d = new Float64Array(cap);
    d.set(this.data);
    this.data = d;
  }
}

function copy3(dst: Growable, src: Float64Array, offset: number, count: number): void {
  dst.ensure(3 * (offset + count));
  const d = dst.data;
  const base = 3 * offset;
  for (let i = 0; i < 3 * count; i++) d[base + i] = src[i]!;
}

/**
 * Collects a device's consecutive aligned IMU batches (one per notification, often 1–4 samples) into
 * batches of up to BATCH_MAX_SAMPLES or BATCH_MAX_SPAN_S of data, so the metric processors and the
 * routing run per batch rather than per notification. Batches of another shape (accelerometer-only vs
 * paired) are never merged. Emitted batches own fresh arrays, except a large batch passed straight
 * through (its arrays exactly `count` long).
 */
export class ImuBatcher {
  private readonly t = new Growable(BATCH_MAX_SAMPLES);
  private readonly acc = new Growable(3 * BATCH_MAX_SAMPLES);
  private readonly gyro = new Growable(3 * BATCH_MAX_SAMPLES);
  private n = 0;
  private hasAcc = false;
  private hasGyro = false;

  constructor(
    private readonly device: string,
    private readonly emit: (batch: ImuBatch) => void,
  ) {}

  push(b: ImuBatch): void {
    if (b.count === 0) return;
    if (this.n > 0 && (this.hasAcc !== (b.accMs2 !== null) || this.hasGyro !== (b.gyroDps !== null)))
      this.flush();
    if (this.n === 0 && b.count >= BATCH_MAX_SAMPLES && b.tS.length === b.count) {
      this.emit(b);
      return;
    }
    this.hasAcc = b.accMs2 !== null;
    this.hasGyro = b.gyroDps !== null;
    const m = b.count;
    const o = this.n;
    const n = o + m;
    this.t.ensure(n);
    // Plain loops: for a few samples they beat set(subarray()), which allocates a view.
    const t = this.t.data;
    const tIn = b.tS;
    for (let i = 0; i < m; i++) t[o + i] = tIn[i]!;
    if (b.accMs2) copy3(this.acc, b.accMs2, o, m);
    if (b.gyroDps) copy3(this.gyro, b.gyroDps, o, m);
    this.n = n;
    if (n >= BATCH_MAX_SAMPLES || this.t.data[n - 1]! - this.t.data[0]! >= BATCH_MAX_SPAN_S) this.flush();
  }

  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    this.emit({
      device: this.device,
      count: n,
      tS: this.t.data.slice(0, n),
      accMs2: this.hasAcc ? this.acc.data.slice(0, 3 * n) : null,
      gyroDps: this.hasGyro ? this.gyro.data.slice(0, 3 * n) : null,
    });
  }
}

/** The same for force samples. */
export class ForceBatcher {
  private readonly t = new Growable(BATCH_MAX_SAMPLES);
  private readonly f = new Growable(BATCH_MAX_SAMPLES);
  private n = 0;

  constructor(
    private readonly device: string,
    private readonly emit: (batch: ForceBatch) => void,
  ) {}

  push(b: ForceBatch): void {
    if (b.count === 0) return;
    if (this.n === 0 && b.count >= BATCH_MAX_SAMPLES && b.tS.length === b.count) {
      this.emit(b);
      return;
    }
    const m = b.count;
    const o = this.n;
    const n = o + m;
    this.t.ensure(n);
    this.f.ensure(n);
    const t = this.t.data;
    const f = this.f.data;
    for (let i = 0; i < m; i++) {
      t[o + i] = b.tS[i]!;
      f[o + i] = b.forceN[i]!;
    }
    this.n = n;
    if (n >= BATCH_MAX_SAMPLES || this.t.data[n - 1]! - this.t.data[0]! >= BATCH_MAX_SPAN_S) this.flush();
  }

  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    this.emit({
      device: this.device,
      count: n,
      tS: this.t.data.slice(0, n),
      forceN: this.f.data.slice(0, n),
    });
  }
}
