import type { RecordingHeader, RepResult } from '@hamstream/core';
import type { EngineUpdate } from '@hamstream/engine';
import type { TargetsDto } from '@hamstream/protocol';
import { describe, expect, it } from 'vitest';
import { LiveSessionModel, NEWS_CHANGE, STATE_CHANGE } from './live-session-model.js';
import { BUILTIN_TARGETS } from './targets.js';

const header: RecordingHeader = {
  type: 'header',
  format: 'hamstream.recording',
  version: 1,
  startedAt: '2026-11-20T10:00:00.000Z',
  subject: 'p1',
  activity: 'nordic-curl',
  devices: [
    { id: 'R-thigh', driver: 'witmotion-wt901', placement: 'thigh', side: 'right', config: {} },
    { id: 'R-strap', driver: 'tindeq-progressor', placement: 'handle', side: 'right', config: {} },
    { id: 'R-foot', driver: 'ble-rsc', placement: 'foot', side: 'right', config: {} },
    { id: 'R-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'right', config: {} },
  ],
};

const rep = (startS: number, romDeg: number | null, extra: Partial<RepResult> = {}): RepResult => ({
  startS,
  endS: startS + 2,
  romDeg,
  peakDeg: romDeg,
  concentricS: 0.8,
  eccentricS: 1,
  holdS: 0.2,
  peakForceN: null,
  ...extra,
});

function model(targets: TargetsDto = BUILTIN_TARGETS) {
  return new LiveSessionModel({ session: 's', subject: 'p1', status: 'live', header, targets });
}

const setStart = (
  setId: string,
  device: string,
  startS: number,
  role: 'reps' | 'force' | 'cadence' = 'reps',
): EngineUpdate => ({
  type: 'set-start',
  setId,
  device,
  activity: 'nordic-curl',
  side: 'right',
  startS,
  role,
});

describe('LiveSessionModel', () => {
  it('counts the moving segment’s reps, takes force figures from the gauge, and totals by period', () => {
    const m = model({ subject: 'p1', romDeg: { 'nordic-curl': 80 }, cadence: null });
    // Period 0 (header activity, before any mark): a set with no reps does not count.
    m.apply(setStart('R-thigh#0', 'R-thigh', 0));
    m.apply({ type: 'activity', tS: 3, activity: 'nordic-curl', side: 'right' });
    m.apply({
      type: 'set-end',
      setId: 'R-thigh#0',
      set: {
        device: 'R-thigh',
        activity: 'nordic-curl',
        side: 'right',
        startS: 0,
        endS: 3,
        repCount: 0,
        reps: [],
      },
    });
    m.apply(setStart('R-strap#0', 'R-strap', 3, 'force'));
    m.apply(setStart('R-thigh#1', 'R-thigh', 3));
    expect(
      m.apply({
        type: 'rep',
        setId: 'R-thigh#1',
        device: 'R-thigh',
        repIndex: 0,
        rep: rep(4, 86, { breakDeg: 60 }),
      }),
    ).toBe(NEWS_CHANGE);
    m.apply({
      type: 'rep',
      setId: 'R-strap#0',
      device: 'R-strap',
      repIndex: 0,
      rep: rep(4, null, { peakForceN: 320, rfd100NPerS: 900 }),
    });
    m.apply({
      type: 'rep',
      setId: 'R-strap#0',
      device: 'R-strap',
      repIndex: 1,
      rep: rep(8, null, { peakForceN: 300 }),
    });
    m.apply({
      type: 'rep',
      setId: 'R-thigh#1',
      device: 'R-thigh',
      repIndex: 1,
      rep: rep(8, 78, { breakDeg: 55 }),
    });
    let s = m.state();
    expect(s.primaryDevice).toBe('R-thigh');
    expect(s).toMatchObject({
      repCount: 2,
      repTotal: 2,
      setCount: 1,
      lastRomDeg: 78,
      romTargetDeg: 80,
      breakDeg: 55,
    });
    expect(s.force).toEqual({ peakForceN: 300, rfd100NPerS: null, rfd200NPerS: null });
    expect(s.tempo).toEqual({ concentricS: 0.8, holdS: 0.2, eccentricS: 1 });
    expect(s.alerts).toEqual([{ kind: 'rom-below-target', device: 'R-thigh', romDeg: 78, targetDeg: 80 }]);
    // Second set: the count restarts, the total goes on.
    m.apply({ type: 'activity', tS: 20, activity: null, side: null });
    m.apply({ type: 'activity', tS: 30, activity: 'nordic-curl', side: 'right' });
    m.apply(setStart('R-thigh#2', 'R-thigh', 30));
    expect(m.state()).toMatchObject({ repCount: 0, repTotal: 2, setCount: 2, lastRomDeg: null });
    m.apply({ type: 'rep', setId: 'R-thigh#2', device: 'R-thigh', repIndex: 0, rep: rep(31, 90) });
    s = m.state();
    expect(s).toMatchObject({ repCount: 1, repTotal: 3, setCount: 2, alerts: [] });
    expect(m.tile()).toMatchObject({
      kind: 'reps',
      repCount: 1,
      repTotal: 3,
      lastRomDeg: 90,
      romTargetDeg: 80,
    });
  });

  it('picks up new targets at once', () => {
    const m = model();
    m.apply(setStart('R-thigh#0', 'R-thigh', 0));
    m.apply({ type: 'rep', setId: 'R-thigh#0', device: 'R-thigh', repIndex: 0, rep: rep(1, 70) });
    expect(m.state().alerts).toEqual([]);
    m.setTargets({ subject: 'p1', romDeg: { 'nordic-curl': 75 }, cadence: null });
    expect(m.state().alerts).toMatchObject([{ kind: 'rom-below-target', targetDeg: 75 }]);
  });

  it('flags asymmetry of 15 % and more', () => {
    const m = model();
    m.apply({
      type: 'asymmetry',
      results: [
        {
          activity: 'isometric-hamstring',
          metric: 'peakForceN',
          left: 400,
          right: 330,
          asymmetryPct: 17.5,
          flag: 'ge15',
        },
        {
          activity: 'single-leg-bridge',
          metric: 'romDeg',
          left: 40,
          right: 38,
          asymmetryPct: 5,
          flag: 'none',
        },
      ],
    });
    expect(m.state().alerts).toEqual([
      { kind: 'asymmetry', activity: 'isometric-hamstring', metric: 'peakForceN', asymmetryPct: 17.5 },
    ]);
  });

  it('marks a sensor lost on disconnect, or when its data stops while the rest goes on', () => {
    const m = model();
    m.setIngestOnline(true);
    m.observeEvent({ type: 'packet', t: 1000, device: 'R-thigh', characteristic: 'ffe4', data: '' });
    m.observeEvent({ type: 'packet', t: 1000, device: 'R-strap', characteristic: '7e4e', data: '' });
    expect(m.state().alerts).toEqual([]);
    m.observeEvent({ type: 'packet', t: 4500, device: 'R-strap', characteristic: '7e4e', data: '' });
    expect(m.state().alerts).toEqual([{ kind: 'sensor-lost', device: 'R-thigh' }]);
    m.apply({ type: 'connection', device: 'R-strap', tS: 4.6, state: 'disconnected', reason: 'link lost' });
    expect(m.state().devices.find((d) => d.device === 'R-strap')).toMatchObject({
      connected: false,
      lost: true,
    });
    m.apply({ type: 'battery', device: 'R-thigh', tS: 5, percent: 64, volts: null });
    m.apply({
      type: 'quality',
      tS: 5,
      quality: {
        device: 'R-thigh',
        packets: 90,
        samples: 180,
        gaps: 1,
        lostSamples: 20,
        decodeErrors: 0,
        rateHz: 99.5,
      },
    });
    expect(m.state().devices.find((d) => d.device === 'R-thigh')).toMatchObject({
      batteryPct: 64,
      packetLossPct: 10,
      rateHz: 99.5,
    });
  });

  it('tracks cadence against the target band and the time in zone (data time, not across gaps)', () => {
    const m = model({
      subject: 'p1',
      romDeg: {},
      cadence: { baselineSpm: 160, changePct: 5, tolerancePct: 2 },
    });
    const cad = (device: string, tS: number, spm: number) =>
      m.apply({ type: 'cadence', point: { device, tS, spm, changePct: null } });
    cad('R-foot', 10, 150); // the footpod alone: shown until a shank IMU reports
    expect(m.state().cadence?.device).toBe('R-foot');
    expect(cad('R-shank', 10, 160)).toBe(STATE_CHANGE);
    cad('R-shank', 11, 161); // out of zone (band 164.8 … 171.2)
    cad('R-shank', 12, 168); // in
    cad('R-shank', 13, 168);
    cad('R-shank', 14, 169);
    cad('R-shank', 20, 168); // 6 s gap: not counted
    cad('R-shank', 21, 175); // out
    const s = m.state();
    expect(s.cadence).toEqual({ device: 'R-shank', tS: 21, spm: 175, changePct: (100 * 15) / 160 });
    expect(s.cadenceBaselineSpm).toBe(160);
    expect(s.cadenceZone).toMatchObject({ targetSpm: 168, inZone: false, inZoneS: 3, zonedS: 5 });
    expect(s.cadenceZone!.lowSpm).toBeCloseTo(164.8, 9);
    expect(s.cadenceZone!.highSpm).toBeCloseTo(171.2, 9);
    expect(m.tile()).toMatchObject({ cadenceSpm: 175, cadenceInZone: false, cadenceTimeInZonePct: 60 });
  });

  it('takes the baseline from the engine’s change figure when the targets have none', () => {
    const m = model();
    m.apply({ type: 'cadence', point: { device: 'R-shank', tS: 70, spm: 168, changePct: 5 } });
    const s = m.state();
    expect(s.cadenceBaselineSpm).toBeCloseTo(160, 9);
    expect(s.cadence?.changePct).toBeCloseTo(5, 9);
    expect(s.cadenceZone).toMatchObject({ inZone: true, changePct: 5, tolerancePct: 2 });
  });

  it('hands each watcher only the trace points it has not seen, or the window when it starts', () => {
    const m = model();
    const tS = Array.from({ length: 1000 }, (_, i) => i * 0.02);
    m.apply({ type: 'angle', device: 'R-thigh', tS, angleDeg: tS.map((t) => t * 2) });
    const cursors = new Map<string, number>();
    const first = m.traceSince('angle', cursors, true);
    // 20 s of data, a 15 s window.
    expect(first[0]!.tS[0]).toBeCloseTo(19.98 - 15, 9);
    expect(m.traceSince('angle', cursors, false)).toEqual([]);
    m.apply({ type: 'angle', device: 'R-thigh', tS: [20, 20.02], angleDeg: [1, 2] });
    expect(m.traceSince('angle', cursors, false)).toEqual([
      { device: 'R-thigh', tS: [20, 20.02], values: [1, 2] },
    ]);
  });

  it('gives a provisional analysis in the analyze-output shape', () => {
    const m = model();
    m.observeEvent({ type: 'packet', t: 12_000, device: 'R-thigh', characteristic: 'ffe4', data: '' });
    m.apply(setStart('R-thigh#0', 'R-thigh', 1));
    m.apply({ type: 'rep', setId: 'R-thigh#0', device: 'R-thigh', repIndex: 0, rep: rep(2, 80) });
    const out = m.provisionalOutput();
    expect(out.recording).toEqual({
      startedAt: header.startedAt,
      durationS: 12,
      devices: ['R-thigh', 'R-strap', 'R-foot', 'R-shank'],
    });
    expect(out.sets).toEqual([
      {
        device: 'R-thigh',
        activity: 'nordic-curl',
        side: 'right',
        startS: 1,
        endS: 12,
        repCount: 1,
        reps: [rep(2, 80)],
      },
    ]);
  });
});
