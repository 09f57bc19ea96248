/**
 * Causal estimate of (host time − sensor time) from packets that each carry the sensor time of their
 * newest sample and the host time they were received.
 *
 * Every packet's difference is the true offset plus a non-negative transport latency (BLE connection
 * interval, bunching, host scheduling). The least-delayed packets are the best evidence, so the estimate
 * is a running minimum. Clocks drift apart slowly (crystals, tens of ppm), so between new minima the
 * estimate is allowed to rise by `driftPerS` seconds per second of host time: drift in the other
 * direction is followed by the minimum itself. The estimate never exceeds the current packet's
 * difference, so a mapped sample is never placed after the moment it was received.
 */
export class MinLatencyOffset {
  private estS = Number.NaN;
  private lastHostS = Number.NaN;

  /** @param driftPerS how fast the estimate may rise without new evidence, s/s (may be changed later). */
  constructor(public driftPerS: number) {}

  /** Current estimate (NaN before the first update). */
  get offsetS(): number {
    return this.estS;
  }

  get initialised(): boolean {
    return !Number.isNaN(this.estS);
  }

  /**
   * The estimate as it would be at `hostS` without new evidence (the drift allowance applied).
   * Used to measure how late a packet is before deciding what it means.
   */
  predict(hostS: number): number {
    if (Number.isNaN(this.estS)) return Number.NaN;
    const dtS = hostS - this.lastHostS;
    return dtS > 0 ? this.estS + this.driftPerS * dtS : this.estS;
  }

  /**
   * Feeds one packet; returns the new estimate. `predictedS`: `predict(hostS)` if the caller has just
   * computed it (nothing changed since), so it is not computed twice.
   */
  update(hostS: number, sensorS: number, predictedS = this.predict(hostS)): number {
    const diffS = hostS - sensorS;
    const grown = predictedS;
    this.estS = Number.isNaN(grown) || diffS < grown ? diffS : grown;
    if (!(hostS <= this.lastHostS)) this.lastHostS = hostS;
    return this.estS;
  }

  /** Moves the estimate by a known amount (the sensor-side time base was shifted by `-deltaS`). */
  shift(deltaS: number): void {
    if (!Number.isNaN(this.estS)) this.estS += deltaS;
  }

  reset(): void {
    this.estS = Number.NaN;
    this.lastHostS = Number.NaN;
  }
}
