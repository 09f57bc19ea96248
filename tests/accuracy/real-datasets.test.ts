/**
 * Accuracy on real recordings made by others (../shared/datasets, read each README), converted by the
 * same importers as `hamstream import` (kept in memory rather than written and read back) and analysed
 * as `hamstream analyze` does.
 * Their ground truth is coarser than a simulator's, so each gets the tolerance its README supports:
 *
 * - UCI PTE leg exercises (25 Hz, 30 reps per session in 3 blocks of 10: correct, too fast, low
 *   amplitude; block starts are nominal marks). The README: a crude peak count finds 10/10/10 in most
 *   blocks, 9 in a few, 7 once, and subjects did not always execute as instructed; per-rep truth exists
 *   for one subject only (third-party). Asserted: |count − 10| ≤ 1 on ≥ 90 % of the labelled blocks
 *   (each moving sensor's count per block).
 * - Alcantara treadmill running (sacral accelerometer, 500 Hz, 4.96 s trials; cadence from force-plate
 *   contacts over the trial). Asserted: the last cadence of each trial — computed over all of its data,
 *   like the force-plate cadence — within 2 steps/min, every trial.
 * - Oxford step counter walking (phone, ~100 Hz irregular; truth: a separate step counter, cadence over
 *   10 s windows of its logged step times, which may lag heel strikes). Asserted: cadence within a few %:
 *   mean absolute error ≤ 3 % of the labelled cadence over all windows, and per recording the median
 *   window error ≤ 3 %. Step totals implied by integrating cadence are printed by `hamstream evaluate`
 *   but not asserted: a few windows locked on a harmonic at the start or end of a walk dominate them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { overallAccuracy } from '@hamstream/engine';
import { detectDataset } from '@hamstream/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATASETS_DIR, type Evaluated, evaluateEvents } from './support.js';

const results = new Map<string, Evaluated[]>();

async function load(dataset: string): Promise<Evaluated[]> {
  const src = path.join(DATASETS_DIR, dataset);
  if (!existsSync(src))
    throw new Error(`real dataset missing: ${src} (expected ../shared/datasets beside the repository)`);
  const importer = detectDataset(src);
  if (!importer) throw new Error(`${src}: not recognised by any importer`);
  const out: Evaluated[] = [];
  for await (const { name, recording } of importer.recordings(src)) {
    out.push(evaluateEvents(name, recording.header, recording.events, recording.labels));
  }
  return out;
}

beforeAll(async () => {
  for (const d of ['uci_pte_leg_exercises', 'alcantara_sacral_running_grf', 'oxford_stepcounter_walking']) {
    results.set(d, await load(d));
  }
}, 180_000);

describe('UCI PTE leg exercises: rep counts', () => {
  it('counts 10 ± 1 reps in at least 90 % of the blocks', () => {
    const evaluated = results.get('uci_pte_leg_exercises')!;
    expect(evaluated.length).toBe(20);
    const blocks = evaluated.flatMap((e) => e.evaluation.sets);
    expect(blocks.length).toBeGreaterThanOrEqual(100);
    for (const b of blocks) expect(b.labelRepCount).toBe(10);
    const within = blocks.filter((b) => Math.abs(b.detectedRepCount - 10) <= 1).length;
    expect(within / blocks.length).toBeGreaterThanOrEqual(0.9);
    expect(overallAccuracy(evaluated.map((e) => e.evaluation)).withinOnePct).toBeGreaterThanOrEqual(90);
  });

  it('finds smaller ROM in the low-amplitude block than in the correct one (no angle truth exists)', () => {
    let smaller = 0;
    let compared = 0;
    for (const e of results.get('uci_pte_leg_exercises')!) {
      for (const device of ['R-shank', 'R-thigh']) {
        const sets = e.output.sets.filter((s) => s.device === device && s.repCount >= 5);
        const correct = sets.find((s) => s.startS < 50);
        const low = sets.find((s) => s.startS >= 160);
        if (!correct?.summary?.romMeanDeg || !low?.summary?.romMeanDeg) continue;
        compared++;
        if (low.summary.romMeanDeg < correct.summary.romMeanDeg) smaller++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(15);
    expect(smaller / compared).toBeGreaterThanOrEqual(0.9);
  });
});

describe('Alcantara treadmill running: cadence', () => {
  it('ends each 5 s trial within 2 steps/min of the force-plate cadence', () => {
    const evaluated = results.get('alcantara_sacral_running_grf')!;
    expect(evaluated.length).toBe(31);
    for (const e of evaluated) {
      const truth = e.labels.cadence![0]!.spm;
      const points = e.output.cadence;
      expect(points.length, e.file).toBeGreaterThan(0);
      const last = points[points.length - 1]!;
      expect(Math.abs(last.spm - truth), `${e.file}: ${last.spm} vs ${truth}`).toBeLessThanOrEqual(2);
    }
  });
});

describe('Oxford step counter walking: cadence', () => {
  it('tracks the walking cadence within a few %', () => {
    const evaluated = results.get('oxford_stepcounter_walking')!;
    expect(evaluated.length).toBe(6);
    let sumRel = 0;
    let n = 0;
    for (const e of evaluated) {
      const meanTruth = e.labels.cadence!.reduce((a, c) => a + c.spm, 0) / e.labels.cadence!.length;
      const errors = e.evaluation.cadence.flatMap((c) => c.errorsSpm).map((x) => Math.abs(x) / meanTruth);
      expect(errors.length, e.file).toBeGreaterThan(50);
      const sorted = [...errors].sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length / 2)]!, e.file).toBeLessThanOrEqual(0.03);
      sumRel += errors.reduce((a, b) => a + b, 0);
      n += errors.length;
    }
    expect(sumRel / n).toBeLessThanOrEqual(0.03);
  });
});
