/** Wall-clock scheduling at the edge (injectable for tests). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface CoalescerOptions {
  /** Shortest spacing of routine updates (the display-rate cap), ms. */
  minIntervalMs: number;
  /** Shortest spacing when there is news (a rep, a set, an alert), ms. */
  newsMinIntervalMs: number;
  /**
   * Routine changes wait for the next change after the slot opens (so the update carries the freshest
   * data) but at most this long past the slot, ms. Default: half the routine interval.
   */
  trailingGraceMs?: number;
  clock: Clock;
  /** Builds the payload from the latest state and sends it; calls `done` once the client acked (or gave up). */
  flush(done: () => void): void;
}

/** 1: something changed; 2: news worth sending without waiting for the display-rate slot. */
export type Urgency = 1 | 2;

/**
 * Latest-value coalescing for one client and one stream. Leading edge: a change goes out at once when
 * nothing is in flight and the rate cap allows; otherwise it is folded into the next send. At most one
 * send is in flight, so a slow client gets fewer, fresher updates and never queues work on the server.
 * A routine change that must wait for its slot goes out with the first change after the slot opens
 * (the freshest data, ~50 Hz ingest batches), or at the latest `trailingGraceMs` after it.
 */
export class Coalescer {
  private dirty: 0 | Urgency = 0;
  private inFlight = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;
  private timerDue = Number.POSITIVE_INFINITY;
  private disposed = false;
  sent = 0;
  /** Notifications folded into a later send. */
  coalesced = 0;

  constructor(private readonly opts: CoalescerOptions) {}

  notify(urgency: Urgency): void {
    if (this.disposed) return;
    if (this.dirty > 0 || this.inFlight) this.coalesced++;
    if (urgency > this.dirty) this.dirty = urgency;
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }

  private schedule(): void {
    if (this.inFlight || this.dirty === 0 || this.disposed) return;
    const news = this.dirty === 2;
    const due = this.lastSentAt + (news ? this.opts.newsMinIntervalMs : this.opts.minIntervalMs);
    const now = this.opts.clock.now();
    if (now >= due) {
      this.send(now);
      return;
    }
    const fireAt = news ? due : due + (this.opts.trailingGraceMs ?? this.opts.minIntervalMs / 2);
    if (this.timer !== null && this.timerDue <= fireAt) return;
    this.clearTimer();
    this.timerDue = fireAt;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      this.timerDue = Number.POSITIVE_INFINITY;
      this.flushDue();
    }, fireAt - now);
  }

  /** The fallback timer: send what is pending now, whatever the slot said. */
  private flushDue(): void {
    if (this.inFlight || this.dirty === 0 || this.disposed) return;
    this.send(this.opts.clock.now());
  }

  private send(now: number): void {
    this.clearTimer();
    this.dirty = 0;
    this.inFlight = true;
    this.lastSentAt = now;
    this.sent++;
    let called = false;
    this.opts.flush(() => {
      if (called) return;
      called = true;
      this.inFlight = false;
      this.schedule();
    });
  }

  private clearTimer(): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Number.POSITIVE_INFINITY;
  }
}
