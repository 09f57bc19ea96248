import { describe, expect, it } from 'vitest';
import { bleDelivery, prng } from '../test-support/prng.js';
import { AccGyroPairer } from './acc-gyro-pairer.js';
import { HostClockStream } from './host-clock-stream.js';
import { MinLatencyOffset } from './min-latency-offset.js';
import { SampleTimeStream } from './sample-time-stream.js';
import { SensorClock, SensorClockStream } from './sensor-clock-stream.js';
import type { StreamGap } from './stream-clock.js';

describe('MinLatencyOffset', () => {
  it('keeps the least-delayed difference and never exceeds the current one', () => {
    const o = new MinLatencyOffset(0);
    expect(o.update(10.05, 0)).toBeCloseTo(10.05, 12);
    expect(o.update(11.01, 1)).toBeCloseTo(10.01, 12);
    expect(o.update(12.2, 2)).toBeCloseTo(10.01, 12);
    expect(o.update(13.0, 3)).toBeCloseTo(10.0, 12);
  });

  it('rises by the drift allowance between minima so a slowly drifting clock is followed', () => {
    const o = new MinLatencyOffset(1e-3);
    o.update(0, 0);
    // The true offset grows by 0.5 ms/s; every packet has exactly zero latency.
    let est = 0;
    for (let k = 1; k <= 100; k++) est = o.update(k, k - 0.0005 * k);
    expect(est).toBeCloseTo(0.05, 9);
    // Latency spikes do not pull it up by more than the allowance.
    expect(o.update(100.5, 100.5 - 0.05 - 0.3)).toBeCloseTo(0.05 + 0.0005, 9);
  });
});

/** Polar-like frames: `perFrame` samples at `rateHz` on the sensor clock, last-sample time per frame. */
function polarFrames(rateHz: number, perFrame: number, frames: number, clockStartUs: number) {
  const out: { sensorTUs: Float64Array; producedS: number }[] = [];
  for (let f = 0; f < frames; f++) {
    const u = new Float64Array(perFrame);
    for (let i = 0; i < perFrame; i++) u[i] = clockStartUs + ((f * perFrame + i) * 1e6) / rateHz;
    out.push({ sensorTUs: u, producedS: (f * perFrame + perFrame - 1) / rateHz });
  }
  return out;
}

describe('SensorClockStream', () => {
  it('keeps the sensor spacing exactly under BLE bunching and jitter, and lands within the latency floor', () => {
    const rand = prng(1);
    const deliver = bleDelivery(rand, 0.045, 0.01);
    const stream = new SensorClockStream(new SensorClock(), 52);
    const frames = polarFrames(52, 10, 300, 7.6e14);
    const times: number[] = [];
    const truth: number[] = [];
    for (const [f, frame] of frames.entries()) {
      const out = new Float64Array(10);
      const gaps = stream.align(deliver(frame.producedS + 1), frame.sensorTUs, 10, out);
      expect(gaps).toHaveLength(0);
      for (let i = 0; i < 10; i++) {
        times.push(out[i]!);
        truth.push(1 + (f * 10 + i) / 52);
      }
    }
    // Sample spacing is the sensor's: stretched by at most the drift allowance, compressed only
    // where a new latency minimum lowers the offset (rare after the first seconds, and small).
    let exact = 0;
    for (let i = 260; i < times.length; i++) {
      const step = times[i]! - times[i - 1]!;
      expect(step).toBeGreaterThan(0.5 / 52);
      expect(step).toBeLessThan(1.003 / 52);
      if (Math.abs(step * 52 - 1) < 3e-3) exact++;
    }
    expect(exact / (times.length - 260)).toBeGreaterThan(0.97);
    // Timeline = true production time + the minimum latency (≤ 2 ms floor + a few ms of allowance).
    const late = times.slice(260).map((t, i) => t - truth[i + 260]!);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...late)).toBeLessThan(0.01);
    expect(stream.samples).toBe(3000);
    expect(stream.gaps).toBe(0);
    expect(stream.rateHz).toBeCloseTo(52, 1);
  });

  it('re-spaces the stretched frame after lost frames and reports the hole with its lost samples', () => {
    const stream = new SensorClockStream(new SensorClock(), 52);
    const frames = polarFrames(52, 10, 40, 1e12);
    const found: StreamGap[] = [];
    let prevLast = Number.NaN;
    let first = Number.NaN;
    for (const [f, frame] of frames.entries()) {
      if (f === 20 || f === 21) continue; // two frames lost
      let u = frame.sensorTUs;
      if (f === 22) {
        // The SDK spreads the frame over (ts − prevTs)/N: stretched over three frames' time.
        const lastUs = u[9]!;
        const prevTsUs = frames[19]!.sensorTUs[9]!;
        u = new Float64Array(10);
        for (let i = 0; i < 10; i++) u[i] = prevTsUs + ((lastUs - prevTsUs) / 10) * (i + 1);
      }
      const out = new Float64Array(10);
      found.push(...stream.align(frame.producedS + 0.01, u, 10, out));
      if (f === 22) first = out[0]!;
      if (f === 19) prevLast = out[9]!;
      if (f === 22) {
        for (let i = 1; i < 10; i++) expect(out[i]! - out[i - 1]!).toBeCloseTo(1 / 52, 6);
      }
    }
    expect(found).toHaveLength(1);
    expect(found[0]!.lostSamples).toBe(20);
    expect(found[0]!.cause).toBe('sensor-clock');
    expect(found[0]!.fromS).toBeCloseTo(prevLast, 9);
    expect(found[0]!.toS).toBeCloseTo(first, 9);
    expect(first - prevLast).toBeCloseTo(21 / 52, 6);
    expect(stream.gaps).toBe(1);
    expect(stream.lostSamples).toBe(20);
    expect(stream.rateHz).toBeCloseTo(52, 3);
  });

  it('finds holes inside a packet of per-sample timestamps (Tindeq) and never moves time backwards', () => {
    const stream = new SensorClockStream(new SensorClock(), undefined);
    const u = new Float64Array([0, 12500, 25000, 37500, 75000, 87500]);
    const out = new Float64Array(6);
    const gaps = stream.align(0.2, u, 6, out);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.index).toBe(4);
    expect(gaps[0]!.lostSamples).toBe(2);
    for (let i = 1; i < 6; i++) expect(out[i]!).toBeGreaterThan(out[i - 1]!);
    expect(out[5]!).toBeCloseTo(0.2, 9);
  });

  it('treats a disconnect as a gap measured on the timeline', () => {
    const clock = new SensorClock();
    const stream = new SensorClockStream(clock, 80);
    const out = new Float64Array(1);
    for (let k = 0; k < 80; k++) stream.align(k / 80 + 0.005, new Float64Array([k * 12500]), 1, out);
    clock.reset();
    stream.markBreak('disconnect');
    // The device restarts its clock at 0 two seconds later.
    const gaps = stream.align(3.0, new Float64Array([0]), 1, out);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.cause).toBe('disconnect');
    expect(gaps[0]!.lostSamples).toBe(Math.round((3.0 - (79 / 80 + 0.005)) * 80) - 1);
  });
});

/** WitMotion-like: `perPacket` records per notification at `rateHz`, delivered with BLE bunching. */
function witPackets(rateHz: number, perPacket: number, packets: number, deliver: (s: number) => number) {
  const out: { hostS: number; firstIndex: number }[] = [];
  for (let p = 0; p < packets; p++) {
    const lastIndex = p * perPacket + perPacket - 1;
    out.push({ hostS: deliver(lastIndex / rateHz), firstIndex: p * perPacket });
  }
  // Deliveries are in order (a connection event carries them in sequence).
  for (let i = 1; i < out.length; i++) out[i]!.hostS = Math.max(out[i]!.hostS, out[i - 1]!.hostS);
  return out;
}

/** Runs notifications through a host clock; returns each sample's timeline time (by sample index) and gaps. */
function runHost(
  stream: HostClockStream<number>,
  packets: { hostS: number; firstIndex: number }[],
  perPacket: number,
) {
  const times = new Map<number, number>();
  const gaps: StreamGap[] = [];
  const release = (tS: Float64Array, n: number, first: number, g: readonly StreamGap[]) => {
    gaps.push(...g);
    for (let i = 0; i < n; i++) times.set(first + i, tS[i]!);
  };
  for (const p of packets) stream.push(p.hostS, perPacket, p.firstIndex, release);
  stream.flush(release);
  return { times, gaps };
}

describe('HostClockStream', () => {
  it('spaces records at the rate and removes bunching', () => {
    const rand = prng(2);
    const deliver = bleDelivery(rand, 0.03, 0.004);
    const stream = new HostClockStream<number>(100);
    const packets = witPackets(100, 4, 1500, deliver);
    const { times, gaps } = runHost(stream, packets, 4);
    expect(gaps).toHaveLength(0);
    expect(times.size).toBe(6000);
    const errors: number[] = [];
    for (let i = 1; i < 6000; i++) {
      expect(times.get(i)! - times.get(i - 1)!).toBeGreaterThan(0);
      if (i >= 400) errors.push(times.get(i)! - i / 100);
    }
    // Timeline error against the true sample time: a near-constant latency floor, no bunching pattern.
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const spread = Math.max(...errors) - Math.min(...errors);
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(0.01);
    expect(spread).toBeLessThan(0.008);
    expect(stream.gaps).toBe(0);
    expect(stream.lostSamples).toBe(0);
    expect(stream.rateHz).toBeCloseTo(100, 0);
  });

  it('reports lost notifications as a gap at the right place, with the missing samples', () => {
    for (const lostPackets of [1, 3, 10]) {
      const rand = prng(3 + lostPackets);
      const deliver = bleDelivery(rand, 0.03, 0.004);
      const stream = new HostClockStream<number>(100);
      const packets = witPackets(100, 4, 1000, deliver).filter((_, k) => k < 500 || k >= 500 + lostPackets);
      const { times, gaps } = runHost(stream, packets, 4);
      expect(gaps).toHaveLength(1);
      expect(gaps[0]!.lostSamples).toBe(4 * lostPackets);
      expect(gaps[0]!.cause).toBe('host-time');
      // The hole is between the right samples, and the samples after it are on time.
      const after = 2000 + 4 * lostPackets;
      expect(gaps[0]!.fromS).toBe(times.get(1999));
      expect(gaps[0]!.toS).toBe(times.get(after));
      expect(times.get(after)! - after / 100).toBeLessThan(0.015);
      expect(times.get(after)! - after / 100).toBeGreaterThan(-0.002);
      expect(stream.lostSamples).toBe(4 * lostPackets);
    }
  });

  it('does not mistake a host stall (late, not lost) for a loss', () => {
    const rand = prng(9);
    const deliver = bleDelivery(rand, 0.03, 0.004);
    const stream = new HostClockStream<number>(100);
    const packets = witPackets(100, 4, 1000, deliver);
    // Notifications 400..405 are held back by a 120 ms stall and arrive together.
    const stallEnd = packets[405]!.hostS + 0.12;
    for (let k = 400; k <= 405; k++) packets[k]!.hostS = stallEnd;
    const { times, gaps } = runHost(stream, packets, 4);
    expect(gaps).toHaveLength(0);
    expect(stream.lostSamples).toBe(0);
    // The held-back samples keep their spacing.
    for (let i = 1600; i < 1624; i++) expect(times.get(i + 1)! - times.get(i)!).toBeCloseTo(0.01, 3);
  });

  it('replaces a wrong nominal rate with the measured one without inventing losses', () => {
    const rand = prng(5);
    const deliver = bleDelivery(rand, 0.03, 0.004);
    const stream = new HostClockStream<number>(10); // header said nothing; the sensor runs at 50 Hz
    const packets = witPackets(50, 2, 1500, deliver);
    const { times } = runHost(stream, packets, 2);
    expect(stream.rateHz).toBeCloseTo(50, 0);
    expect(times.get(2999)! - times.get(2998)!).toBeCloseTo(0.02, 4);
    expect(stream.lostSamples).toBe(0);
  });

  it('measures a rate off the nominal one (oscillator error) and keeps the timeline on host time', () => {
    for (const actualHz of [98.5, 99.8, 101.5]) {
      const rand = prng(Math.round(actualHz * 10));
      const deliver = bleDelivery(rand, 0.045, 0.003);
      const stream = new HostClockStream<number>(100);
      const packets = witPackets(actualHz, 4, 3000, deliver);
      const { times } = runHost(stream, packets, 4);
      const last = 11999;
      expect(times.get(last)! - last / actualHz).toBeGreaterThanOrEqual(-0.001);
      expect(times.get(last)! - last / actualHz).toBeLessThan(0.02);
      // Spacing to 0.05 %.
      expect((times.get(last)! - times.get(last - 1000)!) / 1000 / (1 / actualHz)).toBeCloseTo(1, 3);
      expect(stream.lostSamples).toBe(0);
    }
  });

  it('counts losses on a bursty lossy link and still measures the rate', () => {
    const rand = prng(11);
    const deliver = bleDelivery(rand, 0.03, 0.004);
    const stream = new HostClockStream<number>(100);
    const actualHz = 100.6;
    const all = witPackets(actualHz, 2, 6000, deliver);
    let bad = false;
    let lostTruth = 0;
    const kept = all.filter(() => {
      bad = bad ? rand() > 0.25 : rand() < 0.01;
      const lose = bad && rand() < 0.6;
      if (lose) lostTruth += 2;
      return !lose;
    });
    const { times } = runHost(stream, kept, 2);
    expect(lostTruth).toBeGreaterThan(50);
    // Without a counter the count is inferred from delays: right to within 10 %.
    expect(Math.abs(stream.lostSamples - lostTruth)).toBeLessThanOrEqual(Math.ceil(lostTruth * 0.1));
    const lastIndex = kept[kept.length - 1]!.firstIndex + 1;
    expect(times.get(lastIndex)! - lastIndex / actualHz).toBeLessThan(0.02);
    expect(times.get(lastIndex)! - lastIndex / actualHz).toBeGreaterThan(-0.005);
  });
});

describe('SampleTimeStream', () => {
  it('keeps imported times and reports clear jumps as gaps', () => {
    const stream = new SampleTimeStream(undefined);
    const t = new Float64Array(60);
    for (let i = 0; i < 60; i++) t[i] = i * 0.04 + (i >= 30 ? 1.0 : 0);
    const out = new Float64Array(60);
    const gaps = stream.align(t, 60, out);
    expect(Array.from(out)).toEqual(Array.from(t));
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.index).toBe(30);
    expect(gaps[0]!.lostSamples).toBe(25);
    expect(stream.rateHz).toBeCloseTo(25, 6);
  });
});

describe('AccGyroPairer', () => {
  it('interpolates the accelerometer onto gyro times and waits for coverage', () => {
    const pairer = new AccGyroPairer('V');
    const accT = new Float64Array([0, 0.02, 0.04]);
    const accV = new Float64Array([0, 0, 9, 2, 0, 9, 4, 0, 9]);
    pairer.pushAcc(accT, accV, 3, 0.02);
    pairer.pushGyro(new Float64Array([0.01, 0.03, 0.05]), new Float64Array([1, 1, 1, 2, 2, 2, 3, 3, 3]), 3);
    const b = pairer.drain()!;
    expect(b.count).toBe(2);
    expect(Array.from(b.tS)).toEqual([0.01, 0.03]);
    expect(Array.from(b.accMs2!)).toEqual([1, 0, 9, 3, 0, 9]);
    expect(Array.from(b.gyroDps!)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(pairer.drain()).toBeNull();
    pairer.pushAcc(new Float64Array([0.06]), new Float64Array([6, 0, 9]), 1, 0.02);
    const c = pairer.drain()!;
    expect(Array.from(c.accMs2!)).toEqual([5, 0, 9]);
  });

  it('uses the nearest sample across a hole in the accelerometer stream', () => {
    const pairer = new AccGyroPairer('V');
    pairer.pushAcc(new Float64Array([0, 0.2]), new Float64Array([0, 0, 9, 10, 0, 9]), 2, 0.02);
    pairer.pushGyro(new Float64Array([0.05, 0.15]), new Float64Array(6), 2);
    const b = pairer.drain()!;
    expect(Array.from(b.accMs2!)).toEqual([0, 0, 9, 10, 0, 9]);
  });
});

describe('HostClockStream: chunked release (batch analysis)', () => {
  /** Every released sample's time in order, and the gaps with the running sample count they precede. */
  function flat(
    stream: HostClockStream<number>,
    packets: { hostS: number; firstIndex: number }[],
    per: number,
  ) {
    const times: number[] = [];
    const gaps: { before: number; lostSamples: number; fromS: number; toS: number }[] = [];
    let calls = 0;
    const release = (tS: Float64Array, n: number, _p: number, g: readonly StreamGap[]) => {
      calls++;
      for (const x of g)
        gaps.push({ before: times.length + x.index, lostSamples: x.lostSamples, fromS: x.fromS, toS: x.toS });
      for (let i = 0; i < n; i++) times.push(tS[i]!);
    };
    for (const p of packets) stream.push(p.hostS, per, p.firstIndex, release);
    stream.flush(release);
    return { times, gaps, calls };
  }

  it('times every sample exactly as per-notification release does, losses and a break included, in fewer calls', () => {
    const rand = prng(21);
    const deliver = bleDelivery(rand, 0.03, 0.004);
    const all = witPackets(100.4, 2, 4000, deliver);
    let bad = false;
    const kept = all.filter(() => {
      bad = bad ? rand() > 0.25 : rand() < 0.01;
      return !(bad && rand() < 0.6);
    });
    // A loss just before the break: it must be found as it would be one by one (not swallowed by the
    // flush at the disconnect, which times what is left without loss inference).
    const halfAt = Math.floor(kept.length / 2);
    kept.splice(halfAt - 40, 3);
    const run = (chunkS: number) => {
      const stream = new HostClockStream<number>(100, chunkS);
      const half = halfAt - 3;
      const a = flat(stream, kept.slice(0, half), 2);
      stream.markBreak('disconnect');
      const later = kept.slice(half).map((p) => ({ ...p, hostS: p.hostS + 2 }));
      const b = flat(stream, later, 2);
      return { a, b, lost: stream.lostSamples, gaps: stream.gaps };
    };
    const each = run(0);
    const chunked = run(0.5);
    expect(each.gaps).toBeGreaterThan(5);
    expect(chunked.a.times).toEqual(each.a.times);
    expect(chunked.b.times).toEqual(each.b.times);
    expect(chunked.a.gaps).toEqual(each.a.gaps);
    expect(chunked.b.gaps).toEqual(each.b.gaps);
    expect([chunked.lost, chunked.gaps]).toEqual([each.lost, each.gaps]);
    expect(chunked.a.calls * 10).toBeLessThan(each.a.calls);
  });
});
