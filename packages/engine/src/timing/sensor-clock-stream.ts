import { MinLatencyOffset } from './min-latency-offset.js';
import { NO_GAPS, StreamClock, type StreamGap } from './stream-clock.js';

/**
 * Quartz clocks of sensors and hosts disagree by tens of ppm: the offset may rise by 200 ppm without
 * new evidence (falling drift is followed by the minimum itself).
 */
export const SENSOR_CLOCK_DRIFT_PER_S = 2e-4;
/** A step between samples above this many spacings is a gap, not jitter. */
const GAP_FACTOR = 1.5;

/**
 * One device's clock, shared by its streams (Polar ACC and GYRO frames carry the same clock):
 * the sensor-time origin and the host − sensor offset estimate.
 */
export class SensorClock {
  baseUs = Number.NaN;
  readonly offset = new MinLatencyOffset(SENSOR_CLOCK_DRIFT_PER_S);

  reset(): void {
    this.baseUs = Number.NaN;
    this.offset.reset();
  }
}

/**
 * Maps the samples of a sensor with its own clock (Polar: µs since 2000 per sample; Tindeq: unwrapped
 * µs) onto the recording timeline: timeline = sensor time + causal min-latency offset, so BLE bunching
 * and jitter never distort the spacing the sensor measured.
 *
 * Gaps come from the sensor clock: a step clearly larger than the measured spacing. The Polar SDK's
 * per-sample derivation spreads a frame over (ts − prevTs), so the frame after lost frames arrives
 * stretched; such a frame is re-spaced at the measured spacing, anchored at its last sample (whose time
 * the device sent), and the hole is put before it.
 */
export class SensorClockStream extends StreamClock {
  private lastSensorS = Number.NaN;

  constructor(
    private readonly clock: SensorClock,
    nominalRateHz: number | undefined,
  ) {
    super(nominalRateHz);
  }

  protected onBreak(): void {
    this.lastSensorS = Number.NaN;
  }

  /** Current host − sensor offset, s: timeline = sensor-relative time + this. */
  get offsetS(): number {
    return this.clock.offset.offsetS;
  }

  /**
   * Aligns one packet's samples received at `hostS`. Writes timeline seconds into `outT` (length ≥ n)
   * and returns the gaps found (usually none). With `relative`, writes sensor time relative to the
   * device's first sample instead (and gap times in that domain): streams that are paired with another
   * stream of the same clock (Polar ACC + GYRO) are paired there, exactly, and mapped afterwards.
   */
  align(
    hostS: number,
    sensorTUs: Float64Array,
    n: number,
    outT: Float64Array,
    relative = false,
  ): readonly StreamGap[] {
    if (n === 0) return NO_GAPS;
    const clock = this.clock;
    if (Number.isNaN(clock.baseUs)) clock.baseUs = sensorTUs[0]!;
    const baseUs = clock.baseUs;
    for (let i = 0; i < n; i++) outT[i] = (sensorTUs[i]! - baseUs) * 1e-6;

    // The sensor clock restarted (e.g. a new measurement after reconnecting): start a new time base.
    if (!Number.isNaN(this.lastSensorS) && outT[0]! < this.lastSensorS - 0.5 * (this.spacingS || 0)) {
      clock.reset();
      clock.baseUs = sensorTUs[0]!;
      for (let i = 0; i < n; i++) outT[i] = (sensorTUs[i]! - clock.baseUs) * 1e-6;
      this.lastSensorS = Number.NaN;
      if (this.breakCause === null && !Number.isNaN(this.lastTS)) this.breakCause = 'sensor-clock';
    }

    let spacing = this.spacingS;
    if (n >= 2 && spacing > 0) {
      const innerS = (outT[n - 1]! - outT[0]!) / (n - 1);
      if (innerS > GAP_FACTOR * spacing) {
        const lastS = outT[n - 1]!;
        for (let i = 0; i < n; i++) outT[i] = lastS - (n - 1 - i) * spacing;
      }
    }

    let gaps: StreamGap[] | null = null;
    let prevS = this.lastSensorS;
    const weight = 0.02;
    for (let i = 0; i < n; i++) {
      const s = outT[i]!;
      if (!Number.isNaN(prevS)) {
        const stepS = s - prevS;
        spacing = this.spacingS;
        if (spacing > 0 && stepS > GAP_FACTOR * spacing) {
          const lost = Math.max(1, Math.round(stepS / spacing) - 1);
          gaps ??= [];
          gaps.push({
            index: i,
            fromS: Number.NaN,
            toS: Number.NaN,
            lostSamples: lost,
            cause: 'sensor-clock',
            late: false,
          });
        } else {
          this.observeStep(stepS, weight);
        }
      }
      prevS = s;
    }
    this.lastSensorS = prevS;

    // One offset for the whole packet: spacing inside it is exactly the sensor's.
    const estS = clock.offset.update(hostS, outT[n - 1]!);
    if (!relative) for (let i = 0; i < n; i++) outT[i] = outT[i]! + estS;

    if (this.breakCause !== null) {
      const cause = this.breakCause;
      this.breakCause = null;
      const first = gaps?.[0];
      if (first && first.index === 0) {
        first.cause = cause;
      } else {
        const stepS = outT[0]! - this.lastTS;
        const lost = this.spacingS > 0 ? Math.max(0, Math.round(stepS / this.spacingS) - 1) : 0;
        gaps ??= [];
        gaps.unshift({ index: 0, fromS: Number.NaN, toS: Number.NaN, lostSamples: lost, cause, late: false });
      }
    }

    const found = gaps ?? NO_GAPS;
    this.commit(outT, n, found);
    return found;
  }
}
