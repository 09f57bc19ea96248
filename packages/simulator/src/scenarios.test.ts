import { describe, expect, it } from 'vitest';
import { PRONE_CURL, planRepExercise } from './activities/rep-exercises.js';
import { rangeOver } from './physics/profile.js';
import { createRng } from './random.js';
import { findScenario, generateScenario, SCENARIOS } from './scenarios.js';
import { decodeRecordingEvents } from './verify.js';
import { labelsText, recordingText } from './write.js';

const SMALL = 'standing-hamstring-curl_polar-pmd_shank_clean';

describe('generateScenario', { timeout: 30_000 }, () => {
  it('same seed → byte-identical recording and labels', () => {
    const a = generateScenario('prone-hamstring-curl_witmotion-wt901_shank_hard', {
      seed: 77,
      durationS: 60,
    });
    const b = generateScenario('prone-hamstring-curl_witmotion-wt901_shank_hard', {
      seed: 77,
      durationS: 60,
    });
    expect(recordingText(a)).toBe(recordingText(b));
    expect(labelsText(a.labels)).toBe(labelsText(b.labels));
  });

  it('different seeds → different recordings and truth', () => {
    const a = generateScenario(SMALL, { seed: 1 });
    const b = generateScenario(SMALL, { seed: 2 });
    expect(recordingText(a)).not.toBe(recordingText(b));
    expect(a.labels.sets[0]!.reps[0]!.romDeg).not.toBe(b.labels.sets[0]!.reps[0]!.romDeg);
    expect(a.header.startedAt).not.toBe(b.header.startedAt);
  });

  it('--duration adds or drops sets to fit', () => {
    const short = generateScenario('bridge_witmotion-wt901_thigh_clean', { durationS: 40 });
    const long = generateScenario('bridge_witmotion-wt901_thigh_clean', { durationS: 240 });
    expect(short.labels.sets).toHaveLength(1);
    expect(long.labels.sets.length).toBeGreaterThanOrEqual(4);
    const last = (r: typeof short): number => r.events[r.events.length - 1]!.t / 1000;
    expect(last(short)).toBeLessThan(50); // one set always fits, even when it overruns
    expect(last(long)).toBeGreaterThan(230);
  });

  it('rejects unknown names', () => {
    expect(() => generateScenario('nope')).toThrow(/unknown scenario/);
  });

  it('events are in non-decreasing time, devices declared, marks carry sides', () => {
    for (const name of [SMALL, 'nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_hard']) {
      const rec = generateScenario(name, { durationS: 70 });
      const ids = new Set(rec.header.devices.map((d) => d.id));
      for (let i = 1; i < rec.events.length; i++)
        expect(rec.events[i]!.t).toBeGreaterThanOrEqual(rec.events[i - 1]!.t);
      for (const e of rec.events) if (e.type !== 'mark') expect(ids.has(e.device)).toBe(true);
      const starts = rec.events.filter((e) => e.type === 'mark' && e.activity !== null);
      expect(starts.length).toBeGreaterThan(0);
      for (const m of starts) expect(m.type === 'mark' && m.side).toBeTruthy();
    }
  });

  it('hard variants disconnect, reconnect and lose packets; clean ones do not', () => {
    const hard = generateScenario('standing-hamstring-curl_witmotion-wt901_shank_hard');
    const types = hard.events.map((e) => e.type);
    const disc = types.indexOf('disconnect');
    expect(disc).toBeGreaterThan(0);
    expect(types.indexOf('connect', disc)).toBeGreaterThan(disc);
    const dec = decodeRecordingEvents(hard.header, hard.events).get('L-shank')!;
    // 100 Hz nominal … minus the outage and the burst losses
    const span = hard.events[hard.events.length - 1]!.t / 1000;
    expect(dec.acc.count).toBeLessThan(span * 50 * 0.99);
    const clean = generateScenario(SMALL);
    expect(clean.events.some((e) => e.type === 'disconnect')).toBe(false);
  });

  it('records the Polar start responses with FACTOR before the data', () => {
    const rec = generateScenario(SMALL);
    const cp = rec.events.filter(
      (e) => e.type === 'packet' && e.characteristic === 'fb005c8102e7f3871cad8acd2d8df0c8',
    );
    expect(cp.map((e) => (e.type === 'packet' ? e.data.slice(0, 10) : ''))).toEqual([
      'f002020000',
      'f002050000',
    ]);
    expect(cp.every((e) => e.type === 'packet' && e.data.slice(10, 14) === '0501')).toBe(true);
    const firstData = rec.events.findIndex(
      (e) => e.type === 'packet' && e.characteristic === 'fb005c8202e7f3871cad8acd2d8df0c8',
    );
    expect(firstData).toBeGreaterThan(rec.events.indexOf(cp[1]!));
  });

  it('every scenario is defined with devices bound to plan roles', () => {
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
    expect(
      SCENARIOS.filter((s) => s.demo)
        .map((s) => s.activity)
        .sort(),
    ).toEqual(['bridge', 'nordic-curl', 'run']);
    expect(findScenario('run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_clean')?.demo).toBe(true);
  });
});

describe('activity truth', { timeout: 30_000 }, () => {
  it('fidgets and repositioning between sets move the segment but are not labelled as reps', () => {
    const plan = planRepExercise(PRONE_CURL, {
      rng: createRng('fidget'),
      difficulty: 'clean',
      side: 'left',
      setReps: [6, 6, 6],
    });
    const theta = plan.segments.get('shank-left')!.thetaDeg;
    expect(plan.sets).toHaveLength(3);
    let moved = 0;
    for (let i = 1; i < plan.sets.length; i++) {
      const rest = rangeOver(theta, plan.sets[i - 1]!.endS, plan.sets[i]!.startS, 0.01);
      if (rest.max - rest.min > 3) moved++;
      for (const s of plan.sets)
        for (const r of s.reps)
          expect(r.startS >= plan.sets[i - 1]!.endS && r.endS <= plan.sets[i]!.startS).toBe(false);
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('fatigue: later reps in a set are slower on average', () => {
    const plan = planRepExercise(PRONE_CURL, {
      rng: createRng('fatigue'),
      difficulty: 'clean',
      side: 'right',
      setReps: [10, 10, 10],
    });
    let first = 0;
    let last = 0;
    for (const s of plan.sets) {
      first += s.reps[0]!.endS - s.reps[0]!.startS + (s.reps[1]!.endS - s.reps[1]!.startS);
      last += s.reps[9]!.endS - s.reps[9]!.startS + (s.reps[8]!.endS - s.reps[8]!.startS);
    }
    expect(last).toBeGreaterThan(first);
  });

  it('Nordic labels: a break angle inside the rep range and the peak force near the break', () => {
    const rec = generateScenario('nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean');
    const thigh = rec.labels.sets.filter((s) => s.device === 'R-thigh');
    const strap = rec.labels.sets.filter((s) => s.device === 'R-strap');
    expect(thigh).toHaveLength(2);
    expect(strap).toHaveLength(2);
    for (const s of thigh) {
      for (const r of s.reps) {
        expect(r.breakDeg as number).toBeGreaterThan(35);
        expect(r.breakDeg as number).toBeLessThan(r.romDeg as number);
      }
    }
    for (const s of strap) for (const r of s.reps) expect(r.peakForceN as number).toBeGreaterThan(150);
  });

  it('isometric labels: right side about 18 % weaker', () => {
    const rec = generateScenario('isometric-hamstring_tindeq-progressor+witmotion-wt901_handle+shank_clean');
    const asym = (rec.labels.asymmetry as { asymmetryPct: number; left: number; right: number }[])[0]!;
    expect(asym.asymmetryPct).toBeGreaterThan(15);
    expect(asym.asymmetryPct).toBeLessThan(21);
    expect(asym.left).toBeGreaterThan(asym.right);
  });
});
