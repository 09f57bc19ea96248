import type { Side } from '@hamstream/core';
import { TremorForceProfile } from '../physics/force.js';
import { OscillationProfile, rangeOver } from '../physics/profile.js';
import { type ActivityOptions, type ActivityPlan, type PlannedSet, r3, sagittalSegment } from './plan.js';
import { SessionBuilder } from './session.js';

export interface IsometricOptions extends ActivityOptions {
  /** Strongest effort of the stronger (left) side, N. */
  peakLeftN?: number;
  /** (left − right) / left: how much weaker the right side is. */
  asymmetry?: number;
  effortsPerSide?: number;
  /** Side order of the sets. */
  sides?: readonly Side[];
}

/**
 * Isometric hamstring pulls against a force gauge on an ankle strap (prone, knee at ~30°): per
 * effort a ramp (0.6–1 s), a hold of 3–5 s fading a little, and a release. One gauge, moved from
 * leg to leg; an IMU on each shank sees the few degrees the strap gives under load.
 */
export function planIsometric(o: IsometricOptions): ActivityPlan {
  const rng = o.rng;
  const sb = new SessionBuilder(rng, o.difficulty);
  const peakLeft = o.peakLeftN ?? rng.uniform(260, 300);
  const asym = o.asymmetry ?? 0.18;
  const sides = o.sides ?? ['left', 'right'];
  // An effort with its rest takes ~15 s per side; with a duration, scale the efforts to fit.
  const efforts =
    o.effortsPerSide ??
    (o.durationS !== undefined
      ? Math.max(1, Math.min(8, Math.round((o.durationS - 35) / (15 * sides.length))))
      : 3);
  sb.addAngle('shank-left', 0, 0.05, 0.15).addAngle('shank-right', 0, 0.05, 0.15).addProfile('force', 0);
  sb.wait(rng.uniform(2.5, 4));
  const meta: {
    side: Side;
    startS: number;
    endS: number;
    efforts: { startS: number; endS: number; holdS: number }[];
  }[] = [];
  for (let si = 0; si < sides.length; si++) {
    const side = sides[si]!;
    const shank = `shank-${side}`;
    if (si > 0)
      sb.rest(
        rng.uniform(15, 22),
        { 'shank-left': 10, 'shank-right': 10 },
        { 'shank-left': [-5, 15], 'shank-right': [-5, 15] },
      );
    const startS = sb.mark('isometric-hamstring', side);
    sb.wait(rng.uniform(1.5, 2.5));
    const peakSide = side === 'right' ? peakLeft * (1 - asym) : peakLeft;
    const list: { startS: number; endS: number; holdS: number }[] = [];
    const rest0 = sb.value(shank);
    for (let e = 0; e < efforts; e++) {
      // The first effort is a little short of best; later ones within ±3 %.
      const peak = peakSide * (e === 0 ? rng.uniform(0.93, 0.97) : rng.uniform(0.97, 1.0));
      const give = (peak / 300) * rng.uniform(5, 7);
      const effStart = sb.tS;
      const rampS = rng.uniform(0.6, 1.0);
      sb.step(rampS, { force: peak, [shank]: rest0 + give });
      const holdS = rng.uniform(3, 5);
      sb.step(holdS, { force: peak * rng.uniform(0.9, 0.95), [shank]: rest0 + give * 0.95 });
      sb.step(rng.uniform(0.3, 0.5), { force: 0, [shank]: rest0 });
      list.push({ startS: effStart, endS: sb.tS, holdS });
      sb.wait(rng.uniform(7, 10));
    }
    const endS = sb.mark(null);
    meta.push({ side, startS, endS, efforts: list });
  }
  sb.wait(3);
  const modulation = OscillationProfile.random(rng.fork('force-tremor'), 1, 0.3);
  const forceN = new TremorForceProfile(sb.builders.get('force')!.build(), modulation, 0.006);
  const sets: PlannedSet[] = [];
  const peaks: Record<string, number[]> = { left: [], right: [] };
  for (const m of meta) {
    const shank = `shank-${m.side}`;
    const theta = sb.angleProfile(shank);
    const base = {
      activity: 'isometric-hamstring',
      side: m.side,
      startS: r3(m.startS),
      endS: r3(m.endS),
    } as const;
    const forceReps = m.efforts.map((e) => {
      const peak = rangeOver(forceN, e.startS, e.endS).max;
      peaks[m.side]?.push(peak);
      return {
        startS: r3(e.startS),
        endS: r3(e.endS),
        romDeg: null,
        peakForceN: r3(peak),
        holdS: r3(e.holdS),
      };
    });
    sets.push({ ...base, role: 'force', reps: forceReps });
    sets.push({
      ...base,
      role: shank,
      reps: m.efforts.map((e) => {
        const { min, max } = rangeOver(theta, e.startS, e.endS);
        return { startS: r3(e.startS), endS: r3(e.endS), romDeg: r3(max - min), holdS: r3(e.holdS) };
      }),
    });
  }
  const segments = new Map(
    (['left', 'right'] as const).map((side) => {
      const role = `shank-${side}`;
      const strap = sb.strapRollProfile(role);
      return [
        role,
        sagittalSegment({
          baseDeg: 90 + 30, // prone, knee flexed 30°: the shank points back and up
          direction: 1,
          thetaDeg: sb.angleProfile(role),
          sensorDistM: 0.2,
          anteriorM: -0.05,
          lateralM: side === 'left' ? 0.05 : -0.05,
          ...(strap ? { strapRollDeg: strap } : {}),
        }),
      ] as const;
    }),
  );
  const best = (xs: number[]): number => Math.max(...xs);
  const extra: Record<string, unknown> = {};
  if (peaks.left!.length > 0 && peaks.right!.length > 0) {
    const left = best(peaks.left!);
    const right = best(peaks.right!);
    extra.asymmetry = [
      {
        activity: 'isometric-hamstring',
        metric: 'peakForceN',
        left: r3(left),
        right: r3(right),
        asymmetryPct: r3((100 * (Math.max(left, right) - Math.min(left, right))) / Math.max(left, right)),
        basis: 'best effort per side',
      },
    ];
  }
  return {
    activity: 'isometric-hamstring',
    durationS: sb.tS,
    segments,
    forces: new Map([['force', forceN]]),
    marks: sb.marks,
    sets,
    extra,
  };
}
