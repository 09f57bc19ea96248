import { describe, expect, it } from 'vitest';
import type { RepEvent } from '../contracts.js';
import { angleSeries, detectAll, knots, type RepSpec, repProfile } from '../test-support/synthetic.js';
import { createRepDetector } from './rep-detector.js';

function run(
  profile: (t: number) => number,
  durationS: number,
  opts: { rateHz?: number; noiseDeg?: number; chunk?: number; activity?: string } = {},
): RepEvent[] {
  const s = angleSeries(profile, opts.rateHz ?? 100, durationS, opts.noiseDeg ?? 0.1, 7);
  return detectAll(
    createRepDetector({ activity: opts.activity ?? 'prone-hamstring-curl' }),
    s,
    opts.chunk ?? 10,
  );
}

const curl = (n: number, romDeg = 85, periodS = 4.5, t0S = 2): RepSpec[] =>
  Array.from({ length: n }, (_, k) => ({
    startS: t0S + k * periodS,
    upS: 1.2,
    holdS: 0.4,
    downS: 1.6,
    romDeg: romDeg * (1 - 0.1 * (k / Math.max(1, n - 1))),
  }));

describe('createRepDetector', () => {
  it.each([25, 50, 100, 200])('counts reps and measures ROM and tempo at %i Hz', (rateHz) => {
    const reps = curl(8);
    const found = run(repProfile(reps, 5), 40, { rateHz, noiseDeg: 0.2 });
    expect(found).toHaveLength(8);
    found.forEach((r, k) => {
      const truth = reps[k]!;
      // Max − min over noisy samples: the noise extremes add up to a few σ.
      expect(Math.abs(r.romDeg! - truth.romDeg)).toBeLessThan(1.5);
      expect(r.peakDeg!).toBeGreaterThan(truth.romDeg - 1.5);
      expect(r.startS).toBeGreaterThan(truth.startS - 0.1);
      expect(r.startS).toBeLessThan(truth.startS + 0.2);
      const endTruth = truth.startS + truth.upS + truth.holdS + truth.downS;
      expect(r.endS).toBeGreaterThan(endTruth - 0.2);
      expect(r.endS).toBeLessThan(endTruth + 0.1);
      // Tempo: the phases tile the rep; the hold is near the planned one.
      expect(r.concentricS! + r.holdS! + r.eccentricS!).toBeCloseTo(r.endS - r.startS, 6);
      expect(r.holdS!).toBeGreaterThan(0.2);
      expect(r.holdS!).toBeLessThan(0.9);
      expect(r.concentricS!).toBeGreaterThan(0.8);
      expect(r.eccentricS!).toBeGreaterThan(1.1);
    });
  });

  it('gives the same reps whatever the chunking', () => {
    const p = repProfile(curl(5), 0);
    const a = run(p, 26, { chunk: 1 });
    const b = run(p, 26, { chunk: 37 });
    const c = run(p, 26, { chunk: 100000 });
    expect(a).toHaveLength(5);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('emits each rep once it is complete, not at the end', () => {
    const s = angleSeries(repProfile(curl(3), 0), 100, 16, 0.1, 3);
    const det = createRepDetector({ activity: 'standing-hamstring-curl' });
    const firstHalf = det.push({
      count: 800,
      tS: s.tS.subarray(0, 800),
      angleDeg: s.angleDeg.subarray(0, 800),
    });
    expect(firstHalf.length).toBe(1); // rep 1 ended at 5.2 s; rep 2 is under way at 8 s
    const rest = det.push({
      count: s.count - 800,
      tS: s.tS.subarray(800),
      angleDeg: s.angleDeg.subarray(800),
    });
    expect(rest.length).toBe(2);
    expect(det.finish()).toEqual([]);
  });

  it('works for reps in the negative direction and with a drifting rest position', () => {
    const reps = curl(6, -40);
    const base = repProfile(reps, 0);
    const found = run((t) => base(t) + 0.15 * t, 30);
    expect(found).toHaveLength(6);
    for (const r of found) expect(r.romDeg!).toBeGreaterThan(34);
  });

  it('does not count fidgets, scratches or a slow repositioning', () => {
    const profile = knots([
      [0, 0],
      [2, 0],
      [2.4, 3], // scratch
      [2.8, 0],
      [3.2, 3.5],
      [3.6, 0],
      [6, 0],
      [9, 25], // slow repositioning to a new rest position: away, never back
      [40, 25],
    ]);
    expect(run(profile, 40)).toHaveLength(0);
  });

  it('counts low-amplitude but deliberate reps (6°, 5 s holds)', () => {
    const reps = Array.from({ length: 10 }, (_, k) => ({
      startS: 2 + 8 * k,
      upS: 0.8,
      holdS: 5,
      downS: 0.8,
      romDeg: 6,
    }));
    const found = run(repProfile(reps, 2), 84, { rateHz: 25, noiseDeg: 0.15 });
    expect(found).toHaveLength(10);
    for (const r of found) {
      expect(r.romDeg!).toBeGreaterThan(5);
      expect(r.romDeg!).toBeLessThan(7);
      expect(r.holdS!).toBeGreaterThan(4.5);
    }
  });

  it('does not count a small fidget before the first rep, but counts a small first rep of a small set', () => {
    const fidget = knots([
      [1.5, 0],
      [2.0, 5],
      [2.5, 0],
    ]);
    const reps = curl(5, 60, 4.5, 4);
    const p = repProfile(reps, 0);
    const found = run((t) => p(t) + (t < 3 ? fidget(t) : 0), 28);
    expect(found).toHaveLength(5);
    expect(found[0]!.startS).toBeGreaterThan(3.9);
    // A set of 6° reps: the first is held back until the second confirms the set's range.
    const small = Array.from({ length: 4 }, (_, k) => ({
      startS: 2 + 6 * k,
      upS: 0.8,
      holdS: 2,
      downS: 0.8,
      romDeg: 6,
    }));
    const s2 = angleSeries(repProfile(small, 0), 50, 26, 0.05, 4);
    const det = createRepDetector({ activity: 'straight-leg-raise' });
    const cut = 7.5 * 50; // after the first rep, before the second has ended
    expect(
      det.push({ count: cut, tS: s2.tS.subarray(0, cut), angleDeg: s2.angleDeg.subarray(0, cut) }),
    ).toEqual([]);
    const later = det.push({
      count: s2.count - cut,
      tS: s2.tS.subarray(cut),
      angleDeg: s2.angleDeg.subarray(cut),
    });
    expect([...later, ...det.finish()]).toHaveLength(4);
    // A lone small rep is reported at the end of the set.
    const lone = angleSeries(repProfile(small.slice(0, 1), 0), 50, 8, 0.05, 4);
    const det2 = createRepDetector({ activity: 'straight-leg-raise' });
    expect(det2.push(lone)).toEqual([]);
    expect(det2.finish()).toHaveLength(1);
  });

  it('does not let a sway before the first rep decide which way the set goes', () => {
    // The hip sways back 5° before a set of 20° reps: held back as a possible first rep, it must not make
    // the set negative (every later rep would then be measured from its top).
    const sway = knots([
      [1.5, 0],
      [2.3, -5],
      [3.1, 0],
    ]);
    const reps = curl(6, 20, 4.5, 5);
    const p = repProfile(reps, 0);
    const found = run((t) => p(t) + (t < 3.5 ? sway(t) : 0), 34);
    expect(found).toHaveLength(6);
    found.forEach((r, k) => {
      expect(r.peakDeg!).toBeGreaterThan(15);
      expect(Math.abs(r.startS - reps[k]!.startS)).toBeLessThan(0.3);
    });
  });

  it("counts only reps that reach half the set's typical range", () => {
    const reps = curl(5, 60);
    const p = repProfile(reps, 0);
    // A 27° movement (45 % of the set's range) between reps 3 and 4: a partial move, not a rep.
    const partial = knots([
      [12.8, 0],
      [13.3, 27],
      [13.9, 27],
      [14.6, 0],
    ]);
    const found = run((t) => p(t) + (t > 12.7 && t < 14.7 ? partial(t) : 0), 28);
    expect(found).toHaveLength(5);
  });

  it("does not count a fidget alone in an unmarked rest, but counts a small rep in the set's rhythm", () => {
    // Two groups of 40° reps with a 20 s rest nobody marked; in it a 21° movement (0.55 of the range).
    const reps = [...curl(4, 40, 4.5, 2), ...curl(4, 40, 4.5, 40)];
    const p = repProfile(reps, 0);
    const fidget = knots([
      [27, 0],
      [27.8, 21],
      [28.4, 21],
      [29.4, 0],
    ]);
    const found = run((t) => p(t) + (t > 26.9 && t < 29.5 ? fidget(t) : 0), 60);
    expect(found).toHaveLength(8);
    // The same movement right after the set's last rep, in its rhythm: a (partial) rep.
    const partial = knots([
      [20, 0],
      [20.8, 21],
      [21.4, 21],
      [22.4, 0],
    ]);
    const withPartial = run((t) => p(t) + (t > 19.9 && t < 22.5 ? partial(t) : 0), 60);
    expect(withPartial).toHaveLength(9);
  });

  it('starts a rep where the segment left its latest rest, not at an earlier, lower rest level', () => {
    // Between two groups of reps (no mark for the rest) the leg settles 4° higher at 17–18 s
    // (repositioning); the next rep starts from there at 26 s.
    const shift = knots([
      [17, 0],
      [18, 4],
    ]);
    const reps = [...curl(3, 40, 4.5, 2), ...curl(2, 40, 4.5, 26)];
    const p = repProfile(reps, 0);
    const found = run((t) => shift(t) + p(t), 40);
    expect(found).toHaveLength(5);
    expect(found[3]!.startS).toBeGreaterThan(25.6);
    expect(Math.abs(found[3]!.romDeg! - reps[3]!.romDeg)).toBeLessThan(1);
  });

  it('after a hole in the data, finds the reps after it even if the angle reference moved', () => {
    // Reps; 2.5 s without data; then the same reps seen 40° higher (an axis along gravity: only the
    // gyro sees the angle and it saw nothing during the hole).
    const reps = curl(8, 50, 4.5, 2);
    const p = repProfile(reps, 0);
    const s = angleSeries((t) => p(t) + (t > 20 ? 40 : 0), 100, 40, 0.1, 9);
    const keep: number[] = [];
    for (let i = 0; i < s.count; i++) if (s.tS[i]! < 18 || s.tS[i]! > 20.5) keep.push(i);
    const gapped = {
      count: keep.length,
      tS: Float64Array.from(keep, (i) => s.tS[i]!),
      angleDeg: Float64Array.from(keep, (i) => s.angleDeg[i]!),
    };
    const found = detectAll(createRepDetector({ activity: 'prone-hamstring-curl' }), gapped, 10);
    // Rep 4 (15.5–18.7 s) was cut by the hole: it is finalised or dropped; every other rep is found once.
    const whole = reps.filter((r) => r.startS + r.upS + r.holdS + r.downS < 18 || r.startS > 20.5);
    for (const r of whole) {
      const match = found.filter((f) => Math.abs(f.startS - r.startS) < 0.4);
      expect(match, `rep at ${r.startS}`).toHaveLength(1);
      expect(Math.abs(match[0]!.romDeg! - r.romDeg)).toBeLessThan(1.5);
    }
    expect(found.length).toBeLessThanOrEqual(whole.length + 1);
    // No rep is measured across the hole.
    for (const f of found) expect(f.startS < 18 && f.endS > 20.5).toBe(false);
  });

  it('ignores small movements once the set has a typical range', () => {
    const reps = curl(4, 80);
    const p = repProfile(reps, 0);
    // A 15° wobble in between reps 2 and 3: a fifth of the typical ROM.
    const wobble = knots([
      [10.9, 0],
      [11.3, 15],
      [11.7, 0],
    ]);
    const found = run((t) => p(t) + (t > 10.8 && t < 11.8 ? wobble(t) : 0), 22);
    expect(found).toHaveLength(4);
  });

  it('fast reps without pauses are separated at the valley', () => {
    const reps = Array.from({ length: 10 }, (_, k) => ({
      startS: 1 + 1.6 * k,
      upS: 0.8,
      holdS: 0,
      downS: 0.8,
      romDeg: 60,
    }));
    const found = run(repProfile(reps, 0), 20, { rateHz: 25 });
    expect(found).toHaveLength(10);
    for (const r of found) expect(r.romDeg!).toBeGreaterThan(58);
  });

  it('reports a stretch hold with its duration, despite creep during the hold', () => {
    const profile = knots([
      [0, 0],
      [3, 0],
      [5.5, 72],
      [25.5, 76], // 20 s hold creeping 4° deeper
      [27.5, 0],
      [32, 0],
    ]);
    const found = run(profile, 32, { activity: 'supine-hamstring-stretch', rateHz: 50 });
    expect(found).toHaveLength(1);
    expect(found[0]!.holdS!).toBeGreaterThan(19);
    expect(found[0]!.holdS!).toBeLessThan(21.5);
    expect(found[0]!.romDeg!).toBeCloseTo(76, 0);
  });

  it('finish() returns a rep that has come back, not one still away', () => {
    const p = repProfile(curl(2), 0);
    const s = angleSeries(p, 100, 12, 0.05);
    const det = createRepDetector({ activity: 'x' });
    const cut = Math.round(7.0 * 100); // rep 2: 6.5–9.7 s; at 7.0 s still going up
    const a = det.push({ count: cut, tS: s.tS.subarray(0, cut), angleDeg: s.angleDeg.subarray(0, cut) });
    expect(a).toHaveLength(1);
    expect(det.finish()).toEqual([]);
    const det2 = createRepDetector({ activity: 'x' });
    const cut2 = Math.round(9.55 * 100); // almost back down
    const b = det2.push({ count: cut2, tS: s.tS.subarray(0, cut2), angleDeg: s.angleDeg.subarray(0, cut2) });
    expect(b).toHaveLength(1);
    expect(det2.finish()).toHaveLength(1);
  });

  it('skips non-finite and out-of-order samples without emitting NaN', () => {
    const s = angleSeries(repProfile(curl(3), 0), 50, 16, 0.1);
    for (let i = 0; i < s.count; i += 17) s.angleDeg[i] = Number.NaN;
    s.tS[300] = Number.POSITIVE_INFINITY;
    s.tS[301] = 0.5; // backwards
    const found = detectAll(createRepDetector({ activity: 'x' }), s, 9);
    expect(found).toHaveLength(3);
    for (const r of found)
      for (const v of Object.values(r)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
  });

  it('reports the Nordic break angle where the lowering speeds up by 10 °/s', () => {
    for (const [breakDeg, paceDps] of [
      [60, 20],
      [48, 15],
      [66, 25],
    ] as const) {
      const t1 = 2 + breakDeg / paceDps;
      // Lowering at a steady pace, then a fall to 88° in 0.5 s, a pause on the hands, and the push back.
      const profile = (t: number): number => {
        if (t < 2) return 0;
        if (t < t1) return paceDps * (t - 2);
        if (t < t1 + 0.5) {
          const x = (t - t1) / 0.5;
          // Fall: starts at the controlled pace, accelerates, lands at 88° (cubic Hermite).
          const m0 = paceDps * 0.5;
          const h00 = 2 * x ** 3 - 3 * x ** 2 + 1;
          const h10 = x ** 3 - 2 * x ** 2 + x;
          const h01 = -2 * x ** 3 + 3 * x ** 2;
          return h00 * breakDeg + h10 * m0 + h01 * 88;
        }
        if (t < t1 + 1.2) return 88;
        if (t < t1 + 2.7) return 88 * (1 - (0.5 - 0.5 * Math.cos((Math.PI * (t - t1 - 1.2)) / 1.5)));
        return 0;
      };
      const found = run(profile, t1 + 6, { activity: 'nordic-curl', rateHz: 100, noiseDeg: 0.1 });
      expect(found).toHaveLength(1);
      expect(found[0]!.breakDeg).not.toBeNull();
      expect(Math.abs(found[0]!.breakDeg! - breakDeg)).toBeLessThan(3);
      expect(Math.abs(found[0]!.romDeg! - 88)).toBeLessThan(1);
    }
  });

  it('reports no breakDeg for other activities and null when the lowering never broke', () => {
    const p = repProfile(curl(1), 0);
    expect(run(p, 8)[0]!.breakDeg).toBeUndefined();
    const controlled = repProfile([{ startS: 1, upS: 4, holdS: 0.5, downS: 2, romDeg: 80 }], 0);
    const [r] = run((t) => controlled(t), 10, { activity: 'nordic-curl' });
    expect(r!.breakDeg).toBeNull();
  });
});
