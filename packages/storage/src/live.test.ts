import { describe, expect, it } from 'vitest';
import { lineIdentity, toLine } from './line-protocol.js';
import { createLivePointBuilder, createRawPointWriter, type LiveUpdate } from './live.js';
import { syntheticSession } from './sample-data.js';
import { pointsFromAnalyzeOutput, type StoragePoint } from './schema.js';

/** The engine's updates for a finished analysis, in data order (as packages/engine emits them). */
function updatesOf(s: ReturnType<typeof syntheticSession>): LiveUpdate[] {
  const out: LiveUpdate[] = [];
  s.output.sets.forEach((set, k) => {
    const setId = `${set.device}#${k}`;
    out.push({
      type: 'set-start',
      setId,
      device: set.device,
      activity: set.activity,
      side: set.side,
      startS: set.startS,
      role: 'reps',
    } as LiveUpdate);
    set.reps.forEach((rep, repIndex) => {
      out.push({ type: 'rep', setId, device: set.device, repIndex, rep } as LiveUpdate);
    });
    if (set.activity === 'run') {
      for (const point of s.output.cadence) out.push({ type: 'cadence', point } as LiveUpdate);
      out.push({
        type: 'angle',
        device: set.device,
        tS: [set.startS + 1, set.startS + 1.02],
        angleDeg: [10, 11],
      } as LiveUpdate);
    }
    out.push({ type: 'set-end', setId, set } as LiveUpdate);
  });
  for (const quality of s.output.quality) out.push({ type: 'quality', tS: 1, quality } as LiveUpdate);
  out.push({ type: 'asymmetry', results: s.output.asymmetry } as LiveUpdate);
  out.push({
    type: 'gap',
    device: 'x',
    fromS: 1,
    toS: 2,
    lostSamples: 3,
    cause: 'host-time',
    late: false,
  } as LiveUpdate);
  out.push({ type: 'end', durationS: s.output.recording.durationS } as LiveUpdate);
  return out;
}

/** Last write per key, as InfluxDB keeps it. */
function stored(points: StoragePoint[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of points) {
    const line = toLine(p);
    if (line) m.set(lineIdentity(line), line);
  }
  return m;
}

describe('live points', () => {
  it('written live they end exactly where analyze/backfill would write them (same keys and fields)', () => {
    const s = syntheticSession();
    const startedAtMs = Date.parse(s.startedAt);
    const live = createLivePointBuilder({
      subject: s.subject,
      session: s.session,
      devices: s.devices,
      startedAtMs,
    });
    const livePoints = updatesOf(s).flatMap((u) => live.push(u));
    const traces = livePoints.filter((p) => p.measurement === 'angle_trace');
    expect(traces).toHaveLength(2);
    expect(traces[0]?.tags.activity).toBe('run');
    const fromLive = stored(livePoints.filter((p) => p.measurement !== 'angle_trace'));
    const fromAnalyze = stored(pointsFromAnalyzeOutput(s.output, s, startedAtMs));
    expect(fromLive.size).toBe(fromAnalyze.size);
    expect([...fromLive.entries()].sort()).toEqual([...fromAnalyze.entries()].sort());
  });

  it('a rep is written the moment it is found, before its set ends', () => {
    const s = syntheticSession();
    const live = createLivePointBuilder({
      subject: s.subject,
      session: s.session,
      devices: s.devices,
      startedAtMs: 0,
      traces: false,
    });
    const [start, rep] = updatesOf(s);
    expect(live.push(start as LiveUpdate)).toEqual([]);
    const points = live.push(rep as LiveUpdate);
    expect(points.map((p) => [p.measurement, p.fields.rep_index, p.fields.rom_deg])).toEqual([
      ['reps', 0, s.output.sets[0]?.reps[0]?.romDeg],
    ]);
    expect(live.push({ type: 'angle', device: 'L-shank', tS: [1], angleDeg: [2] } as LiveUpdate)).toEqual([]);
  });
});

describe('raw samples (--store-raw)', () => {
  it('one point per sample, keyed by device and sample time only, one tags object per device', () => {
    const s = syntheticSession();
    const written: StoragePoint[][] = [];
    const raw = createRawPointWriter(
      { subject: 'athlete-07', session: 's1', devices: s.devices, startedAtMs: 1_700_000_000_000 },
      (points) => written.push(points),
    );
    // The engine's buffers are reused after the call: points must hold copies.
    const tS = new Float64Array([0.01, 0.02]);
    const acc = new Float64Array([0, 0, 9.81, 0.1, 0.2, 9.7]);
    const gyro = new Float64Array([1, 2, 3, 4, 5, 6]);
    raw.imu({ device: 'L-shank', count: 2, tS, accMs2: acc, gyroDps: gyro });
    tS.fill(0);
    acc.fill(0);
    raw.imu({ device: 'L-shank', count: 1, tS: new Float64Array([0.03]), accMs2: acc, gyroDps: null });
    raw.force({ device: 'gauge', count: 1, tS: new Float64Array([0.5]), forceN: new Float64Array([120.5]) });
    raw.imu({ device: 'not-in-header', count: 1, tS, accMs2: acc, gyroDps: gyro });
    raw.force({ device: 'gauge', count: 0, tS, forceN: acc });
    expect(written.map((b) => b.length)).toEqual([2, 1, 1]);
    const [first, second, force] = written;
    expect(first?.[0]?.tags).toBe(second?.[0]?.tags);
    expect(first?.[0]?.tags).toEqual({
      device: 'L-shank',
      placement: 'shank',
      session: 's1',
      side: 'left',
      subject: 'athlete-07',
    });
    expect(toLine(first?.[1] as StoragePoint)).toBe(
      'imu_raw,device=L-shank,placement=shank,session=s1,side=left,subject=athlete-07 ' +
        'acc_x_ms2=0.1,acc_y_ms2=0.2,acc_z_ms2=9.7,gyro_x_dps=4,gyro_y_dps=5,gyro_z_dps=6 1700000000020000',
    );
    // no gyroscope: those fields are simply absent
    expect(toLine(second?.[0] as StoragePoint)).toBe(
      'imu_raw,device=L-shank,placement=shank,session=s1,side=left,subject=athlete-07 ' +
        'acc_x_ms2=0,acc_y_ms2=0,acc_z_ms2=0 1700000000030000',
    );
    expect(toLine(force?.[0] as StoragePoint)).toBe(
      'force_raw,device=gauge,placement=handle,session=s1,side=center,subject=athlete-07 force_n=120.5 1700000000500000',
    );
  });
});
