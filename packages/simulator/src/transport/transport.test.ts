import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { deliverOverLink, type LinkParams, type Notification } from './ble-link.js';
import { planSessions } from './connection.js';

const notes = (n: number, periodS: number, bytes = 20): Notification[] =>
  Array.from({ length: n }, (_, i) => ({
    readyS: 1 + i * periodS,
    characteristic: 'x',
    bytes: new Uint8Array(bytes),
  }));

const link = (over: Partial<LinkParams> = {}): LinkParams => ({
  connectionIntervalMs: 30,
  maxPerEvent: 4,
  hostLatencyMs: 2,
  hostJitterMs: 0.3,
  stallProbability: 0,
  stallMs: [0, 0],
  loss: null,
  ...over,
});

describe('BLE link model', () => {
  it('bunches notifications into connection events, keeps order and never delivers before ready', () => {
    const input = notes(3000, 0.01);
    const out = deliverOverLink(input, link(), 0.5, 100, createRng(1));
    expect(out).toHaveLength(3000);
    for (let i = 1; i < out.length; i++) {
      expect(out[i]!.tMs).toBeGreaterThanOrEqual(out[i - 1]!.tMs);
      expect(out[i]!.notification).toBe(input[i]);
    }
    for (const r of out) expect(r.tMs / 1000).toBeGreaterThan(r.notification.readyS);
    // 100 Hz over a 30 ms interval: ~3 per event, arriving within airtime of each other
    const gaps = out.slice(1).map((r, i) => r.tMs - out[i]!.tMs);
    const close = gaps.filter((g) => g < 1.5).length;
    const far = gaps.filter((g) => g > 20).length;
    expect(close / gaps.length).toBeGreaterThan(0.5);
    expect(far / gaps.length).toBeGreaterThan(0.25);
    // times keep microsecond precision, no float noise
    for (const r of out) expect(Math.round(r.tMs * 1000) / 1000).toBe(r.tMs);
  });

  it('caps notifications per event, spilling into the next event', () => {
    const burst = Array.from({ length: 10 }, () => ({
      readyS: 1,
      characteristic: 'x',
      bytes: new Uint8Array(20),
    }));
    const out = deliverOverLink(burst, link({ maxPerEvent: 4, hostJitterMs: 0 }), 0, 10, createRng(2));
    const events = new Set(out.map((r) => Math.floor((r.tMs - 2) / 30)));
    expect(events.size).toBe(3);
  });

  it('loses packets in bursts (Gilbert–Elliott), never reliable ones', () => {
    const input = notes(50000, 0.005);
    input[100]!.reliable = true;
    const out = deliverOverLink(
      input,
      link({
        connectionIntervalMs: 7.5,
        maxPerEvent: 6,
        loss: { pGoodToBad: 0.01, pBadToGood: 0.2, lossInGood: 0, lossInBad: 0.8 },
      }),
      0,
      1000,
      createRng(3),
    );
    const got = new Set(out.map((r) => r.notification));
    expect(got.has(input[100]!)).toBe(true);
    let lost = 0;
    let runs = 0;
    let inRun = false;
    for (const n of input) {
      const missing = !got.has(n);
      if (missing) lost++;
      if (missing && !inRun) runs++;
      inRun = missing;
    }
    const rate = lost / input.length;
    // stationary bad-state share 0.01/(0.01+0.2) ≈ 4.8 %, × 0.8 loss ≈ 3.8 %
    expect(rate).toBeGreaterThan(0.025);
    expect(rate).toBeLessThan(0.055);
    expect(lost / runs).toBeGreaterThan(2); // bursts, not independent drops
  });

  it('drops what was not on air when the link ends', () => {
    const out = deliverOverLink(notes(1000, 0.01), link(), 0, 5, createRng(4));
    expect(out.length).toBeLessThan(420);
    expect(Math.max(...out.map((r) => r.tMs))).toBeLessThan(5100);
  });
});

describe('connection sessions', () => {
  it('turns outages into sessions and connect/disconnect events', () => {
    const { sessions, events } = planSessions(
      {
        firstConnectS: 0.1,
        outages: [
          { atS: 50, detectS: 2, reconnectS: 3 },
          { atS: 80, detectS: 1, reconnectS: 1 },
        ],
      },
      120,
    );
    expect(sessions).toEqual([
      { index: 0, connectS: 0.1, endS: 50 },
      { index: 1, connectS: 55, endS: 80 },
      { index: 2, connectS: 82, endS: 120 },
    ]);
    expect(events.map((e) => [e.type, e.tS])).toEqual([
      ['connect', 0.1],
      ['disconnect', 52],
      ['connect', 55],
      ['disconnect', 81],
      ['connect', 82],
    ]);
    expect(events[2]!.reason).toBe('reconnected');
  });
});
