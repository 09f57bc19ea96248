import type { LabeledCadence, Side } from '@hamstream/core';
import { add, type Vec3 } from '../math/rotation.js';
import { GaitModel, GaitProfile, impactAcceleration } from '../physics/gait.js';
import { OscillationProfile, ProfileBuilder, SumProfile } from '../physics/profile.js';
import { type ActivityOptions, type ActivityPlan, r3, sagittalSegment } from './plan.js';

export interface RunOptions extends ActivityOptions {
  /** Side of the instrumented shank and footpod. */
  side: Side;
  baselineSpm?: number;
  /** Cadence change of the retraining block, fraction (+0.05 = +5 %). */
  blockChange?: number;
  speedMps?: number;
}

const THIGH_M = 0.45;

/**
 * Running with a cadence-retraining block: a short stand, then running at the baseline cadence, a
 * block at baseline × (1 + change), and back to baseline. The gait is driven by the stride phase:
 * the shank swings (−20°…+75°, foot strike at φ = 0), the knee rides on the swinging thigh, the
 * hip bobs twice per stride, and every foot strike sends a shock up the leg (and a smaller one to
 * the chest).
 */
export function planRun(o: RunOptions): ActivityPlan {
  const rng = o.rng;
  const durationS = o.durationS ?? 180;
  const base = o.baselineSpm ?? Math.round(rng.uniform(160, 168));
  const change = o.blockChange ?? 0.05;
  const speed = o.speedMps ?? rng.uniform(2.8, 3.3);
  const runStartS = r3(rng.uniform(3, 4.5));
  const rampS = 3;
  const runEndS = r3(durationS - rng.uniform(5, 7));
  const span = runEndS - runStartS;
  const blockStartS = r3(runStartS + span * 0.35);
  const blockEndS = r3(runStartS + span * 0.7);
  const changeS = 3;
  const block = base * (1 + change);
  const cadence = new ProfileBuilder(0, base)
    .holdUntil(blockStartS)
    .moveTo(block, changeS)
    .holdUntil(blockEndS)
    .moveTo(base, changeS)
    .holdUntil(durationS + 1)
    .build();
  const envelope = new ProfileBuilder(0, 0)
    .holdUntil(runStartS)
    .moveTo(1, rampS)
    .holdUntil(runEndS)
    .moveTo(0, rampS)
    .holdUntil(durationS + 1)
    .build();
  const speedProfile = new ProfileBuilder(0, 0)
    .holdUntil(runStartS)
    .moveTo(speed, rampS)
    .holdUntil(runEndS)
    .moveTo(0, rampS)
    .holdUntil(durationS + 1)
    .build();
  const wobble = new OscillationProfile([
    { ampl: 0.004, freqHz: rng.uniform(0.05, 0.1), phaseRad: rng.uniform(0, 6.28) },
    { ampl: 0.003, freqHz: rng.uniform(0.2, 0.35), phaseRad: rng.uniform(0, 6.28) },
  ]);
  const gait = new GaitModel(cadence, envelope, speedProfile, wobble, durationS + 1);

  // Shank inclination, positive = foot behind the knee.
  const shankDeg = new SumProfile([
    new GaitProfile(gait, 25, [
      { ampl: 45, k: 1, peakAt: 0.55 },
      { ampl: 10, k: 2, peakAt: 0.45 },
    ]),
    OscillationProfile.random(rng.fork('shank-tremor'), 0.05, 0.2),
  ]);
  // Thigh inclination, positive = knee in front of the hip.
  const thighDeg = new GaitProfile(gait, 10, [{ ampl: 30, k: 1, peakAt: 0.85 }]);
  const hipZ = new GaitProfile(gait, 0, [{ ampl: -0.04, k: 2, peakAt: 0.12 }]);
  const hipX = new GaitProfile(gait, 0, [{ ampl: 0.012, k: 2, peakAt: 0.3 }]);
  const hipAcc = (tS: number): Vec3 => [hipX.at(tS).acc + speedProfile.at(tS).vel, 0, hipZ.at(tS).acc];
  const kneeAcc = (tS: number): Vec3 => {
    const th = thighDeg.at(tS);
    const x = (th.pos * Math.PI) / 180;
    const v = (th.vel * Math.PI) / 180;
    const a = (th.acc * Math.PI) / 180;
    // knee = hip + L (sin x, 0, −cos x)
    return add(hipAcc(tS), [
      THIGH_M * (Math.cos(x) * a - Math.sin(x) * v * v),
      0,
      THIGH_M * (Math.sin(x) * a + Math.cos(x) * v * v),
    ]);
  };
  const shankShock = impactAcceleration(gait.footStrikesS, rng.uniform(50, 70), 0.012, 18, [0.3, 0, 0.95]);
  const chestShock = impactAcceleration(gait.stepsS, rng.uniform(8, 12), 0.025, 10, [0.1, 0, 1]);
  const chestDeg = new SumProfile([
    new GaitProfile(gait, 0, [{ ampl: 2, k: 2, peakAt: 0.1 }]),
    new ProfileBuilder(0, 2)
      .holdUntil(runStartS)
      .moveTo(9, rampS)
      .holdUntil(runEndS)
      .moveTo(2, rampS)
      .build(),
    OscillationProfile.random(rng.fork('chest-sway'), 0.03, 0.3),
  ]);
  const lat = o.side === 'left' ? 0.05 : -0.05;
  const shank = `shank-${o.side}`;
  const segments = new Map([
    [
      shank,
      sagittalSegment({
        baseDeg: 0,
        direction: 1,
        thetaDeg: shankDeg,
        sensorDistM: 0.25,
        anteriorM: 0.03,
        lateralM: lat,
        axisTiltDeg: o.difficulty === 'hard' ? rng.uniform(5, 12) : 0,
        jointAccMs2: (t) => add(kneeAcc(t), shankShock(t)),
      }),
    ],
    [
      // Sacrum: tilts a little twice per stride and bobs with the hip (no random draws: adding it
      // changes no other device's motion).
      'pelvis',
      sagittalSegment({
        baseDeg: 180,
        direction: 1,
        thetaDeg: new GaitProfile(gait, 0, [{ ampl: 3, k: 2, peakAt: 0.2 }]),
        sensorDistM: 0.08,
        anteriorM: -0.1,
        jointAccMs2: (t) => add(hipAcc(t), chestShock(t)),
      }),
    ],
    [
      'chest',
      sagittalSegment({
        baseDeg: 180,
        direction: 1,
        thetaDeg: chestDeg,
        sensorDistM: 0.42,
        anteriorM: -0.12,
        jointAccMs2: (t) => add(hipAcc(t), chestShock(t)),
      }),
    ],
  ]);
  const cadenceLabels: LabeledCadence[] = [
    { fromS: runStartS, toS: blockStartS, spm: r3(base) },
    { fromS: blockStartS, toS: blockEndS, spm: r3(block) },
    { fromS: blockEndS, toS: runEndS, spm: r3(base) },
  ];
  const markStartS = r3(runStartS - rng.uniform(0.3, 0.8));
  const markEndS = r3(runEndS + rampS + rng.uniform(0.3, 0.8));
  const setBase = { activity: 'run', side: o.side, startS: markStartS, endS: markEndS, reps: [] } as const;
  return {
    activity: 'run',
    durationS,
    segments,
    forces: new Map(),
    gait,
    marks: [
      { tS: 0, activity: null },
      { tS: markStartS, activity: 'run' },
      { tS: markEndS, activity: null },
    ],
    sets: [
      { ...setBase, role: shank, reps: [] },
      { ...setBase, role: 'chest', side: 'center', reps: [] },
      { ...setBase, role: 'pelvis', side: 'center', reps: [] },
      { ...setBase, role: `foot-${o.side}`, reps: [] },
    ],
    cadence: cadenceLabels,
    extra: {
      cadenceBlock: {
        baselineSpm: r3(base),
        blockSpm: r3(block),
        changePct: r3(change * 100),
        fromS: blockStartS,
        toS: blockEndS,
        speedMps: r3(speed),
        steps: gait.stepsS.length,
      },
    },
  };
}
