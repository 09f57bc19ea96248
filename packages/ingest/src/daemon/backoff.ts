/** Reconnect delays: bounded exponential backoff. Pure. */
export interface BackoffPolicy {
  /** First retry delay, ms (≤ 1000 so a dropped link is retried within a second). */
  initialDelayMs: number;
  /** Longest delay, ms. */
  maxDelayMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 250, maxDelayMs: 10_000, factor: 2 };

/** Delay before retry number `attempt` (0-based). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const d = policy.initialDelayMs * policy.factor ** Math.max(0, attempt);
  return Math.min(policy.maxDelayMs, Number.isFinite(d) ? d : policy.maxDelayMs);
}
