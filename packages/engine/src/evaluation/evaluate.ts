import type {
  AnalyzeOutput,
  CadencePoint,
  LabeledRep,
  LabeledSet,
  RecordingHeader,
  RecordingLabels,
  RepResult,
  SetResult,
} from '@hamstream/core';

/** Cadence right after a change is not steady: points this soon after a segment starts are not scored, s. */
export const CADENCE_SETTLE_S = 10;

/** How one labelled set was analysed. */
export interface SetEvaluation {
  device: string;
  driver: string;
  activity: string;
  startS: number;
  endS: number;
  labelRepCount: number;
  /** Reps the analysis found in the matching set (0 when no set matched). */
  detectedRepCount: number;
  matched: boolean;
  exact: boolean;
  /** Per matched rep: detected − labelled ROM, degrees. */
  romErrorsDeg: number[];
  /** Per matched rep: |detected − labelled| / labelled peak force, %. */
  peakForceErrorsPct: number[];
  /** Labelled reps with no detected rep overlapping them, and detected reps with no labelled one. */
  missedReps: number;
  extraReps: number;
}

export interface CadenceEvaluation {
  device: string;
  driver: string;
  /** Cadence points inside labelled constant segments, past the settling time. */
  points: number;
  /** Per scored point: detected − labelled spm. */
  errorsSpm: number[];
}

/** Total steps implied by the cadence output against a labelled total (`stepCount` in the labels). */
export interface StepTotalEvaluation {
  device: string;
  estimated: number;
  labelled: number;
  errorPct: number;
}

export interface RecordingEvaluation {
  recording: string;
  sets: SetEvaluation[];
  cadence: CadenceEvaluation[];
  steps: StepTotalEvaluation[];
  /** Sets the analysis listed with reps that match no labelled set. */
  unmatchedSetsWithReps: number;
}

/** One row of the accuracy table: an activity × driver group. */
export interface AccuracyRow {
  activity: string;
  driver: string;
  recordings: number;
  sets: number;
  exactSets: number;
  exactPct: number | null;
  /** Sets whose count is within one of the label (the tolerance for real data, where labels are protocol counts). */
  withinOnePct: number | null;
  romReps: number;
  romMaeDeg: number | null;
  forceReps: number;
  peakForceErrPct: number | null;
  cadencePoints: number;
  cadenceMaeSpm: number | null;
  /** Gait recordings with a labelled step total, and the mean absolute error of the implied total, %. */
  stepTotals: number;
  stepTotalErrPct: number | null;
}

/**
 * Scores one analysed recording against its labels.
 * - Sets: each labelled set is matched to the analysed set of the same device that overlaps it most.
 * - Reps: within a matched set, labelled and detected reps are paired one-to-one by greatest time
 *   overlap (intersection over union, greedy); ROM and peak force are compared on pairs.
 * - Cadence: points of each device inside a labelled constant-cadence segment (for the device, when the
 *   label names one), from min(CADENCE_SETTLE_S, half the segment) after its start to its end.
 */
export function evaluateRecording(
  name: string,
  header: RecordingHeader,
  output: AnalyzeOutput,
  labels: RecordingLabels,
): RecordingEvaluation {
  const driverOf = new Map(header.devices.map((d) => [d.id, d.driver]));
  const used = new Set<SetResult>();
  const sets: SetEvaluation[] = [];
  for (const label of labels.sets) {
    const candidate = bestOverlap(
      output.sets.filter((s) => s.device === label.device && !used.has(s)),
      label.startS,
      label.endS,
    );
    if (candidate) used.add(candidate);
    sets.push(evaluateSet(label, candidate, driverOf.get(label.device) ?? 'unknown'));
  }
  const unmatchedSetsWithReps = output.sets.filter((s) => !used.has(s) && s.repCount > 0).length;
  return {
    recording: name,
    sets,
    cadence: evaluateCadence(output.cadence, labels, driverOf),
    steps: evaluateStepTotals(output, labels),
    unmatchedSetsWithReps,
  };
}

/**
 * Steps = ∫ cadence dt over each gait set: each cadence point holds from its time to the next, the
 * first also back to the set's start, the last on to the set's end.
 */
function evaluateStepTotals(output: AnalyzeOutput, labels: RecordingLabels): StepTotalEvaluation[] {
  const labelled = labels.stepCount;
  if (typeof labelled !== 'number' || labelled <= 0) return [];
  const result: StepTotalEvaluation[] = [];
  for (const set of output.sets) {
    const points = output.cadence.filter(
      (p) => p.device === set.device && p.tS >= set.startS && p.tS <= set.endS,
    );
    if (points.length === 0) continue;
    let steps = ((points[0]!.tS - set.startS) * points[0]!.spm) / 60;
    for (let i = 1; i < points.length; i++)
      steps += ((points[i]!.tS - points[i - 1]!.tS) * points[i]!.spm) / 60;
    const last = points[points.length - 1]!;
    steps += ((set.endS - last.tS) * last.spm) / 60;
    const existing = result.find((r) => r.device === set.device);
    if (existing) existing.estimated += steps;
    else result.push({ device: set.device, estimated: steps, labelled, errorPct: 0 });
  }
  for (const r of result) r.errorPct = ((r.estimated - r.labelled) / r.labelled) * 100;
  return result;
}

function labelRepCount(label: LabeledSet): number {
  const count = label.repCount;
  return typeof count === 'number' && label.reps.length === 0 ? count : label.reps.length;
}

function evaluateSet(label: LabeledSet, set: SetResult | null, driver: string): SetEvaluation {
  const expected = labelRepCount(label);
  const detected = set ? set.repCount : 0;
  const romErrorsDeg: number[] = [];
  const peakForceErrorsPct: number[] = [];
  let missedReps = label.reps.length;
  let extraReps = set ? set.reps.length : 0;
  if (set && label.reps.length > 0) {
    const pairs = pairReps(label.reps, set.reps);
    missedReps = label.reps.length - pairs.length;
    extraReps = set.reps.length - pairs.length;
    for (const [truth, found] of pairs) {
      if (truth.romDeg !== null && found.romDeg !== null) romErrorsDeg.push(found.romDeg - truth.romDeg);
      const truthForce = truth.peakForceN;
      if (typeof truthForce === 'number' && truthForce > 0 && found.peakForceN !== null) {
        peakForceErrorsPct.push((Math.abs(found.peakForceN - truthForce) / truthForce) * 100);
      }
    }
  }
  return {
    device: label.device,
    driver,
    activity: label.activity,
    startS: label.startS,
    endS: label.endS,
    labelRepCount: expected,
    detectedRepCount: detected,
    matched: set !== null,
    exact: detected === expected,
    romErrorsDeg,
    peakForceErrorsPct,
    missedReps,
    extraReps,
  };
}

function overlapS(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function bestOverlap(sets: readonly SetResult[], startS: number, endS: number): SetResult | null {
  let best: SetResult | null = null;
  let bestS = 0;
  for (const s of sets) {
    const o = overlapS(s.startS, s.endS, startS, endS);
    if (o > bestS) {
      bestS = o;
      best = s;
    }
  }
  return best;
}

/** One-to-one pairs by greatest intersection over union, greedily. */
function pairReps(truth: readonly LabeledRep[], found: readonly RepResult[]): [LabeledRep, RepResult][] {
  const candidates: { iou: number; i: number; j: number }[] = [];
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    for (let j = 0; j < found.length; j++) {
      const f = found[j]!;
      const inter = overlapS(t.startS, t.endS, f.startS, f.endS);
      if (inter <= 0) continue;
      const union = Math.max(t.endS, f.endS) - Math.min(t.startS, f.startS);
      candidates.push({ iou: inter / union, i, j });
    }
  }
  candidates.sort((a, b) => b.iou - a.iou || a.i - b.i || a.j - b.j);
  const usedT = new Set<number>();
  const usedF = new Set<number>();
  const pairs: [LabeledRep, RepResult][] = [];
  for (const c of candidates) {
    if (usedT.has(c.i) || usedF.has(c.j)) continue;
    usedT.add(c.i);
    usedF.add(c.j);
    pairs.push([truth[c.i]!, found[c.j]!]);
  }
  pairs.sort((a, b) => a[0].startS - b[0].startS);
  return pairs;
}

function evaluateCadence(
  points: readonly CadencePoint[],
  labels: RecordingLabels,
  driverOf: ReadonlyMap<string, string>,
): CadenceEvaluation[] {
  const segments = labels.cadence ?? [];
  if (segments.length === 0) return [];
  const byDevice = new Map<string, CadenceEvaluation>();
  for (const p of points) {
    let entry = byDevice.get(p.device);
    if (!entry) {
      entry = { device: p.device, driver: driverOf.get(p.device) ?? 'unknown', points: 0, errorsSpm: [] };
      byDevice.set(p.device, entry);
    }
    for (const seg of segments) {
      if (seg.device !== undefined && seg.device !== p.device) continue;
      const settleS = Math.min(CADENCE_SETTLE_S, 0.5 * (seg.toS - seg.fromS));
      if (p.tS >= seg.fromS + settleS && p.tS <= seg.toS) {
        entry.points++;
        entry.errorsSpm.push(p.spm - seg.spm);
        break;
      }
    }
  }
  return [...byDevice.values()];
}

const mean = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
const meanAbs = (xs: readonly number[]): number | null => mean(xs.map(Math.abs));

/** The accuracy table: per activity × driver (cadence rows use the run/walk activity of their recording). */
export function summarizeAccuracy(evaluations: readonly RecordingEvaluation[]): AccuracyRow[] {
  interface Acc {
    recordings: Set<string>;
    sets: SetEvaluation[];
    cadence: number[];
    steps: number[];
  }
  const groups = new Map<string, Acc & { activity: string; driver: string }>();
  const group = (activity: string, driver: string) => {
    const key = `${activity}\u0000${driver}`;
    let g = groups.get(key);
    if (!g) {
      g = { activity, driver, recordings: new Set(), sets: [], cadence: [], steps: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const e of evaluations) {
    for (const s of e.sets) {
      const g = group(s.activity, s.driver);
      g.recordings.add(e.recording);
      g.sets.push(s);
    }
    for (const c of e.cadence) {
      const activity = e.sets.find((s) => s.device === c.device)?.activity ?? e.sets[0]?.activity ?? 'run';
      if (c.errorsSpm.length === 0) continue;
      const g = group(activity, c.driver);
      g.recordings.add(e.recording);
      g.cadence.push(...c.errorsSpm);
    }
    for (const st of e.steps) {
      const activity = e.sets.find((s) => s.device === st.device)?.activity ?? e.sets[0]?.activity ?? 'walk';
      const driver = e.sets.find((s) => s.device === st.device)?.driver ?? 'unknown';
      const g = group(activity, driver);
      g.recordings.add(e.recording);
      g.steps.push(st.errorPct);
    }
  }
  const rows: AccuracyRow[] = [];
  for (const g of groups.values()) {
    // Gait sets carry no reps: they are not rep-count rows.
    const repSets = g.sets.filter((s) => s.labelRepCount > 0 || s.detectedRepCount > 0);
    const exactSets = repSets.filter((s) => s.exact).length;
    const withinOne = repSets.filter((s) => Math.abs(s.detectedRepCount - s.labelRepCount) <= 1).length;
    const rom = repSets.flatMap((s) => s.romErrorsDeg);
    const force = repSets.flatMap((s) => s.peakForceErrorsPct);
    rows.push({
      activity: g.activity,
      driver: g.driver,
      recordings: g.recordings.size,
      sets: repSets.length,
      exactSets,
      exactPct: repSets.length > 0 ? (100 * exactSets) / repSets.length : null,
      withinOnePct: repSets.length > 0 ? (100 * withinOne) / repSets.length : null,
      romReps: rom.length,
      romMaeDeg: meanAbs(rom),
      forceReps: force.length,
      peakForceErrPct: mean(force),
      cadencePoints: g.cadence.length,
      cadenceMaeSpm: meanAbs(g.cadence),
      stepTotals: g.steps.length,
      stepTotalErrPct: meanAbs(g.steps),
    });
  }
  rows.sort((a, b) => a.activity.localeCompare(b.activity) || a.driver.localeCompare(b.driver));
  return rows;
}

/** All groups in one row (activity and driver `all`). */
export function overallAccuracy(evaluations: readonly RecordingEvaluation[]): AccuracyRow {
  const merged = evaluations.map((e) => ({
    ...e,
    sets: e.sets.map((s) => ({ ...s, activity: 'all', driver: 'all' })),
    cadence: e.cadence.map((c) => ({ ...c, driver: 'all' })),
    steps: e.steps,
  }));
  const rows = summarizeAccuracy(merged);
  return (
    rows.find((r) => r.activity === 'all') ?? {
      activity: 'all',
      driver: 'all',
      recordings: 0,
      sets: 0,
      exactSets: 0,
      exactPct: null,
      withinOnePct: null,
      romReps: 0,
      romMaeDeg: null,
      forceReps: 0,
      peakForceErrPct: null,
      cadencePoints: 0,
      cadenceMaeSpm: null,
      stepTotals: 0,
      stepTotalErrPct: null,
    }
  );
}
