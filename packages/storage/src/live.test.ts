import { describe, expect, it } from 'vitest';
import { lineIdentity, toLine } from './line-protocol.js';
import { createLivePointBuilder, type LiveUpdate } from './live.js';
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
