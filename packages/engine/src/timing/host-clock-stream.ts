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
  // Held notifications: a ring (absolute indices head ≤ i < tail, slot i & mask) of parallel arrays, so
  // holding one costs no allocation. Per notification: host receive time, sample count, samples received
  // in the segment up to and including it, and the caller's payload.
  private qHostS = new Float64Array(64);
  private qN = new Float64Array(64);
  private qReceived = new Float64Array(64);
  private qPayload: (P | undefined)[] = new Array<P | undefined>(64);
  private mask = 63;
  private head = 0;
  private tail = 0;
  private scratch = new Float64Array(16);
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
  /** Host time of the newest notification pushed. */
  private lastPushHostS = Number.NEGATIVE_INFINITY;
  /**
   * Released notifications' (host time, host − sample clock), for the look-back floor: a ring of
   * parallel arrays (absolute indices recentHead ≤ i < recentTail, slot i & recentMask).
   */
  private recentT = new Float64Array(512);
  private recentD = new Float64Array(512);
  private recentMask = 511;
  private recentHead = 0;
  private recentTail = 0;
  private readonly fit = new FloorLineFit();

  /**
   * @param releaseChunkS 0 (live): each notification is released as soon as it is HOST_LOOKAHEAD_S old.
   *   Larger (batch analysis): notifications are held that much longer and released together in one
   *   call (one run of samples, gaps indexed within it; the payload given is the first notification's).
   *   The times are the same either way: each notification is timed from the same lookahead window.
   */
  constructor(
    nominalRateHz: number,
    private readonly releaseChunkS = 0,
  ) {
    super(nominalRateHz);
  }

  protected onBreak(): void {
    this.lastSampleS = Number.NaN;
    this.offset.reset();
  }

  /** Notifications waiting to be timed. */
  get pending(): number {
    return this.tail - this.head;
  }

  /**
   * One notification with `n` samples received at `hostS`. Notifications older than the lookahead are
   * timed and handed to `release`, in order.
   */
  push(hostS: number, n: number, payload: P, release: HostTimedRelease<P>): void {
    if (n <= 0) return;
    this.lastPushHostS = hostS;
    this.received += n;
    if (this.tail - this.head > this.mask) this.grow();
    const slot = this.tail & this.mask;
    this.qHostS[slot] = hostS;
    this.qN[slot] = n;
    this.qReceived[slot] = this.received;
    this.qPayload[slot] = payload;
    this.tail++;
    if (this.releaseChunkS === 0) {
      while (this.head < this.tail && this.qHostS[this.head & this.mask]! + HOST_LOOKAHEAD_S <= hostS) {
        this.releaseNext(release);
      }
    } else if (this.qHostS[this.head & this.mask]! + HOST_LOOKAHEAD_S + this.releaseChunkS <= hostS) {
      this.releaseRun(hostS, release);
    }
  }

  /** Chunked release: every notification HOST_LOOKAHEAD_S old by `hostS` (or all, when flushing), in one call. */
  private releaseRun(hostS: number, release: HostTimedRelease<P>): void {
    let total = 0;
    let gaps: StreamGap[] | null = null;
    const payload = this.qPayload[this.head & this.mask] as P;
    while (
      this.head < this.tail &&
      (this.flushing || this.qHostS[this.head & this.mask]! + HOST_LOOKAHEAD_S <= hostS)
    ) {
      const steady = this.flushing ? 0 : this.timeSteady(total, hostS);
      if (steady > 0) {
        total += steady;
        continue;
      }
      const found = this.timeNext(total);
      if (found.length > 0) {
        gaps ??= [];
        for (const g of found) {
          g.index += total;
          gaps.push(g);
        }
      }
      total += this.lastReleasedN;
    }
    if (total > 0) release(this.scratch, total, payload, gaps ?? NO_GAPS);
  }

  /** Times everything still held (end of data, or before a disconnect). */
  flush(release: HostTimedRelease<P>): void {
    // Without the lookahead window a late notification cannot be told from a loss: none is inferred.
    if (this.releaseChunkS > 0) {
      // What per-notification release would already have timed (its lookahead complete) is timed as such
      // first; only the rest goes out without loss inference.
      this.releaseRun(this.lastPushHostS, release);
    }
    this.flushing = true;
    if (this.releaseChunkS === 0) {
      while (this.head < this.tail) this.releaseNext(release);
    } else {
      this.releaseRun(Number.POSITIVE_INFINITY, release);
    }
    this.flushing = false;
    this.head = 0;
    this.tail = 0;
  }

  /** Doubles the ring, oldest notification first. */
  private grow(): void {
    const count = this.tail - this.head;
    const cap = 2 * (this.mask + 1);
    const hostS = new Float64Array(cap);
    const n = new Float64Array(cap);
    const received = new Float64Array(cap);
    const payload = new Array<P | undefined>(cap);
    for (let k = 0; k < count; k++) {
      const slot = (this.head + k) & this.mask;
      hostS[k] = this.qHostS[slot]!;
      n[k] = this.qN[slot]!;
      received[k] = this.qReceived[slot]!;
      payload[k] = this.qPayload[slot];
    }
    this.qHostS = hostS;
    this.qN = n;
    this.qReceived = received;
    this.qPayload = payload;
    this.mask = cap - 1;
    this.head = 0;
    this.tail = count;
  }

  /** Data was lost with the link: held notifications are timed first, then the next one starts a segment. */
  override markBreak(cause: StreamGap['cause']): void {
    super.markBreak(cause);
    this.received = 0;
    this.releasedReceived = 0;
    this.lost = 0;
  }

  private releaseNext(release: HostTimedRelease<P>): void {
    const payload = this.qPayload[this.head & this.mask] as P;
    const found = this.timeNext(0);
    release(this.scratch, this.lastReleasedN, payload, found);
  }

  /** Samples of the notification timeNext timed last. */
  private lastReleasedN = 0;

  /**
   * Times the oldest held notification into scratch[at …] and takes it off the queue; returns the gaps
   * before its samples (indices relative to its first sample).
   */
  private timeNext(at: number): readonly StreamGap[] {
    const slot = this.head & this.mask;
    const hostS = this.qHostS[slot]!;
    const n = this.qN[slot]!;
    const received = this.qReceived[slot]!;
    this.qPayload[slot] = undefined;
    this.head++;
    this.lastReleasedN = n;
    let gaps: StreamGap[] | null = null;

    if (Number.isNaN(this.lastSampleS)) {
      this.startSegment(hostS, n, received);
    } else {
      if (!this.rateChecked) this.checkRate(hostS, received);
      const lostNow = this.rateChecked && !this.flushing ? this.lostBefore(hostS, received) : 0;
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
    this.place(at, hostS, n, received);
    this.measureRate(hostS, received + this.lost - 1);
    const outT = this.scratch;

    if (this.breakCause !== null) {
      const cause = this.breakCause;
      this.breakCause = null;
      const stepS = outT[at]! - this.lastTS;
      const lostSamples = spacing > 0 ? Math.max(0, Math.round(stepS / spacing) - 1) : 0;
      gaps = [{ index: 0, fromS: Number.NaN, toS: Number.NaN, lostSamples, cause, late: false }];
    }
    const found = gaps ?? NO_GAPS;
    this.commit(outT, n, found, at);
    return found;
  }

  /**
   * The steady state of a run, for batch analysis: times held notifications from the head (those
   * HOST_LOOKAHEAD_S old by `untilHostS`) into scratch[at …] while nothing but timing happens — segment
   * open, rate checked, no break, no loss suspected; stops at the first that needs more (timeNext then
   * takes it). Placement, rate fit and commit are timeNext's; only its checks are skipped. Returns the
   * samples timed.
   */
  private timeSteady(at: number, untilHostS: number): number {
    if (this.breakCause !== null || !this.rateChecked || Number.isNaN(this.lastSampleS)) return 0;
    let thresholdS = this.lossThresholdS();
    let total = 0;
    while (this.head < this.tail) {
      const slot = this.head & this.mask;
      const hostS = this.qHostS[slot]!;
      if (!(hostS + HOST_LOOKAHEAD_S <= untilHostS)) break;
      const n = this.qN[slot]!;
      const received = this.qReceived[slot]!;
      // lostBefore's fast path: no later than the floor allows (else timeNext looks at the window).
      let predictedS: number | undefined;
      if (this.recentTail !== this.recentHead) {
        predictedS = this.offset.predict(hostS);
        if (this.latenessS(hostS, received, predictedS) > thresholdS) break;
      }
      this.qPayload[slot] = undefined;
      this.head++;
      this.place(at + total, hostS, n, received, predictedS);
      if (this.measureRate(hostS, received + this.lost - 1)) thresholdS = this.lossThresholdS();
      this.commit(this.scratch, n, NO_GAPS, at + total);
      total += n;
    }
    return total;
  }

  /**
   * Places a notification of `n` samples (received at `hostS`, `received` samples into the segment) on
   * the sample clock right after the last one placed, writes their timeline times into scratch[at …] and
   * moves the offset estimate and the look-back floor on. Sample i's sample-clock time is
   * firstS + i·spacing; the timeline adds the offset estimate. `predictedS`: the offset's prediction at
   * `hostS` if the caller has it already (the loss check needs it too).
   */
  private place(at: number, hostS: number, n: number, received: number, predictedS?: number): void {
    if (this.scratch.length < at + n) this.growScratch(at + n);
    const spacing = this.spacingS;
    const firstS = this.lastSampleS + (received - this.releasedReceived - n + 1) * spacing;
    const lastS = firstS + (n - 1) * spacing;
    const estS = this.offset.update(hostS, lastS, predictedS);
    this.remember(hostS, hostS - lastS);
    this.lastSampleS = lastS;
    this.releasedReceived = received;
    const outT = this.scratch;
    for (let i = 0; i < n; i++) outT[at + i] = firstS + i * spacing + estS;
  }

  /** Grows the scratch to hold at least `size` times, keeping what is written. */
  private growScratch(size: number): void {
    const grown = new Float64Array(Math.max(size, 2 * this.scratch.length));
    grown.set(this.scratch);
    this.scratch = grown;
  }

  /**
   * How much later than the latency floor (`predictedS`: the offset's prediction at `hostS`) a
   * notification arrived, were its samples right after the last ones placed, s.
   */
  private latenessS(hostS: number, received: number, predictedS: number): number {
    return hostS - (this.lastSampleS + (received - this.releasedReceived) * this.spacingS) - predictedS;
  }

  /** How much later than the floor allows a notification must be to suggest a loss, s. */
  private lossThresholdS(): number {
    const spacing = this.spacingS;
    // Until the rate is measured the floor may tilt by up to ~2 %: only a clear hole counts then.
    return this.fit.established ? Math.max(1.5 * spacing, 0.01) : Math.max(10 * spacing, 0.1);
  }

  private startSegment(hostS: number, n: number, received: number): void {
    this.offset.reset();
    this.recentHead = this.recentTail;
    // The notification's last sample is placed at its receive time; the offset starts there.
    this.lastSampleS = -n * this.spacingS;
    this.releasedReceived = received - n;
    this.segFirstHostS = hostS;
    this.segFirstReceived = received;
    this.fit.restart(hostS, this.spacingS);
  }

  /**
   * Samples missing before notification `p`: the latency floor (least of host time − sample clock) over
   * the lookahead window (p and after) against the floor over the same span before p. A loss is a step
   * of at least one notification's samples; a slightly wrong rate only tilts the floor slowly, and a
   * stall lifts only a few notifications, not the floor of a whole window.
   */
  private lostBefore(hostS: number, received: number): number {
    if (this.recentTail === this.recentHead) return 0;
    const spacing = this.spacingS;
    const thresholdS = this.lossThresholdS();
    // Fast path (almost every notification): no later than the long-run floor allows → nothing lost.
    if (!(this.latenessS(hostS, received, this.offset.predict(hostS)) > thresholdS)) return 0;
    let minBeforeS = Number.POSITIVE_INFINITY;
    const rMask = this.recentMask;
    for (let j = this.recentTail - 1; j >= this.recentHead; j--) {
      if (this.recentT[j & rMask]! < hostS - HOST_LOOKAHEAD_S) break;
      const d = this.recentD[j & rMask]!;
      if (d < minBeforeS) minBeforeS = d;
    }
    if (minBeforeS === Number.POSITIVE_INFINITY) minBeforeS = this.recentD[(this.recentTail - 1) & rMask]!;
    const base = this.lastSampleS - this.releasedReceived * spacing;
    let minAfterS = Number.POSITIVE_INFINITY;
    const endS = hostS + HOST_LOOKAHEAD_S;
    // From the notification being released (head − 1) through the ones held after it.
    for (let j = this.head - 1; j < this.tail; j++) {
      const qHostS = this.qHostS[j & this.mask]!;
      if (qHostS > endS) break;
      const d = qHostS - (base + this.qReceived[j & this.mask]! * spacing);
      if (d < minAfterS) minAfterS = d;
      if (!(minAfterS - minBeforeS > thresholdS)) return 0;
    }
    const stepS = minAfterS - minBeforeS;
    return Number.isFinite(stepS) ? Math.round(stepS / spacing) : 0;
  }

  /** Remembers (host time, host − sample clock) of released notifications for the look-back floor. */
  private remember(hostS: number, diffS: number): void {
    if (this.recentTail - this.recentHead > this.recentMask) this.growRecent();
    const slot = this.recentTail & this.recentMask;
    this.recentT[slot] = hostS;
    this.recentD[slot] = diffS;
    this.recentTail++;
    // Past 256 entries, the ones older than the look-back window are forgotten.
    if (
      this.recentTail - this.recentHead > 256 &&
      this.recentT[this.recentHead & this.recentMask]! < hostS - 2 * HOST_LOOKAHEAD_S
    ) {
      while (
        this.recentHead < this.recentTail &&
        this.recentT[this.recentHead & this.recentMask]! < hostS - HOST_LOOKAHEAD_S
      )
        this.recentHead++;
    }
  }

  private growRecent(): void {
    const count = this.recentTail - this.recentHead;
    const cap = 2 * (this.recentMask + 1);
    const t = new Float64Array(cap);
    const d = new Float64Array(cap);
    for (let k = 0; k < count; k++) {
      const slot = (this.recentHead + k) & this.recentMask;
      t[k] = this.recentT[slot]!;
      d[k] = this.recentD[slot]!;
    }
    this.recentT = t;
    this.recentD = d;
    this.recentMask = cap - 1;
    this.recentHead = 0;
    this.recentTail = count;
  }

  /**
   * Once, a few seconds into the stream: a rate far from the nominal one (e.g. the sensor was never
   * configured) replaces it at once, and the offset is re-anchored on this notification.
   */
  private checkRate(hostS: number, received: number): void {
    const spanS = hostS - this.segFirstHostS;
    if (spanS < RATE_CHECK_S) return;
    this.rateChecked = true;
    const measuredSpacing = spanS / Math.max(1, received - this.segFirstReceived);
    if (Math.abs(measuredSpacing / this.spacingS - 1) > RATE_GROSS_ERROR) {
      this.spacingS = measuredSpacing;
      this.offset.reset();
      this.recentHead = this.recentTail;
      this.fit.restart(hostS, measuredSpacing);
    }
  }

  /**
   * Feeds the rate fit with the sample index of the notification's last sample; true when it gave a
   * new spacing.
   */
  private measureRate(hostS: number, index: number): boolean {
    const spacing = this.fit.push(hostS, index);
    if (spacing === null) return false;
    this.spacingS = spacing;
    this.offset.driftPerS = DRIFT_MEASURED_PER_S;
    return true;
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
