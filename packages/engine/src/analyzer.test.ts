import type { DeviceInfo, RecordingEvent, RecordingHeader } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.js';
import {
  concat,
  POLAR_DATA,
  packet,
  polarAccRaw,
  polarGyroDelta16,
  RSC_MEASUREMENT,
  rscMeasurement,
  TINDEQ_DATA,
  tindeqWeights,
  WIT_NOTIFY,
  witRecord,
} from './test-support/encode.js';
import { bleDelivery, prng } from './test-support/prng.js';
import { stubProcessors } from './test-support/stub-processors.js';
import type { EngineUpdate } from './types.js';

function header(devices: DeviceInfo[], activity?: string): RecordingHeader {
  return {
    type: 'header',
    format: 'hamstream.recording',
    version: 1,
    startedAt: '2026-11-20T10:00:00.000Z',
    ...(activity ? { activity } : {}),
    devices,
  };
}

const byTime = (events: RecordingEvent[]) => events.sort((a, b) => a.t - b.t);

function runAll(h: RecordingHeader, events: readonly RecordingEvent[], processors = stubProcessors()) {
  const analyzer = createAnalyzer(h, { processors: processors.processors, display: false });
  const updates: EngineUpdate[] = [];
  for (const e of events) updates.push(...analyzer.push(e));
  updates.push(...analyzer.finish());
  return { updates, output: analyzer.output(), log: processors.log };
}

/**
 * WitMotion at 100 Hz, two records per notification, delivered with BLE bunching; 10 notifications
 * lost at 20 s; a disconnect from 40 s to 42 s; one garbage notification.
 */
function witmotionSession() {
  const rand = prng(42);
  const deliver = bleDelivery(rand, 0.03, 0.003);
  const events: RecordingEvent[] = [];
  let lastMs = 0;
  for (let k = 0; k < 3000; k++) {
    if (k >= 1000 && k < 1010) continue;
    if (k >= 2000 && k < 2100) continue;
    const i0 = 2 * k;
    const rec = (i: number) =>
      witRecord([0, 9.80665 * Math.cos(i / 50), 9.80665 * Math.sin(i / 50)], [20, 0, 0]);
    const tMs = Math.max(lastMs, deliver((i0 + 1) / 100) * 1000);
    lastMs = tMs;
    events.push(packet(tMs, 'L-shank', WIT_NOTIFY, concat([rec(i0), rec(i0 + 1)])));
  }
  events.push(packet(25_000.5, 'L-shank', WIT_NOTIFY, new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x01])));
  events.push({ type: 'disconnect', t: 40_050, device: 'L-shank', reason: 'supervision timeout' });
  events.push({ type: 'connect', t: 41_900, device: 'L-shank' });
  events.push({ type: 'mark', t: 5000, activity: 'prone-hamstring-curl', side: 'left' });
  events.push({ type: 'mark', t: 30_000, activity: null });
  events.push({ type: 'mark', t: 35_000, activity: 'prone-hamstring-curl' });
  return byTime(events);
}

const LSHANK: DeviceInfo = {
  id: 'L-shank',
  driver: 'witmotion-wt901',
  placement: 'shank',
  side: 'left',
  config: { rateHz: 100 },
};

describe('createAnalyzer: decoding, time alignment, gaps and quality (WitMotion bytes)', () => {
  const { updates, output, log } = runAll(header([LSHANK]), witmotionSession());

  it('counts what arrived, what is missing and what could not be decoded', () => {
    const q = output.quality[0]!;
    expect(q.device).toBe('L-shank');
    expect(q.packets).toBe(3000 - 10 - 100 + 1);
    expect(q.samples).toBe(2 * (3000 - 110));
    expect(q.gaps).toBe(2);
    expect(q.lostSamples).toBeGreaterThanOrEqual(218);
    expect(q.lostSamples).toBeLessThanOrEqual(222);
    expect(q.decodeErrors).toBe(1);
    expect(q.disconnects).toBe(1);
    expect(q.rateHz).toBeCloseTo(100, 0);
  });

  it('reports each gap once, before the data after it, and resets the fused state there', () => {
    const gaps = updates.filter((u) => u.type === 'gap');
    expect(gaps).toHaveLength(2);
    const [loss, link] = gaps as Extract<EngineUpdate, { type: 'gap' }>[];
    expect(loss!.cause).toBe('host-time');
    expect(loss!.lostSamples).toBe(20);
    expect(loss!.fromS).toBeCloseTo(19.99, 1);
    expect(loss!.toS - loss!.fromS).toBeCloseTo(0.21, 1);
    expect(link!.cause).toBe('disconnect');
    expect(link!.lostSamples).toBeGreaterThanOrEqual(198);
    expect(link!.lostSamples).toBeLessThanOrEqual(202);
    expect(log.inclinationResets).toBe(2);
    // Nothing is interpolated across a hole: the batches on either side keep their own times.
    const after = log.imu.find((b) => b.firstS >= loss!.toS - 1e-9)!;
    expect(after.firstS).toBeCloseTo(loss!.toS, 9);
  });

  it('keeps samples evenly spaced at the measured rate and in order', () => {
    let prev = Number.NEGATIVE_INFINITY;
    let even = 0;
    let steps = 0;
    for (const b of log.imu) {
      for (let i = 0; i < b.count; i++) {
        const t = b.tS[i]!;
        expect(t).toBeGreaterThan(prev);
        if (prev > 3 && t - prev < 0.05) {
          steps++;
          if (Math.abs(t - prev - 0.01) < 0.001) even++;
        }
        prev = t;
      }
    }
    expect(even / steps).toBeGreaterThan(0.99);
  });

  it('makes one set per activity period of the moving segment, fed only with that period’s data', () => {
    expect(output.sets.map((s) => [s.device, s.activity, s.side, s.startS, s.endS])).toEqual([
      ['L-shank', 'prone-hamstring-curl', 'left', 5, 30],
      ['L-shank', 'prone-hamstring-curl', 'left', 35, output.recording.durationS],
    ]);
    const [first, second] = log.repDetectors;
    expect(first!.pushes.every(([a, b]) => a >= 5 && b < 30)).toBe(true);
    expect(first!.pushes[0]![0]).toBeLessThan(5.02);
    expect(first!.pushes[first!.pushes.length - 1]![1]).toBeGreaterThan(29.98);
    expect(second!.pushes.every(([a]) => a >= 35)).toBe(true);
    expect(first!.finished && second!.finished).toBe(true);
    expect(output.sets[0]!.repCount).toBe(1);
  });

  it('emits set-start, rep and set-end in data order, and a final end', () => {
    const kinds = updates
      .filter((u) => ['set-start', 'rep', 'set-end', 'activity'].includes(u.type))
      .map((u) => u.type);
    expect(kinds).toEqual([
      'activity',
      'set-start',
      'activity',
      'rep',
      'set-end',
      'activity',
      'set-start',
      'rep',
      'set-end',
    ]);
    expect(updates[updates.length - 1]).toEqual({ type: 'end', durationS: output.recording.durationS });
    expect(updates.filter((u) => u.type === 'connection').map((u) => (u as { state: string }).state)).toEqual(
      ['disconnected', 'connected'],
    );
  });

  it('sends quality at least once per second of data', () => {
    const q = updates.filter((u) => u.type === 'quality') as Extract<EngineUpdate, { type: 'quality' }>[];
    expect(q.length).toBeGreaterThanOrEqual(57);
    for (let i = 1; i < q.length - 1; i++) {
      // No data came during the disconnect (40.05–42 s): no quality either.
      if (q[i - 1]!.tS < 40.05 && q[i]!.tS > 42) continue;
      expect(q[i]!.tS - q[i - 1]!.tS).toBeLessThanOrEqual(1.1);
    }
  });
});

describe('createAnalyzer: bad input never stops the analysis', () => {
  it('counts packets of an unknown driver as decode errors, with one warning', () => {
    const acme: DeviceInfo = { id: 'X', driver: 'acme-imu9', placement: 'thigh', side: 'left', config: {} };
    const events: RecordingEvent[] = [1, 2, 3].map((k) =>
      packet(k * 10, 'X', '1234', new Uint8Array([1, 2, 3])),
    );
    const { updates, output } = runAll(header([acme, LSHANK], 'bridge'), events);
    expect(output.quality[0]).toMatchObject({ device: 'X', packets: 3, samples: 0, decodeErrors: 3 });
    const warnings = updates.filter((u) => u.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ device: 'X', code: 'unknown-driver' });
  });

  it('counts bad hex and events of undeclared devices without crashing', () => {
    const events: RecordingEvent[] = [
      { type: 'packet', t: 1, device: 'L-shank', characteristic: WIT_NOTIFY, data: 'zz' },
      { type: 'packet', t: 2, device: 'ghost', characteristic: WIT_NOTIFY, data: '00' },
    ];
    const { updates, output } = runAll(header([LSHANK]), events);
    expect(output.quality[0]).toMatchObject({ packets: 1, decodeErrors: 1 });
    expect(updates.filter((u) => u.type === 'warning').map((u) => (u as { code: string }).code)).toEqual([
      'bad-hex',
      'unknown-device',
    ]);
  });

  it('stops only the failing processor of a device when it throws', () => {
    const stub = stubProcessors();
    stub.processors.repDetector = () => {
      throw new Error('boom');
    };
    const { updates, output } = runAll(
      header([LSHANK], 'prone-hamstring-curl'),
      witmotionSession().slice(0, 200),
      stub,
    );
    expect(updates.some((u) => u.type === 'warning' && u.code === 'processor-error')).toBe(true);
    expect(output.quality[0]!.samples).toBeGreaterThan(0);
    expect(stub.log.imu.length).toBeGreaterThan(0);
  });
});

describe('createAnalyzer: force gauge (Tindeq bytes)', () => {
  const strap: DeviceInfo = {
    id: 'strap',
    driver: 'tindeq-progressor',
    placement: 'handle',
    side: 'center',
    config: {},
  };
  const rand = prng(7);
  const deliver = bleDelivery(rand, 0.045, 0.004);
  const events: RecordingEvent[] = [];
  // 80 Hz, 4 samples per notification, clock starting near the 2^32 µs wrap.
  const startUs = 2 ** 32 - 5_000_000;
  for (let k = 0; k < 500; k++) {
    const samples: [number, number][] = [];
    for (let i = 0; i < 4; i++) {
      const n = 4 * k + i;
      const tS = n / 80;
      const kg = (tS > 5 && tS < 8) || (tS > 15 && tS < 18) ? 25 : 0.1;
      samples.push([kg, (startUs + n * 12_500) % 2 ** 32]);
    }
    events.push(packet(deliver((4 * k + 3) / 80) * 1000, 'strap', TINDEQ_DATA, tindeqWeights(samples)));
  }
  events.push({ type: 'mark', t: 2000, activity: 'isometric-hamstring', side: 'left' });
  events.push({ type: 'mark', t: 12_000, activity: 'isometric-hamstring', side: 'right' });
  const { output, log } = runAll(header([strap]), byTime(events));

  it('aligns on the device clock across its wrap: 12.5 ms apart, no gap', () => {
    const pushes = log.forceDetectors.flatMap((d) => d.pushes);
    expect(pushes.length).toBeGreaterThan(10);
    // The device's own spacing (to the offset's drift allowance), whatever the BLE bunching.
    for (const [first, last, count] of pushes) {
      if (count >= 8) expect((last - first) / (count - 1) / 0.0125).toBeCloseTo(1, 2);
    }
    expect(output.quality[0]).toMatchObject({ samples: 2000, gaps: 0, lostSamples: 0, decodeErrors: 0 });
    expect(output.quality[0]!.rateHz).toBeCloseTo(80, 1);
  });

  it('makes force sets with the mark’s side and compares sides', () => {
    expect(output.sets.map((s) => [s.side, s.repCount > 0])).toEqual([
      ['left', true],
      ['right', true],
    ]);
    expect(output.sets[0]!.reps[0]!.peakForceN).toBeCloseTo(25 * 9.80665, 2);
    expect(output.asymmetry).toEqual([
      expect.objectContaining({
        activity: 'isometric-hamstring',
        metric: 'peakForceN',
        asymmetryPct: 0,
        flag: 'none',
      }),
    ]);
  });
});

const VERITY: DeviceInfo = {
  id: 'R-shank',
  driver: 'polar-pmd',
  placement: 'shank',
  side: 'right',
  config: { model: 'verity-sense', rateHz: 52, measurements: ['acc', 'gyro'] },
};

/**
 * A Verity Sense session of separate ACC and GYRO frames at 52 Hz: each ACC frame received 15 ms after
 * its last sample, its GYRO frame 3 ms later with its samples `gyroLagNs` after the ACC ones; sample n's
 * values (mG, dps) from the callbacks.
 */
function verityFrames(
  frames: number,
  perFrame: number,
  gyroLagNs: bigint,
  accAt: (n: number) => number[],
  gyroAt: (n: number) => number[],
): RecordingEvent[] {
  const epochNs = 760_000_000_000_000_000n;
  const spacingNs = 1_000_000_000n / 52n;
  const events: RecordingEvent[] = [];
  for (let f = 0; f < frames; f++) {
    const ns = Array.from({ length: perFrame }, (_, i) => perFrame * f + i);
    const lastN = BigInt(perFrame * f + perFrame - 1);
    const lastAcc = epochNs + lastN * spacingNs;
    const hostMs = Number(lastN * spacingNs) / 1e6 + 15;
    events.push(packet(hostMs, 'R-shank', POLAR_DATA, polarAccRaw(ns.map(accAt), lastAcc)));
    events.push(
      packet(hostMs + 3, 'R-shank', POLAR_DATA, polarGyroDelta16(ns.map(gyroAt), lastAcc + gyroLagNs)),
    );
  }
  return events;
}

describe('createAnalyzer: Polar Verity Sense separate ACC and GYRO streams', () => {
  // ACC ramps linearly (x mG = 10·n); GYRO samples half a spacing later, x dps = n.
  const events = verityFrames(
    40,
    10,
    1_000_000_000n / 52n / 2n,
    (n) => [10 * n, 0, 1000],
    (n) => [n, 0, 0],
  );
  const { output, log } = runAll(header([VERITY], 'standing-hamstring-curl'), events);

  it('pairs the accelerometer onto gyro times by linear interpolation', () => {
    const all = log.imu;
    // Batch analysis (display off) hands on batches of up to 2 s: 8 s of data → several.
    expect(all.length).toBeGreaterThanOrEqual(4);
    let checked = 0;
    for (const b of all) {
      expect(b.gyro).not.toBeNull();
      for (let i = 0; i < b.count; i++) {
        const n = b.gyro![3 * i]!;
        // (The very last gyro sample has no accelerometer sample after it: the nearest one is used.)
        if (n < 1 || n >= 399) continue;
        // Gyro sample n is half-way between ACC samples n and n+1: x = 10·n + 5 mG.
        expect(b.acc![3 * i]! / 9.80665e-3).toBeCloseTo(10 * n + 5, 3);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(380);
    expect(output.quality[0]).toMatchObject({ samples: 800, gaps: 0, decodeErrors: 0 });
  });
});

describe('createAnalyzer: Verity Sense frames longer than the gyro wait', () => {
  // At 52 Hz a frame of 72 samples spans 1.4 s: the first ACC frame must wait for the GYRO frame of the
  // same stretch (it comes just after) instead of going on accelerometer-only.
  const perFrame = 72;
  const events = verityFrames(
    6,
    perFrame,
    0n,
    () => [0, 0, 1000],
    (n) => [(n % perFrame) % 7, 0, 0],
  );
  const { log } = runAll(header([VERITY], 'standing-hamstring-curl'), events);

  it('pairs every sample, the first frame included', () => {
    expect(log.imu.length).toBeGreaterThan(0);
    expect(log.imu.every((b) => b.acc !== null && b.gyro !== null)).toBe(true);
    expect(log.imu.reduce((n, b) => n + b.count, 0)).toBe(6 * perFrame);
  });
});

describe('createAnalyzer: running (RSC footpod + IMU)', () => {
  const foot: DeviceInfo = {
    id: 'R-foot',
    driver: 'ble-rsc',
    placement: 'foot',
    side: 'right',
    config: { cadenceUnit: 'steps' },
  };
  const events: RecordingEvent[] = [];
  for (let k = 0; k < 60; k++)
    events.push(packet(k * 1000 + 30, 'R-foot', RSC_MEASUREMENT, rscMeasurement(3.2, 160 + (k % 3))));
  events.push({ type: 'mark', t: 10_000, activity: 'run' });
  events.push({ type: 'mark', t: 40_000, activity: null });
  const { output, log } = runAll(header([foot]), byTime(events));

  it('lists the run period as a set without reps and reports cadence from readings in it only', () => {
    expect(output.sets).toEqual([
      { device: 'R-foot', activity: 'run', side: 'right', startS: 10, endS: 40, repCount: 0, reps: [] },
    ]);
    expect(log.readings.length).toBe(30);
    expect(output.cadence).toHaveLength(30);
    expect(output.cadence.every((c) => c.tS >= 10 && c.tS < 40 && c.device === 'R-foot')).toBe(true);
    // A non-finite figure from a processor never leaves the engine.
    expect(output.cadence.every((c) => c.changePct === null)).toBe(true);
    expect(output.cadence[0]!.spm).toBe(160 + (10 % 3));
  });
});

describe('createAnalyzer: imported samples and sides', () => {
  const dev = (id: string, side: 'left' | 'right'): DeviceInfo => ({
    id,
    driver: 'imported',
    placement: 'thigh',
    side,
    config: { rateHz: 25 },
  });
  const events: RecordingEvent[] = [];
  for (let i = 0; i < 25 * 40; i++) {
    const tMs = i * 40 + (i >= 500 ? 2000 : 0); // a 2 s hole at 20 s
    for (const id of ['L-thigh', 'R-thigh']) {
      events.push({ type: 'sample', t: tMs, device: id, acc: [0, 0, 9.81], gyro: [1, 2, 3] });
    }
  }
  events.push({ type: 'mark', t: 1000, activity: 'single-leg-bridge', side: 'left' });
  events.push({ type: 'mark', t: 30_000, activity: 'single-leg-bridge', side: 'right' });
  const { updates, output, log } = runAll(
    header([dev('L-thigh', 'left'), dev('R-thigh', 'right')]),
    byTime(events),
  );

  it('bypasses decoding, keeps the importer’s times and finds holes in them', () => {
    expect(
      output.quality.map((q) => [q.device, q.packets, q.samples, q.gaps, q.lostSamples, q.decodeErrors]),
    ).toEqual([
      ['L-thigh', 1000, 1000, 1, 50, 0],
      ['R-thigh', 1000, 1000, 1, 50, 0],
    ]);
    expect(
      updates.filter((u) => u.type === 'gap').every((u) => u.type === 'gap' && u.cause === 'sample-time'),
    ).toBe(true);
    expect(log.imu[0]!.tS[1]! - log.imu[0]!.tS[0]!).toBeCloseTo(0.04, 12);
  });

  it('gives the set to the working leg only: the other one rides along', () => {
    expect(output.sets.map((s) => [s.device, s.side, s.startS])).toEqual([
      ['L-thigh', 'left', 1],
      ['R-thigh', 'right', 30],
    ]);
  });
});

describe('createAnalyzer: raw samples for storage (rawSamples)', () => {
  it('hands on every aligned sample once, in order, without changing the analysis', () => {
    const events = witmotionSession();
    const plain = runAll(header([LSHANK]), events);
    let count = 0;
    let prev = Number.NEGATIVE_INFINITY;
    let ordered = true;
    let finite = true;
    const analyzer = createAnalyzer(header([LSHANK]), {
      display: false,
      rawSamples: {
        imu: (b) => {
          for (let i = 0; i < b.count; i++) {
            if (!(b.tS[i]! > prev)) ordered = false;
            prev = b.tS[i]!;
            for (let k = 0; k < 3; k++) {
              if (!Number.isFinite(b.accMs2![3 * i + k]!) || !Number.isFinite(b.gyroDps![3 * i + k]!)) {
                finite = false;
              }
            }
          }
          count += b.count;
        },
        force: () => {
          throw new Error('no force device here');
        },
      },
    });
    for (const e of events) analyzer.push(e);
    analyzer.finish();
    expect(count).toBe(plain.output.quality[0]!.samples);
    expect(ordered).toBe(true);
    expect(finite).toBe(true);
    expect(analyzer.output()).toEqual(createAnalyzerOutput(events));
  });

  it('keeps analysing when the consumer throws, with one warning', () => {
    const analyzer = createAnalyzer(header([LSHANK]), {
      display: false,
      rawSamples: {
        imu: () => {
          throw new Error('disk full');
        },
        force: () => {},
      },
    });
    const updates: EngineUpdate[] = [];
    for (const e of witmotionSession()) updates.push(...analyzer.push(e));
    updates.push(...analyzer.finish());
    const warnings = updates.filter((u) => u.type === 'warning' && u.message.includes('raw sample'));
    expect(warnings).toHaveLength(1);
    expect(analyzer.output().quality[0]!.samples).toBe(2 * (3000 - 110));
  });
});

function createAnalyzerOutput(events: readonly RecordingEvent[]) {
  const analyzer = createAnalyzer(header([LSHANK]), { display: false });
  for (const e of events) analyzer.push(e);
  analyzer.finish();
  return analyzer.output();
}
