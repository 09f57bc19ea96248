import type { ImuBatch } from '@hamstream/core';

/** A growable structure-of-arrays buffer of (t, x, y, z) samples. */
class XyzBuffer {
  t = new Float64Array(64);
  v = new Float64Array(192);
  n = 0;

  push(tS: Float64Array, values: Float64Array, count: number): void {
    this.reserve(this.n + count);
    // Plain loops: set(subarray()) would allocate two views per frame.
    const t = this.t;
    const v = this.v;
    const o = this.n;
    for (let i = 0; i < count; i++) t[o + i] = tS[i]!;
    for (let i = 0; i < 3 * count; i++) v[3 * o + i] = values[i]!;
    this.n += count;
  }

  /** Drops the first `k` samples. */
  drop(k: number): void {
    if (k <= 0) return;
    this.t.copyWithin(0, k, this.n);
    this.v.copyWithin(0, 3 * k, 3 * this.n);
    this.n -= k;
  }

  private reserve(size: number): void {
    if (size <= this.t.length) return;
    let cap = this.t.length;
    while (cap < size) cap *= 2;
    const t = new Float64Array(cap);
    t.set(this.t.subarray(0, this.n));
    const v = new Float64Array(3 * cap);
    v.set(this.v.subarray(0, 3 * this.n));
    this.t = t;
    this.v = v;
  }
}

/**
 * Pairs a sensor's separate accelerometer and gyro streams (Polar Verity Sense sends ACC and GYRO frames
 * independently, both on the device clock) into IMU batches on the gyro's sample times: the gyro drives
 * the inclination filter, and gravity changes slowly, so the accelerometer is linearly interpolated onto
 * each gyro time from its two neighbours. Across a hole in the accelerometer stream (neighbours further
 * apart than 1.5 spacings) the nearest sample is used instead: nothing is interpolated across a gap.
 * A gyro sample waits until an accelerometer sample at or after its time has arrived.
 * Batches returned are views of the pairer's buffers (times and gyro in place, the interpolated
 * accelerometer in an output buffer): valid until its next call.
 */
export class AccGyroPairer {
  private readonly acc = new XyzBuffer();
  private readonly gyro = new XyzBuffer();
  private accSpacingS = Number.NaN;
  /** Interpolated accelerometer xyz of the last `emit`, reused (its times and gyro are the gyro buffer's). */
  private outAcc = new Float64Array(192);
  /**
   * Gyro samples handed on by the last `emit` (as views of the front of the gyro buffer): dropped at the
   * next call, once the consumer is done with them.
   */
  private gyroTaken = 0;

  constructor(private readonly device: string) {}

  pushAcc(tS: Float64Array, valuesMs2: Float64Array, count: number, spacingS: number): void {
    this.dropTaken();
    this.acc.push(tS, valuesMs2, count);
    this.accSpacingS = spacingS;
  }

  pushGyro(tS: Float64Array, valuesDps: Float64Array, count: number): void {
    this.dropTaken();
    this.gyro.push(tS, valuesDps, count);
  }

  /** Gyro samples whose accelerometer neighbours are known, as one batch (null if none yet). */
  drain(): ImuBatch | null {
    this.dropTaken();
    const acc = this.acc;
    if (acc.n === 0) return null;
    const lastAccT = acc.t[acc.n - 1]!;
    let m = 0;
    while (m < this.gyro.n && this.gyro.t[m]! <= lastAccT) m++;
    return this.emit(m);
  }

  /** Everything buffered, pairing the latest gyro samples with the nearest accelerometer sample. */
  flush(): ImuBatch | null {
    this.dropTaken();
    if (this.acc.n === 0) {
      this.gyro.n = 0;
      return null;
    }
    return this.emit(this.gyro.n);
  }

  /** Accelerometer samples are buffered but no gyro has come for this long (s of data time). */
  get accBacklogS(): number {
    const acc = this.acc;
    if (acc.n === 0) return 0;
    return acc.t[acc.n - 1]! - acc.t[0]!;
  }

  /** All buffered accelerometer samples as an accelerometer-only batch (the gyro never came). */
  takeAcc(): ImuBatch | null {
    const acc = this.acc;
    const n = acc.n;
    if (n === 0) return null;
    // Views: the samples stay in place until the next push overwrites them.
    const batch: ImuBatch = {
      device: this.device,
      count: n,
      tS: acc.t.subarray(0, n),
      accMs2: acc.v.subarray(0, 3 * n),
      gyroDps: null,
    };
    acc.n = 0;
    return batch;
  }

  clear(): void {
    this.acc.n = 0;
    this.gyro.n = 0;
    this.gyroTaken = 0;
  }

  private dropTaken(): void {
    if (this.gyroTaken === 0) return;
    this.gyro.drop(this.gyroTaken);
    this.gyroTaken = 0;
  }

  private emit(m: number): ImuBatch | null {
    if (m === 0) return null;
    const acc = this.acc;
    const gyro = this.gyro;
    if (this.outAcc.length < 3 * m)
      this.outAcc = new Float64Array(3 * Math.max(m, 2 * (this.outAcc.length / 3)));
    const accMs2 = this.outAcc;
    const tS = gyro.t;
    const maxBridgeS = this.accSpacingS > 0 ? 1.5 * this.accSpacingS : Number.POSITIVE_INFINITY;
    let k = 0;
    for (let j = 0; j < m; j++) {
      const t = tS[j]!;
      while (k + 1 < acc.n && acc.t[k + 1]! <= t) k++;
      const t0 = acc.t[k]!;
      let i0 = k;
      let w = 0;
      if (t > t0 && k + 1 < acc.n) {
        const t1 = acc.t[k + 1]!;
        if (t1 - t0 <= maxBridgeS) w = (t - t0) / (t1 - t0);
        else if (t1 - t < t - t0) i0 = k + 1;
      }
      const a = 3 * i0;
      if (w === 0) {
        accMs2[3 * j] = acc.v[a]!;
        accMs2[3 * j + 1] = acc.v[a + 1]!;
        accMs2[3 * j + 2] = acc.v[a + 2]!;
      } else {
        accMs2[3 * j] = acc.v[a]! + w * (acc.v[a + 3]! - acc.v[a]!);
        accMs2[3 * j + 1] = acc.v[a + 1]! + w * (acc.v[a + 4]! - acc.v[a + 1]!);
        accMs2[3 * j + 2] = acc.v[a + 2]! + w * (acc.v[a + 5]! - acc.v[a + 2]!);
      }
    }
    this.gyroTaken = m;
    // Keep the accelerometer sample just before the next gyro time for the next interpolation.
    acc.drop(Math.max(0, k));
    return {
      device: this.device,
      count: m,
      tS: gyro.t.subarray(0, m),
      accMs2: accMs2.subarray(0, 3 * m),
      gyroDps: gyro.v.subarray(0, 3 * m),
    };
  }
}
