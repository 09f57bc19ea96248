/**
 * Counts attempts per key in a sliding window (sign-in failures per IP and per account). In memory:
 * limits reset when the server restarts, which is fine for slowing down guessing. The number of keys
 * is bounded: past `maxKeys` the oldest key is forgotten (an attacker cycling through addresses gains
 * nothing from that: each new key starts with a full window anyway).
 */
export interface LimitPolicy {
  /** Attempts allowed within the window. */
  max: number;
  windowMs: number;
}

export type LimitCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

export class AttemptLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly policy: LimitPolicy,
    private readonly maxKeys = 10_000,
  ) {}

  /** Whether another attempt is allowed now (does not count one). */
  check(key: string, nowMs: number): LimitCheck {
    const times = this.live(key, nowMs);
    if (times.length < this.policy.max) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, times[0]! + this.policy.windowMs - nowMs) };
  }

  /** Counts one attempt. */
  record(key: string, nowMs: number): void {
    const times = this.live(key, nowMs);
    times.push(nowMs);
    // Refreshed keys move to the end, so the first key is the least recently used.
    this.hits.delete(key);
    this.hits.set(key, times.length > this.policy.max ? times.slice(-this.policy.max) : times);
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private live(key: string, nowMs: number): number[] {
    const times = this.hits.get(key);
    if (!times) return [];
    const from = nowMs - this.policy.windowMs;
    let i = 0;
    while (i < times.length && times[i]! <= from) i++;
    return i === 0 ? times : times.slice(i);
  }
}
