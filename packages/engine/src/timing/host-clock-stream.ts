import { MinLatencyOffset } from './min-latency-offset.js';
import { NO_GAPS, StreamClock, type StreamGap } from './stream-clock.js';

/**
 * How long (host time) a notification is held before its samples are timed, s. Long enough to see
 * past a host stall (tens to ~100 ms) and a few connection intervals, so that a late delivery and a
 * loss can be told apart: after a loss every later notification stays late; after a stall they do not.
 */
export const HOST_LOOKAHEAD_S = 0.5;
/** Oscillators of clock-less sensors are off by up to ~2 %: the offset may rise this fast until measured. */
const DRIFT_UNMEASURED_PER_S = 0.025;
/** Once the rate is measured, residual drift is small. */
const DRIFT_MEASURED_PER_S = 2e-3;
/** Host time before the rate is checked against the nominal one, s. */
const RATE_CHECK_S = 2;
/** Relative disagreement with the nominal rate that replaces it at once (the sensor was not configured). */
const RATE_GROSS_ERROR = 0.1;
/** Host-time windows whose least-delayed notification measures the rate, s. */
const RATE_WINDOW_S = 1;
/** Windows needed before the measured rate replaces the nominal one. */
const RATE_MIN_WINDOWS = 3;
/** Memory of the rate fit, in windows (the oscillator drifts slowly with temperature). */
const RATE_MEMORY_WINDOWS = 120;

interface Pending<P> {
  hostS: number;
  n: number;
  /** Samples received in this segment up to and including this notification. */
  received: number;
  payload: P;
}

/**
 * Receives a notification's samples once timed: timeline seconds of its `n` samples (a buffer the
 * stream reuses: valid during the call only), the payload, and the gaps before them.
 */
export type HostTimedRelease<P> = (
  tS: Float64Array,
  n: number,
  payload: P,
  gaps: readonly StreamGap[],
) => void;

/**
 * Timestamps the samples of a sensor without a clock (WitMotion: several records per notification;
 * RSC: one reading per notification). Samples are spaced at the measured rate on a sample clock: the
 * last sample of a notification was received at host time h, earlier ones 1/rate before it. The sample
 * clock is anchored to host time with the min-latency offset (as for clocked sensors), so BLE bunching
 * (several notifications in one connection event) does not bunch samples.
 *
 * Losses: no sequence counter exists, so a lost notification shows only as a lasting shift of every
 * later notification's delay. Each notification is held for HOST_LOOKAHEAD_S; if every notification
 * in that window is later than the offset allows by more than 1.5 sample spacings, the missing samples
 * are before this one: a gap, with the lost count from the shift. A host stall delays a few
 * notifications but not the ones after it, so it is not mistaken for a loss.
 *
 * The rate: nominal (header `config.rateHz`) until measured. Per one-second window, the least-delayed
 * notification gives a point (host time, sample index incl. inferred losses) on the latency floor; a
 * line fitted through these points (least squares, long exponential memory) gives the rate to a few
 * hundredths of a percent, unaffected by bunching, stalls (not minima) and losses (counted in the
 * index). A grossly wrong nominal rate is replaced after RATE_CHECK_S from the plain sample count.
 */
export class HostClockStream<P> extends StreamClock {
  private readonly offset = new MinLatencyOffset(DRIFT_UNMEASURED_PER_S);
  private readonly queue: Pending<P>[] = [];
  private scratch = new Float64Array(16);
  private head = 0;
  /** Sample-clock time of the last released sample, s (NaN: no segment). */
  private lastSampleS = Number.NaN;
  /** Samples received in the segment (queued or released). */
  private received = 0;
  /** Samples received in the segment up to the last released notification. */
  private releasedReceived = 0;
  /** Samples inferred lost in the segment. */
  private lost = 0;
  private segFirstHostS = Number.NaN;
  private segFirstReceived = 0;
  private rateChecked = false;
  private flushing = false;
  /** Released notifications, flattened (hostS, host − sample clock) pairs, for the look-back floor. */
  private readonly recent: number[] = [];
  private readonly fit = new FloorLineFit();

  constructor(nominalRateHz: number) {
    super(nominalRateHz);
  }

  protected onBreak(): void {
    this.lastSampleS = Number.NaN;
    this.offset.reset();
  }

  /** Notifications waiting to be timed. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /**
   * One notification with `n` samples received at `hostS`. Notifications older than the lookahead are
   * timed and handed to `release`, in order.
   */
  push(hostS: number, n: number, payload: P, release: HostTimedRelease<P>): void {
    if (n <= 0) return;
    this.received += n;
    this.queue.push({ hostS, n, received: this.received, payload });
    while (this.head < this.queue.length && this.queue[this.head]!.hostS + HOST_LOOKAHEAD_S <= hostS) {
      this.releaseNext(release);
    }
    if (this.head > 256 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Times everything still held (end of data, or before a disconnect). */
  flush(release: HostTimedRelease<P>): void {
    // Without the lookahead window a late notification cannot be told from a loss: none is inferred.
    this.flushing = true;
    while (this.head < this.queue.length) this.releaseNext(release);
    this.flushing = false;
    this.queue.length = 0;
    this.head = 0;
  }

  /** Data was lost with the link: held notifications are timed first, then the next one starts a segment. */
  override markBreak(cause: StreamGap['cause']): void {
    super.markBreak(cause);
    this.received = 0;
    this.releasedReceived = 0;
    this.lost = 0;
  }

  private releaseNext(release: HostTimedRelease<P>): void {
    const p = this.queue[this.head++]!;
    const n = p.n;
    if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, 2 * this.scratch.length));
    const outT = this.scratch;
    let gaps: StreamGap[] | null = null;

    if (Number.isNaN(this.lastSampleS)) {
      this.startSegment(p);
    } else {
      if (!this.rateChecked) this.checkRate(p);
      const lostNow = this.rateChecked && !this.flushing ? this.lostBefore(p) : 0;
      if (lostNow > 0) {
        this.lost += lostNow;
        this.lastSampleS += lostNow * this.spacingS;
        gaps = [
          {
            index: 0,
            fromS: Number.NaN,
            toS: Number.NaN,
            lostSamples: lostNow,
            cause: 'host-time',
            late: false,
          },
        ];
      }
    }

    const spacing = this.spacingS;
    const firstS = this.lastSampleS + (p.received - this.releasedReceived - n + 1) * spacing;
    for (let i = 0; i < n; i++) outT[i] = firstS + i * spacing;
    const lastS = outT[n - 1]!;
    const estS = this.offset.update(p.hostS, lastS);
    this.remember(p.hostS, p.hostS - lastS);
    this.lastSampleS = lastS;
    this.releasedReceived = p.received;
    this.measureRate(p.hostS, p.received + this.lost - 1);
    for (let i = 0; i < n; i++) outT[i] = outT[i]! + estS;

    if (this.breakCause !== null) {
      const cause = this.breakCause;
      this.breakCause = null;
      const stepS = outT[0]! - this.lastTS;
      const lostSamples = spacing > 0 ? Math.max(0, Math.round(stepS / spacing) - 1) : 0;
      gaps = [{ index: 0, fromS: Number.NaN, toS: Number.NaN, lostSamples, cause, late: false }];
    }
    const found = gaps ?? NO_GAPS;
    this.commit(outT, n, found);
    release(outT, n, p.payload, found);
  }

  private startSegment(p: Pending<P>): void {
    this.offset.reset();
    this.recent.length = 0;
    // The notification's last sample is placed at its receive time; the offset starts there.
    this.lastSampleS = -p.n * this.spacingS;
    this.releasedReceived = p.received - p.n;
    this.segFirstHostS = p.hostS;
    this.segFirstReceived = p.received;
    this.fit.restart(p.hostS, this.spacingS);
  }

  /**
   * Samples missing before notification `p`: the latency floor (least of host time − sample clock) over
   * the lookahead window (p and after) against the floor over the same span before p. A loss is a step
   * of at least one notification's samples; a slightly wrong rate only tilts the floor slowly, and a
   * stall lifts only a few notifications, not the floor of a whole window.
   */
  private lostBefore(p: Pending<P>): number {
    const recent = this.recent;
    if (recent.length === 0) return 0;
    const spacing = this.spacingS;
    // Until the rate is measured the floor may tilt by up to ~2 %: only a clear hole counts then.
    const thresholdS = this.fit.established ? Math.max(1.5 * spacing, 0.01) : Math.max(10 * spacing, 0.1);
    // Fast path (almost every notification): no later than the long-run floor allows → nothing lost.
    const ownDiffS = p.hostS - (this.lastSampleS + (p.received - this.releasedReceived) * spacing);
    if (!(ownDiffS - this.offset.predict(p.hostS) > thresholdS)) return 0;
    let minBeforeS = Number.POSITIVE_INFINITY;
    for (let j = recent.length - 2; j >= 0; j -= 2) {
      if (recent[j]! < p.hostS - HOST_LOOKAHEAD_S) break;
      if (recent[j + 1]! < minBeforeS) minBeforeS = recent[j + 1]!;
    }
    if (minBeforeS === Number.POSITIVE_INFINITY) minBeforeS = recent[recent.length - 1]!;
    const base = this.lastSampleS - this.releasedReceived * spacing;
    let minAfterS = Number.POSITIVE_INFINITY;
    const endS = p.hostS + HOST_LOOKAHEAD_S;
    for (let j = this.head - 1; j < this.queue.length; j++) {
      const q = this.queue[j]!;
      if (q.hostS > endS) break;
      const d = q.hostS - (base + q.received * spacing);
      if (d < minAfterS) minAfterS = d;
      if (!(minAfterS - minBeforeS > thresholdS)) return 0;
    }
    const stepS = minAfterS - minBeforeS;
    return Number.isFinite(stepS) ? Math.round(stepS / spacing) : 0;
  }

  /** Remembers (host time, host − sample clock) of released notifications for the look-back floor. */
  private remember(hostS: number, diffS: number): void {
    const recent = this.recent;
    recent.push(hostS, diffS);
    if (recent.length > 512 && recent[0]! < hostS - 2 * HOST_LOOKAHEAD_S) {
      let k = 0;
      while (k < recent.length && recent[k]! < hostS - HOST_LOOKAHEAD_S) k += 2;
      recent.splice(0, k);
    }
  }

  /**
   * Once, a few seconds into the stream: a rate far from the nominal one (e.g. the sensor was never
   * configured) replaces it at once, and the offset is re-anchored on this notification.
   */
  private checkRate(p: Pending<P>): void {
    const spanS = p.hostS - this.segFirstHostS;
    if (spanS < RATE_CHECK_S) return;
    this.rateChecked = true;
    const measuredSpacing = spanS / Math.max(1, p.received - this.segFirstReceived);
    if (Math.abs(measuredSpacing / this.spacingS - 1) > RATE_GROSS_ERROR) {
      this.spacingS = measuredSpacing;
      this.offset.reset();
      this.recent.length = 0;
      this.fit.restart(p.hostS, measuredSpacing);
    }
  }

  /** Feeds the rate fit with the sample index of the notification's last sample. */
  private measureRate(hostS: number, index: number): void {
    const spacing = this.fit.push(hostS, index);
    if (spacing === null) return;
    this.spacingS = spacing;
    this.offset.driftPerS = DRIFT_MEASURED_PER_S;
  }
}

/**
 * Sample spacing from the latency floor: in each window the least-delayed notification gives
 * m = host time − index × reference spacing; m grows linearly with host time at slope 1 − ref/true.
 * Weighted least squares with exponential forgetting; host times relative to the segment start.
 */
class FloorLineFit {
  private refSpacingS = Number.NaN;
  private originS = 0;
  private windowEndS = Number.NaN;
  private windowMinM = Number.POSITIVE_INFINITY;
  private windowMinH = 0;
  private windows = 0;
  /** Enough windows have been fitted for the measured rate to replace the nominal one. */
  established = false;
  private sw = 0;
  private sh = 0;
  private sm = 0;
  private shh = 0;
  private shm = 0;

  restart(hostS: number, refSpacingS: number): void {
    this.refSpacingS = refSpacingS;
    this.originS = hostS;
    this.windowEndS = hostS + RATE_WINDOW_S;
    this.windowMinM = Number.POSITIVE_INFINITY;
    this.windows = 0;
    this.established = false;
    this.sw = this.sh = this.sm = this.shh = this.shm = 0;
  }

  /** One released notification; returns a new spacing estimate when a window completes. */
  push(hostS: number, index: number): number | null {
    if (Number.isNaN(this.refSpacingS)) return null;
    let result: number | null = null;
    if (hostS >= this.windowEndS) {
      if (this.windowMinM !== Number.POSITIVE_INFINITY) result = this.closeWindow();
      this.windowEndS = hostS + RATE_WINDOW_S;
      this.windowMinM = Number.POSITIVE_INFINITY;
    }
    const h = hostS - this.originS;
    const m = h - index * this.refSpacingS;
    if (m < this.windowMinM) {
      this.windowMinM = m;
      this.windowMinH = h;
    }
    return result;
  }

  private closeWindow(): number | null {
    const keep = 1 - 1 / RATE_MEMORY_WINDOWS;
    const h = this.windowMinH;
    const m = this.windowMinM;
    this.sw = this.sw * keep + 1;
    this.sh = this.sh * keep + h;
    this.sm = this.sm * keep + m;
    this.shh = this.shh * keep + h * h;
    this.shm = this.shm * keep + h * m;
    this.windows++;
    if (this.windows < RATE_MIN_WINDOWS) return null;
    const den = this.sw * this.shh - this.sh * this.sh;
    if (!(den > 0)) return null;
    const slope = (this.sw * this.shm - this.sh * this.sm) / den;
    // m = c + h·(1 − ref/true)  ⇒  true = ref / (1 − slope)
    if (!(slope < 0.5 && slope > -10)) return null;
    this.established = true;
    return this.refSpacingS / (1 - slope);
  }
}
