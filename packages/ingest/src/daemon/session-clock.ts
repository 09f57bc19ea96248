import { performance } from 'node:perf_hooks';

/**
 * The recording's time axis: ms since the session started on a monotonic clock (never the wall clock,
 * which can jump). Rounded to µs so files stay small; rounding keeps it non-decreasing.
 */
export interface SessionClock {
  /** ms since t = 0. */
  nowMs(): number;
}

export function createSessionClock(
  monotonicMs: () => number = () => performance.now(),
  offsetMs = 0,
): SessionClock {
  const origin = monotonicMs();
  return {
    nowMs: () => Math.round((monotonicMs() - origin + offsetMs) * 1000) / 1000,
  };
}
