import { describe, expect, it } from 'vitest';
import { type Clock, Coalescer } from './coalescer.js';

/** A manual clock: timers fire only when the test advances time. */
function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (h) => {
      timers = timers.filter((t) => t.id !== h);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.length };
}

function setup(minIntervalMs = 50, newsMinIntervalMs = 10) {
  const { clock, advance, pending } = manualClock();
  const sends: number[] = [];
  const acks: Array<() => void> = [];
  const c = new Coalescer({
    minIntervalMs,
    newsMinIntervalMs,
    clock,
    flush: (done) => {
      sends.push(clock.now());
      acks.push(done);
    },
  });
  const ackAll = () => {
    for (const a of acks.splice(0)) a();
  };
  return { c, sends, advance, ackAll, pending };
}

describe('Coalescer', () => {
  it('sends at once when idle (leading edge)', () => {
    const { c, sends } = setup();
    c.notify(1);
    expect(sends).toEqual([0]);
  });

  it('caps routine updates at the display rate and folds the rest into one send', () => {
    const { c, sends, advance, ackAll } = setup(50);
    c.notify(1);
    ackAll();
    for (let t = 0; t < 9; t++) {
      advance(5);
      c.notify(1);
    }
    // 9 notifications within the 50 ms slot: nothing yet; the first change after the slot opens
    // goes out at once, carrying everything (the freshest data).
    expect(sends).toEqual([0]);
    advance(7);
    c.notify(1);
    expect(sends).toEqual([0, 52]);
    expect(c.coalesced).toBe(9);
  });

  it('sends a pending routine change at most a grace period after its slot when nothing else comes', () => {
    const { c, sends, advance, ackAll } = setup(50);
    c.notify(1);
    ackAll();
    advance(10);
    c.notify(1);
    advance(64);
    expect(sends).toEqual([0]);
    advance(1); // slot 50 + grace 25
    expect(sends).toEqual([0, 75]);
  });

  it('keeps at most one send in flight: a client that does not ack gets nothing more', () => {
    const { c, sends, advance, ackAll } = setup(50);
    c.notify(1);
    for (let i = 0; i < 100; i++) {
      advance(20);
      c.notify(1);
    }
    expect(sends).toEqual([0]);
    // The ack arrives at 2000 ms: the latest state goes out at once (the slot has long passed).
    ackAll();
    expect(sends).toEqual([0, 2000]);
  });

  it('lets news through sooner than the routine cap, still one in flight', () => {
    const { c, sends, advance, ackAll } = setup(50, 10);
    c.notify(1);
    ackAll();
    advance(12);
    c.notify(2);
    expect(sends).toEqual([0, 12]);
    c.notify(2);
    advance(30);
    expect(sends).toEqual([0, 12]); // in flight
    ackAll();
    expect(sends).toEqual([0, 12, 42]);
  });

  it('waits for the news slot when news comes right after a send', () => {
    const { c, sends, advance, ackAll } = setup(50, 10);
    c.notify(1);
    ackAll();
    advance(3);
    c.notify(2);
    expect(sends).toEqual([0]);
    advance(7);
    expect(sends).toEqual([0, 10]);
  });

  it('a pending routine timer is brought forward by news', () => {
    const { c, sends, advance, ackAll, pending } = setup(50, 10);
    c.notify(1);
    ackAll();
    advance(1);
    c.notify(1); // timer for t = 75 (slot + grace)
    expect(pending()).toBe(1);
    c.notify(2); // news: t = 10
    expect(pending()).toBe(1);
    advance(9);
    expect(sends).toEqual([0, 10]);
    ackAll();
    advance(100);
    expect(sends).toEqual([0, 10]);
  });

  it('stops after dispose and ignores late acks twice', () => {
    const { c, sends, advance, ackAll, pending } = setup(50);
    c.notify(1);
    ackAll();
    advance(1);
    c.notify(1);
    c.dispose();
    expect(pending()).toBe(0);
    advance(100);
    c.notify(2);
    expect(sends).toEqual([0]);
  });
});
