/**
 * Adversarial stress set: seeded random variations of every activity, generated through the
 * simulator's public API with parameters the fixture library never uses (sample rates, strap
 * rotations incl. axis-aligned and upside-down, noise, gyro bias, bias walk and scale error,
 * accelerometer bias, notification bunching and split records, burst loss, disconnects mid-set,
 * tempo, ROM, marks without rests/sides or no marks at all, several devices, footpods counting
 * strides with or without `cadenceUnit`, cadence changes). Each case records the bucket it falls
 * into per dimension so that the accuracy can be tabulated per dimension.
 */
import type {
  Activity,
  LabeledRep,
  LabeledSet,
  Placement,
  RecordingEvent,
  RecordingLabels,
  Side,
} from '@hamstream/core';
import {
  type ActivityPlan,
  BRIDGE,
  createRng,
  type DeviceSpec,
  type DeviceVariation,
  type GeneratedRecording,
  generateFromDefinition,
  type Mat3,
  type Outage,
  PRONE_CURL,
  planIsometric,
  planNordicCurls,
  planRepExercise,
  planRun,
  planSingleLegBridges,
  type RepExercise,
  type Rng,
  randomRotation,
  type ScenarioDefinition,
  SINGLE_LEG_BRIDGE,
  STANDING_CURL,
  STRETCH,
} from '@hamstream/simulator';
import type { Evaluated } from './support.js';
import { evaluateEvents } from './support.js';

export type Dims = Record<string, string>;

export interface StressCase {
  name: string;
  def: ScenarioDefinition;
  seed: number;
  dims: Dims;
  /** Per device: times without data (outage → data flowing again), s. Reps touching them are optional. */
  holes: Map<string, [number, number][]>;
}

/** The simulator's WitMotion/Polar noise levels (σ per sample) that the multipliers scale. */
const BASE_NOISE = { accMs2: 0.03, gyroDps: 0.06 };

const SIGNED_PERMUTATIONS: Mat3[] = (() => {
  const perms = [
    [0, 1, 2, 1],
    [0, 2, 1, -1],
    [1, 0, 2, -1],
    [1, 2, 0, 1],
    [2, 0, 1, 1],
    [2, 1, 0, -1],
  ] as const;
  const out: Mat3[] = [];
  for (const [a, b, c, parity] of perms) {
    for (const s0 of [1, -1]) {
      for (const s1 of [1, -1]) {
        const s2 = parity * s0 * s1;
        const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
        m[0 * 3 + a] = s0;
        m[1 * 3 + b] = s1;
        m[2 * 3 + c] = s2;
        out.push(m as unknown as Mat3);
      }
    }
  }
  return out;
})();

function pickMount(rng: Rng): { mount: Mat3; label: string } {
  const u = rng.next();
  if (u < 0.5) return { mount: randomRotation(rng), label: 'random' };
  // Sensor axes along the segment's axes: one along gravity at rest, one along the joint axis
  // (degenerate planes), including upside down.
  const m = rng.pick(SIGNED_PERMUTATIONS);
  return { mount: m, label: m[8] < 0 || m[4] < 0 || m[0] < 0 ? 'axis-aligned (flipped)' : 'axis-aligned' };
}

const logUniform = (rng: Rng, lo: number, hi: number): number =>
  Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));

interface ImuDraw {
  variation: DeviceVariation;
  dims: Dims;
}

/** An IMU's errors, strap and link for one case. `notesPerS`: notifications per second it sends. */
function drawImu(rng: Rng, notesPerS: number, mount: { mount: Mat3; label: string }): ImuDraw {
  const noise = logUniform(rng, 1, 5);
  const biasDps = rng.uniform(0, 3);
  // Scale error per axis (independent) or common to all axes (a mis-set full-scale range).
  const scaleMax = rng.pick([0, 0.01, 0.02, 0.04]);
  const commonScale = rng.chance(0.5);
  const walk = rng.chance(0.5) ? rng.uniform(0, 0.05) : 0;
  const sym = (k: number): [number, number, number] => [
    rng.uniform(-k, k),
    rng.uniform(-k, k),
    rng.uniform(-k, k),
  ];
  const common = rng.uniform(-scaleMax, scaleMax);
  const gyroScale: [number, number, number] = commonScale
    ? [1 + common, 1 + common, 1 + common]
    : (sym(scaleMax).map((x) => 1 + x) as [number, number, number]);
  const link = drawLink(rng, notesPerS);
  return {
    variation: {
      mount: mount.mount,
      imuErrors: {
        accNoiseMs2: BASE_NOISE.accMs2 * noise,
        gyroNoiseDps: BASE_NOISE.gyroDps * noise,
        gyroBiasDps: sym(biasDps),
        gyroBiasWalkDpsPerSqrtS: walk,
        gyroScale,
        accBiasMs2: sym(rng.uniform(0, 0.25)),
        accScale: sym(0.01).map((x) => 1 + x) as [number, number, number],
      },
      rateErrorFrac: rng.uniform(-0.02, 0.02),
      link: link.link,
    },
    dims: {
      strap: mount.label,
      noise: noise < 2 ? 'noise 1–2×' : noise < 3.5 ? 'noise 2–3.5×' : 'noise 3.5–5×',
      'gyro bias': biasDps < 1 ? 'bias < 1 °/s' : biasDps < 2 ? 'bias 1–2 °/s' : 'bias 2–3 °/s',
      'bias walk': walk > 0 ? 'walk ≤ 0.05 °/s/√s' : 'no walk',
      'gyro scale':
        scaleMax === 0 ? 'scale exact' : `scale ±${scaleMax * 100}%${commonScale ? ' common' : ' per axis'}`,
      loss: link.label,
    },
  };
}

function drawLink(rng: Rng, notesPerS: number): { link: DeviceVariation['link']; label: string } {
  // A connection interval and per-event cap that carry the device's notification rate with room.
  const options = [7.5, 15, 30, 45].filter((ci) => (6 * 1000) / ci >= 1.6 * notesPerS);
  const ci = rng.pick(options.length > 0 ? options : [7.5]);
  const minPer = Math.min(6, Math.max(2, Math.ceil((1.6 * notesPerS * ci) / 1000)));
  const lossy = rng.chance(0.5);
  return {
    link: {
      connectionIntervalMs: ci,
      maxPerEvent: rng.int(minPer, 6),
      hostJitterMs: rng.uniform(0.2, 2.5),
      stallProbability: rng.uniform(0, 0.006),
      stallMs: [10, 150],
      loss: lossy
        ? {
            pGoodToBad: rng.uniform(0.002, 0.012),
            pBadToGood: rng.uniform(0.15, 0.5),
            lossInGood: rng.uniform(0, 0.003),
            lossInBad: rng.uniform(0.4, 0.9),
          }
        : null,
    },
    label: lossy ? 'burst loss' : 'no loss',
  };
}

interface ImuDeviceChoice {
  spec: DeviceSpec;
  dims: Dims;
}

/** A WitMotion (10–200 Hz, 1–4 records per notification) or a Verity Sense (26–416 Hz, acc + gyro). */
function imuDevice(
  rng: Rng,
  id: string,
  role: string,
  placement: Placement,
  side: Side,
  opts: { allowAccOnly?: boolean; polarModel?: 'h10' | 'verity-sense' } = {},
): ImuDeviceChoice {
  const mount = pickMount(rng);
  if (opts.polarModel !== undefined || rng.chance(0.35)) {
    const model = opts.polarModel ?? 'verity-sense';
    const rates = model === 'h10' ? [25, 50, 100, 200] : [26, 52, 104, 208, 416];
    const rateHz = rng.pick(rates);
    const accOnly = model === 'h10' || (opts.allowAccOnly === true && rng.chance(0.3));
    const perFrame = model === 'h10' ? 36 : 30;
    const imu = drawImu(rng, ((accOnly ? 1 : 2) * rateHz) / perFrame, mount);
    return {
      spec: {
        kind: 'polar',
        id,
        role,
        model,
        placement,
        side,
        rateHz,
        measurements: accOnly ? ['acc'] : ['acc', 'gyro'],
        accRangeG: 8,
        ...(accOnly ? {} : { gyroRangeDps: 2000 }),
        variation: imu.variation,
      },
      dims: {
        ...imu.dims,
        driver: `polar ${model}${accOnly ? ' acc' : ' acc+gyro'}`,
        rate: rateBucket(rateHz),
      },
    };
  }
  const rateHz = rng.pick([10, 20, 25, 50, 100, 200]);
  const records = rng.int(1, 4);
  const split = rng.chance(0.5) ? rng.uniform(0.005, 0.03) : 0;
  const imu = drawImu(rng, rateHz / records, mount);
  return {
    spec: {
      kind: 'witmotion',
      id,
      role,
      placement,
      side,
      rateHz,
      variation: { ...imu.variation, recordsPerNotification: records, splitProbability: split },
    },
    dims: {
      ...imu.dims,
      driver: 'witmotion',
      rate: rateBucket(rateHz),
      bunching: `${records} rec/notif${split > 0 ? ' + splits' : ''}`,
    },
  };
}

function rateBucket(hz: number): string {
  return hz <= 26 ? '10–26 Hz' : hz <= 60 ? '50–52 Hz' : hz <= 110 ? '100–104 Hz' : '200–416 Hz';
}

/** Tempo and ROM of a rep exercise, within what the segment can physically do. */
function varyExercise(
  rng: Rng,
  ex: RepExercise,
  romRange: [number, number],
): { ex: RepExercise; dims: Dims } {
  const tempo = rng.pick(['fast', 'normal', 'slow'] as const);
  const p = { ...ex.pattern };
  if (tempo === 'fast') {
    p.concentricS = rng.uniform(0.45, 0.8);
    p.topHoldS = rng.chance(0.5) ? 0 : rng.uniform(0.05, 0.2);
    p.eccentricS = rng.uniform(0.5, 0.9);
    p.bottomPauseS = rng.uniform(0.3, 0.7);
  } else if (tempo === 'slow' && ex.activity !== 'supine-hamstring-stretch') {
    p.concentricS = rng.uniform(2, 3);
    p.topHoldS = rng.chance(0.5) ? rng.uniform(0.5, 1.5) : rng.uniform(4, 5.5);
    p.eccentricS = rng.uniform(2.5, 3.5);
    p.bottomPauseS = rng.uniform(1, 2);
  }
  const [lo, hi] = romRange;
  const bucket = rng.pick(['low', 'mid', 'high'] as const);
  const span = hi - lo;
  const rom =
    bucket === 'low'
      ? rng.uniform(lo, lo + span * 0.2)
      : bucket === 'mid'
        ? rng.uniform(lo + span * 0.2, lo + span * 0.6)
        : rng.uniform(lo + span * 0.6, hi);
  p.romDeg = rom;
  p.romSdDeg = rom * rng.uniform(0.02, 0.06);
  const sway = ex.activity === 'standing-hamstring-curl' && rng.chance(0.5) ? rng.uniform(1, 2.5) : undefined;
  // Where the strap sits: along the segment and off its axis (tangential and centripetal accelerations).
  const geometry = {
    ...ex.geometry,
    sensorDistM: rng.uniform(0.08, 0.4),
    anteriorM: rng.uniform(-0.08, 0.08),
  };
  return {
    ex: { ...ex, pattern: p, geometry, ...(sway !== undefined ? { swayDeg: sway } : {}) },
    dims: {
      tempo: tempo === 'slow' && ex.activity === 'supine-hamstring-stretch' ? 'normal' : tempo,
      rom: rom < 25 ? 'ROM 15–25°' : rom < 60 ? 'ROM 25–60°' : 'ROM 60–120°',
      ...(sway !== undefined ? { sway: 'hip sway' } : {}),
    },
  };
}

/**
 * Side-lying hamstring curl: an activity the engine does not know, with the knee axis vertical (gravity
 * along the movement axis: the accelerometer cannot see the angle, only the gyro can).
 */
const SIDE_LYING_CURL: RepExercise = {
  ...PRONE_CURL,
  activity: 'side-lying-hamstring-curl',
  fidgetLimitsDeg: [-5, 40],
};

/** A seated knee extension: an activity the engine does not know (generic reps of the shank). */
const KNEE_EXTENSION: RepExercise = {
  ...STANDING_CURL,
  activity: 'seated-knee-extension',
  geometry: { baseDeg: 0, direction: -1, sensorDistM: 0.25, anteriorM: 0.04 },
  fidgetLimitsDeg: [-5, 30],
};

type Kind =
  | 'bridge'
  | 'single-leg-bridge'
  | 'prone-hamstring-curl'
  | 'standing-hamstring-curl'
  | 'supine-hamstring-stretch'
  | 'seated-knee-extension'
  | 'side-lying-hamstring-curl'
  | 'nordic-curl'
  | 'isometric-hamstring'
  | 'run';

const KINDS: readonly Kind[] = [
  'bridge',
  'single-leg-bridge',
  'prone-hamstring-curl',
  'standing-hamstring-curl',
  'supine-hamstring-stretch',
  'seated-knee-extension',
  'side-lying-hamstring-curl',
  'nordic-curl',
  'isometric-hamstring',
  'run',
];

const EXERCISES: Record<string, { ex: RepExercise; placement: Placement; rom: [number, number] }> = {
  bridge: { ex: BRIDGE, placement: 'thigh', rom: [15, 50] },
  'prone-hamstring-curl': { ex: PRONE_CURL, placement: 'shank', rom: [15, 120] },
  'standing-hamstring-curl': { ex: STANDING_CURL, placement: 'shank', rom: [15, 110] },
  'supine-hamstring-stretch': { ex: STRETCH, placement: 'thigh', rom: [30, 90] },
  'seated-knee-extension': { ex: KNEE_EXTENSION, placement: 'shank', rom: [15, 85] },
  'side-lying-hamstring-curl': { ex: SIDE_LYING_CURL, placement: 'shank', rom: [20, 110] },
};

/** Builds case `index` of the stress set (same index → same case). */
export function stressCase(index: number): StressCase {
  const rng = createRng(`hamstream-stress/${index}`);
  const kind = KINDS[index % KINDS.length]!;
  const seed = 1000 + index;
  const dims: Dims = { activity: kind };
  const devices: DeviceSpec[] = [];
  const side: Side = rng.chance(0.5) ? 'left' : 'right';
  const sideId = side === 'left' ? 'L' : 'R';
  let plan: ScenarioDefinition['plan'];
  let marks: ScenarioDefinition['marks'] = 'all';
  let marksWithoutSide = rng.chance(0.3);
  const setReps = [rng.int(5, 10), rng.int(5, 10)];
  const withOutage = rng.pick(['none', 'rest', 'mid-set'] as const);
  const primaryDims = (d: Dims): void => {
    for (const [k, v] of Object.entries(d)) dims[k] = v;
  };

  if (kind in EXERCISES) {
    const e = EXERCISES[kind]!;
    const { ex, dims: exDims } = varyExercise(rng, e.ex, e.rom);
    primaryDims(exDims);
    const tilt =
      kind === 'side-lying-hamstring-curl'
        ? rng.uniform(75, 105)
        : rng.chance(0.5)
          ? rng.uniform(-15, 15)
          : 0;
    dims.axis =
      Math.abs(tilt) > 45 ? 'joint axis vertical' : tilt !== 0 ? 'axis tilted ≤ 15°' : 'axis horizontal';
    // The mark may come just before the first movement (pressed late) or well before it.
    const markLeadS: [number, number] = rng.chance(0.5) ? [0.05, 0.3] : [0.8, 3];
    dims.lead = markLeadS[0] < 0.1 ? 'mark 0.05–0.3 s before' : 'mark 0.8–3 s before';
    plan = (o) => planRepExercise(ex, { ...o, side, setReps, axisTiltDeg: tilt, markLeadS });
    const role = `${e.placement}-${side}`;
    const main = imuDevice(rng, `${sideId}-${e.placement}`, role, e.placement, side);
    devices.push(main.spec);
    primaryDims(main.dims);
    if (rng.chance(0.25)) {
      // A second sensor on the same segment (another driver, strap and rate).
      const second = imuDevice(rng, `${sideId}-${e.placement}-2`, role, e.placement, side);
      devices.push(second.spec);
      dims.devices = 'two on the segment';
    } else dims.devices = 'one';
    marks = rng.pick(['all', 'all', 'set-starts', 'none'] as const);
  } else if (kind === 'single-leg-bridge') {
    const { ex, dims: exDims } = varyExercise(rng, SINGLE_LEG_BRIDGE, [15, 40]);
    primaryDims(exDims);
    plan = (o) => planSingleLegBridges({ ...o, setReps: [...setReps, ...setReps], exercise: ex });
    const l = imuDevice(rng, 'L-thigh', 'thigh-left', 'thigh', 'left');
    const r = imuDevice(rng, 'R-thigh', 'thigh-right', 'thigh', 'right');
    devices.push(l.spec, r.spec);
    primaryDims(l.dims);
    dims.devices = 'one per thigh';
    // Without sides the raised leg's ride-along makes sets no label describes: keep sides.
    marksWithoutSide = false;
    marks = rng.pick(['all', 'set-starts'] as const);
  } else if (kind === 'nordic-curl') {
    const breakBaseDeg = rng.uniform(30, 72);
    dims.rom = breakBaseDeg < 45 ? 'break 30–45°' : breakBaseDeg < 60 ? 'break 45–60°' : 'break 60–72°';
    const nordicReps = [rng.int(3, 6), rng.int(3, 6)];
    plan = (o) => planNordicCurls({ ...o, side, setReps: nordicReps, breakBaseDeg });
    const t = imuDevice(rng, `${sideId}-thigh`, `thigh-${side}`, 'thigh', side);
    devices.push(t.spec);
    primaryDims(t.dims);
    devices.push(tindeq(rng, `${sideId}-strap`, `force-${side}`, side));
    dims.devices = 'thigh + gauge';
    marks = rng.pick(['all', 'set-starts', 'none'] as const);
  } else if (kind === 'isometric-hamstring') {
    const first: Side = rng.chance(0.5) ? 'left' : 'right';
    const sides: Side[] = [first, first === 'left' ? 'right' : 'left'];
    const effortsPerSide = rng.int(2, 4);
    plan = (o) => planIsometric({ ...o, sides, effortsPerSide });
    devices.push(tindeq(rng, 'strap', 'force', 'center'));
    const l = imuDevice(rng, 'L-shank', 'shank-left', 'shank', 'left');
    const r = imuDevice(rng, 'R-shank', 'shank-right', 'shank', 'right');
    devices.push(l.spec, r.spec);
    primaryDims(l.dims);
    dims.devices = 'gauge + 2 shanks';
    marksWithoutSide = false; // one gauge moved between legs: only the mark says which
    marks = rng.pick(['all', 'set-starts'] as const);
  } else {
    const baselineSpm = rng.uniform(150, 190);
    const change = rng.uniform(0.05, 0.1) * (rng.chance(0.5) ? 1 : -1);
    dims.cadence = `${baselineSpm < 170 ? '150–170' : '170–190'} spm, ${change > 0 ? '+' : '−'}5–10 %`;
    const durationS = rng.uniform(120, 170);
    plan = (o) => planRun({ ...o, side, baselineSpm, blockChange: change, durationS });
    const shank = imuDevice(rng, `${sideId}-shank`, `shank-${side}`, 'shank', side);
    devices.push(shank.spec);
    primaryDims(shank.dims);
    const trunk = rng.chance(0.5) ? 'chest' : 'pelvis';
    const model = trunk === 'chest' && rng.chance(0.6) ? 'h10' : 'verity-sense';
    const t = imuDevice(rng, trunk, trunk, trunk, 'center', { polarModel: model, allowAccOnly: true });
    devices.push(t.spec);
    dims.trunk = `${trunk} ${t.dims.driver}`;
    const unit = rng.chance(0.5) ? 'strides' : 'steps';
    const declare = rng.chance(0.6);
    devices.push({
      kind: 'rsc',
      id: `${sideId}-foot`,
      role: `foot-${side}`,
      side,
      cadenceUnit: unit,
      variation: { declareCadenceUnit: declare, link: drawLink(rng, 1).link },
    });
    dims.footpod = `${unit}${declare ? '' : ', unit not declared'}`;
    marks = rng.pick(['all', 'all', 'none'] as const);
    marksWithoutSide = false;
  }
  dims.marks = marks === 'all' ? (marksWithoutSide ? 'marks without side' : 'marks') : `marks: ${marks}`;

  // Disconnects: planned on the activity's own plan (same rng path as the generator's).
  const name = `stress-${index}-${kind}`;
  const planned = plannedActivity(name, seed, plan);
  const outages = new Map<string, Outage[]>();
  const holes = new Map<string, [number, number][]>();
  dims.outage = withOutage === 'none' ? 'no disconnect' : `disconnect ${withOutage}`;
  if (withOutage !== 'none') {
    const target = devices[rng.int(0, Math.min(devices.length, 2) - 1)]!;
    const at = outageTime(rng, planned, withOutage, target.role);
    if (at !== null) {
      const o: Outage = { atS: at, detectS: rng.uniform(0.7, 3), reconnectS: rng.uniform(1, 3) };
      outages.set(target.id, [o]);
      // Data flows again well within 1.2 s of the reconnection (control responses, stream start).
      holes.set(target.id, [[o.atS, o.atS + o.detectS + o.reconnectS + 1.2]]);
    } else dims.outage = 'no disconnect';
  }
  const withOutages = devices.map((d) => {
    const o = outages.get(d.id);
    return o
      ? { ...d, variation: { ...d.variation, outages: o } }
      : { ...d, variation: { ...d.variation, outages: [] } };
  });
  const def: ScenarioDefinition = {
    name,
    description: `stress case ${index}`,
    activity: kind as Activity,
    difficulty: 'hard',
    defaultSeed: seed,
    plan,
    devices: withOutages,
    marks,
    marksWithoutSide,
  };
  return { name, def, seed, dims, holes };
}

function tindeq(rng: Rng, id: string, role: string, side: Side): DeviceSpec {
  const perNotification = rng.int(1, 6);
  return {
    kind: 'tindeq',
    id,
    role,
    side,
    clockNearWrap: rng.chance(0.3),
    variation: { samplesPerNotification: perNotification, link: drawLink(rng, 80 / perNotification).link },
  };
}

/** The plan the generator will build for (name, seed): same rng path as generateFromDefinition. */
function plannedActivity(name: string, seed: number, plan: ScenarioDefinition['plan']): ActivityPlan {
  const rng = createRng(`hamstream-sim/${name}/${seed}`);
  return plan({ rng: rng.fork('activity'), difficulty: 'hard' });
}

function outageTime(rng: Rng, plan: ActivityPlan, where: 'rest' | 'mid-set', role: string): number | null {
  const sets = plan.sets.filter((s) => s.role === role);
  if (plan.activity === 'run') {
    const s = plan.sets[0]!;
    return where === 'rest' ? s.startS - 0.2 : rng.uniform(s.startS + 20, s.endS - 30);
  }
  if (where === 'mid-set') {
    const withReps = sets.filter((s) => s.reps.length >= 3);
    if (withReps.length === 0) return null;
    const s = rng.pick(withReps);
    const r = rng.pick(s.reps.slice(1, -1));
    return rng.uniform(r.startS, r.endS);
  }
  const sorted = [...plan.sets].sort((a, b) => a.startS - b.startS);
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]!.startS - sorted[i - 1]!.endS;
    if (gap > 10) return sorted[i - 1]!.endS + rng.uniform(1, gap - 9);
  }
  return null;
}

// ---- scoring --------------------------------------------------------------------------------------

export interface CaseResult {
  case: StressCase;
  /** Null when the analysis threw. */
  evaluated: Evaluated | null;
  /** Per labelled set: whether the count is right (reps touching a data hole may go either way). */
  sets: { device: string; expectedMin: number; expectedMax: number; detected: number; exact: boolean }[];
  romErrorsDeg: number[];
  forceErrorsPct: number[];
  cadenceErrorsSpm: number[];
  /** Stricter: every point from 5 s after a labelled cadence change (the window still holds the old one). */
  cadenceEarlyErrorsSpm: number[];
  /** Per rep paired by overlap: |detected − labelled| start and end times, s. */
  timingErrorsS: number[];
  /** Invariant violations (non-finite numbers, cadence coverage, zero cadence while running). */
  problems: string[];
}

const overlaps = (r: LabeledRep, holes: readonly [number, number][]): boolean =>
  holes.some(([a, b]) => r.startS < b && r.endS > a);

/**
 * Per device: planned outages, and stretches where no packet arrived for half a second more than the
 * device's usual notification interval (burst loss; the inclination bridges shorter holes).
 */
function dataHoles(
  events: readonly RecordingEvent[],
  outages: ReadonlyMap<string, [number, number][]>,
): Map<string, [number, number][]> {
  const times = new Map<string, number[]>();
  for (const e of events) {
    if (e.type !== 'packet') continue;
    let list = times.get(e.device);
    if (!list) {
      list = [];
      times.set(e.device, list);
    }
    list.push(e.t / 1000);
  }
  const out = new Map<string, [number, number][]>();
  for (const [device, ts] of times) {
    const steps = ts.slice(1).map((t, i) => t - ts[i]!);
    const typical = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 0;
    const holes: [number, number][] = [...(outages.get(device) ?? [])];
    for (let i = 1; i < ts.length; i++)
      if (ts[i]! - ts[i - 1]! > typical + 0.5) holes.push([ts[i - 1]!, ts[i]!]);
    out.set(device, holes);
  }
  return out;
}

/** Generates, analyses and scores one case; an analysis that throws fails all of the case's sets. */
export function runStressCase(c: StressCase): CaseResult {
  const rec = generateFromDefinition(c.def, { seed: c.seed });
  try {
    return scoreStressCase(c, rec);
  } catch (e) {
    return {
      case: c,
      evaluated: null,
      sets: rec.labels.sets
        .filter((s) => s.activity !== 'run')
        .map((s) => ({
          device: s.device,
          expectedMin: s.reps.length,
          expectedMax: s.reps.length,
          detected: -1,
          exact: false,
        })),
      romErrorsDeg: [],
      forceErrorsPct: [],
      cadenceErrorsSpm: [],
      cadenceEarlyErrorsSpm: [],
      timingErrorsS: [],
      problems: [`analysis threw: ${e instanceof Error ? e.message : String(e)}`],
    };
  }
}

function scoreStressCase(c: StressCase, rec: GeneratedRecording): CaseResult {
  const holes = dataHoles(rec.events, c.holes);
  // Reps a disconnect or a burst of lost packets cut into are optional: removed from the labels for
  // pairing, allowed in the count (nothing can tell whether a rep happened in a hole).
  const optional = new Map<LabeledSet, number>();
  const labels: RecordingLabels = {
    ...rec.labels,
    sets: rec.labels.sets.map((s) => {
      const holes = holesOf(s.device);
      const kept = s.reps.filter((r) => !overlaps(r, holes));
      const copy: LabeledSet = { ...s, reps: kept, repCount: kept.length };
      optional.set(copy, s.reps.length - kept.length);
      return copy;
    }),
  };
  function holesOf(device: string): [number, number][] {
    return holes.get(device) ?? [];
  }
  const evaluated = evaluateEvents(c.name, rec.header, rec.events, labels);
  const sets: CaseResult['sets'] = [];
  const romErrorsDeg: number[] = [];
  const forceErrorsPct: number[] = [];
  labels.sets.forEach((label, i) => {
    const ev = evaluated.evaluation.sets[i]!;
    if (label.activity === 'run') return;
    const extra = optional.get(label) ?? 0;
    const min = label.reps.length;
    const max = min + extra;
    sets.push({
      device: label.device,
      expectedMin: min,
      expectedMax: max,
      detected: ev.detectedRepCount,
      exact: ev.detectedRepCount >= min && ev.detectedRepCount <= max,
    });
    romErrorsDeg.push(...ev.romErrorsDeg);
    forceErrorsPct.push(...ev.peakForceErrorsPct);
  });
  const cadenceErrorsSpm = evaluated.evaluation.cadence.flatMap((x) => x.errorsSpm);
  const timingErrorsS: number[] = [];
  labels.sets.forEach((label) => {
    const out = evaluated.output.sets.filter((s) => s.device === label.device);
    for (const r of label.reps) {
      let best: { startS: number; endS: number } | null = null;
      let bestIou = 0;
      for (const s of out) {
        for (const f of s.reps) {
          const inter = Math.max(0, Math.min(r.endS, f.endS) - Math.max(r.startS, f.startS));
          const iou = inter / (Math.max(r.endS, f.endS) - Math.min(r.startS, f.startS));
          if (iou > bestIou) {
            bestIou = iou;
            best = f;
          }
        }
      }
      if (best) timingErrorsS.push(Math.abs(best.startS - r.startS), Math.abs(best.endS - r.endS));
    }
  });
  const cadenceEarlyErrorsSpm: number[] = [];
  for (const p of evaluated.output.cadence) {
    const seg = (labels.cadence ?? []).find((g) => p.tS >= g.fromS + 5 && p.tS <= g.toS);
    if (seg) cadenceEarlyErrorsSpm.push(p.spm - seg.spm);
  }
  return {
    case: c,
    evaluated,
    sets,
    romErrorsDeg,
    forceErrorsPct,
    cadenceErrorsSpm,
    cadenceEarlyErrorsSpm,
    timingErrorsS,
    problems: invariantProblems(holes, evaluated),
  };
}

function invariantProblems(allHoles: ReadonlyMap<string, [number, number][]>, e: Evaluated): string[] {
  const problems: string[] = [];
  const out = e.output;
  const walk = (x: unknown, path: string): void => {
    if (typeof x === 'number' && !Number.isFinite(x)) problems.push(`non-finite ${path}`);
    else if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) walk(x[i], `${path}[${i}]`);
    } else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) walk(v, `${path}.${k}`);
  };
  walk(out, 'output');
  // Cadence: ≥ 1 entry per second per device while it has data in a labelled running segment.
  for (const seg of e.labels.cadence ?? []) {
    for (const d of e.header.devices) {
      const holes = allHoles.get(d.id) ?? [];
      const pts = out.cadence.filter((p) => p.device === d.id).map((p) => p.tS);
      for (let t = Math.ceil(seg.fromS) + 3; t + 1 <= seg.toS; t++) {
        // After a hole the window needs a few seconds of data again.
        if (holes.some(([a, b]) => t + 1 > a && t < b + 4)) continue;
        if (!pts.some((p) => p >= t && p < t + 1)) {
          problems.push(`${d.id}: no cadence in [${t}, ${t + 1}) s`);
          break;
        }
      }
      const zeros = out.cadence.filter(
        (p) => p.device === d.id && p.spm === 0 && p.tS > seg.fromS + 3 && p.tS < seg.toS,
      );
      if (zeros.length > 0) problems.push(`${d.id}: ${zeros.length} × 0 spm while running`);
    }
  }
  return problems;
}

// ---- table -------------------------------------------------------------------------------------

export interface Aggregate {
  cases: number;
  sets: number;
  exactPct: number | null;
  romReps: number;
  romMaeDeg: number | null;
  forceReps: number;
  forceErrPct: number | null;
  cadencePoints: number;
  cadenceMaeSpm: number | null;
  cadenceEarlyMaeSpm: number | null;
  /** 95th percentile of rep start/end time errors, s. */
  timingP95S: number | null;
}

const meanAbs = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + Math.abs(b), 0) / xs.length;

export function aggregate(results: readonly CaseResult[]): Aggregate {
  const sets = results.flatMap((r) => r.sets).filter((s) => s.expectedMax > 0 || s.detected > 0);
  const rom = results.flatMap((r) => r.romErrorsDeg);
  const force = results.flatMap((r) => r.forceErrorsPct);
  const cad = results.flatMap((r) => r.cadenceErrorsSpm);
  return {
    cases: results.length,
    sets: sets.length,
    exactPct: sets.length > 0 ? (100 * sets.filter((s) => s.exact).length) / sets.length : null,
    romReps: rom.length,
    romMaeDeg: meanAbs(rom),
    forceReps: force.length,
    forceErrPct: meanAbs(force),
    cadencePoints: cad.length,
    cadenceMaeSpm: meanAbs(cad),
    cadenceEarlyMaeSpm: meanAbs(results.flatMap((r) => r.cadenceEarlyErrorsSpm)),
    timingP95S: percentile(
      results.flatMap((r) => r.timingErrorsS),
      0.95,
    ),
  };
}

function percentile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const fmt = (x: number | null, d = 1): string => (x === null ? '–' : x.toFixed(d));

/** One table: overall, then per dimension and bucket. */
export function stressTable(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  const row = (dim: string, bucket: string, a: Aggregate): void => {
    lines.push(
      `${dim.padEnd(11)} ${bucket.padEnd(34)} ${String(a.cases).padStart(5)} ${String(a.sets).padStart(5)} ${fmt(a.exactPct).padStart(7)} ${fmt(a.romMaeDeg, 2).padStart(8)} ${fmt(a.forceErrPct, 2).padStart(8)} ${fmt(a.cadenceMaeSpm, 2).padStart(9)} ${fmt(a.cadenceEarlyMaeSpm, 2).padStart(9)} ${fmt(a.timingP95S, 2).padStart(8)}`,
    );
  };
  lines.push(
    `${'dimension'.padEnd(11)} ${'bucket'.padEnd(34)} ${'cases'.padStart(5)} ${'sets'.padStart(5)} ${'exact%'.padStart(7)} ${'ROM MAE'.padStart(8)} ${'force %'.padStart(8)} ${'cad. MAE'.padStart(9)} ${'from 5 s'.padStart(9)} ${'t P95 s'.padStart(8)}`,
  );
  row('all', '', aggregate(results));
  const dimNames = [...new Set(results.flatMap((r) => Object.keys(r.case.dims)))];
  for (const dim of dimNames) {
    const buckets = [...new Set(results.map((r) => r.case.dims[dim]).filter((b) => b !== undefined))].sort();
    for (const b of buckets) row(dim, b!, aggregate(results.filter((r) => r.case.dims[dim] === b)));
  }
  return lines.join('\n');
}
