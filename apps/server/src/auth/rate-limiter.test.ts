import { describe, expect, it } from 'vitest';
import { AttemptLimiter } from './rate-limiter.js';

describe('AttemptLimiter', () => {
  it('allows max attempts per sliding window, then says when to retry', () => {
    const l = new AttemptLimiter({ max: 3, windowMs: 1000 });
    for (const t of [0, 100, 200]) {
      expect(l.check('k', t)).toEqual({ allowed: true });
      l.record('k', t);
    }
    expect(l.check('k', 300)).toEqual({ allowed: false, retryAfterMs: 700 });
    // The oldest attempt leaves the window at 1000 ms.
    expect(l.check('k', 999)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(l.check('k', 1000)).toEqual({ allowed: true });
    l.record('k', 1000);
    expect(l.check('k', 1050)).toEqual({ allowed: false, retryAfterMs: 50 });
  });

  it('keeps keys apart and forgets a key on reset', () => {
    const l = new AttemptLimiter({ max: 1, windowMs: 1000 });
    l.record('a', 0);
    expect(l.check('a', 1).allowed).toBe(false);
    expect(l.check('b', 1).allowed).toBe(true);
    l.reset('a');
    expect(l.check('a', 2).allowed).toBe(true);
  });

  it('bounds its memory: past maxKeys the least recently used key is forgotten', () => {
    const l = new AttemptLimiter({ max: 1, windowMs: 60_000 }, 3);
    for (const k of ['a', 'b', 'c']) l.record(k, 0);
    l.record('a', 1); // a is fresh again
    l.record('d', 2); // evicts b
    expect(l.check('b', 3).allowed).toBe(true);
    expect(l.check('a', 3).allowed).toBe(false);
    expect(l.check('c', 3).allowed).toBe(false);
    expect(l.check('d', 3).allowed).toBe(false);
  });
});
