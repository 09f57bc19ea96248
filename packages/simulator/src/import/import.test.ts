import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RecordingLabels } from '@hamstream/core';
import { readLabels, readRecording } from '@hamstream/recording';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../test-paths.js';
import { detectDataset, type ImportResult, importDataset } from './index.js';

const datasets = path.resolve(repoRoot(), '..', 'shared', 'datasets');
const out = mkdtempSync(path.join(tmpdir(), 'hamstream-import-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function requireDatasets(): void {
  if (!existsSync(datasets)) {
    throw new Error(
      `real datasets not found at ${datasets} (expected ../shared/datasets beside the repository root)`,
    );
  }
}

const results = new Map<string, ImportResult>();
beforeAll(async () => {
  requireDatasets();
  for (const d of ['uci_pte_leg_exercises', 'alcantara_sacral_running_grf', 'oxford_stepcounter_walking']) {
    // gzip level 1: these are temporary files; the default (6) is for people keeping them
    results.set(d, await importDataset(path.join(datasets, d), out, { gzipLevel: 1 }));
  }
}, 60_000);

async function check(
  file: ImportResult['files'][number],
  dataset: string,
): Promise<{ labels: RecordingLabels; rec: Awaited<ReturnType<typeof readRecording>> }> {
  const rec = await readRecording(file.recordingPath, { strict: true });
  expect(rec.stats.skippedLines).toBe(0);
  expect(rec.events.length).toBe(file.events);
  for (const d of rec.header.devices) expect(d.driver).toBe('imported');
  const labels = await readLabels(file.labelsPath);
  const prov = labels.provenance as Record<string, unknown>;
  expect(prov.dataset).toBe(dataset);
  expect(prov.source).toBe('imported');
  for (const k of ['citation', 'license', 'repository', 'commit', 'groundTruth', 'conversion'])
    expect(typeof prov[k], k).toBe('string');
  // the provenance repeats what the dataset's README documents
  const readme = readFileSync(path.join(datasets, dataset, 'README.md'), 'utf8');
  expect(readme).toContain(prov.commit as string);
  expect(readme).toContain((prov.license as string).replace('Apache-2.0', 'Apache-2.0'));
  expect(labels.sets.length).toBeGreaterThan(0);
  return { labels, rec };
}

describe('hamstream import (real datasets in ../shared/datasets)', { timeout: 30_000 }, () => {
  it('recognises each dataset folder and rejects others', () => {
    requireDatasets();
    expect(detectDataset(path.join(datasets, 'uci_pte_leg_exercises'))?.id).toBe('uci_pte_leg_exercises');
    expect(detectDataset(path.join(datasets, 'alcantara_sacral_running_grf'))?.id).toBe(
      'alcantara_sacral_running_grf',
    );
    expect(detectDataset(path.join(datasets, 'oxford_stepcounter_walking'))?.id).toBe(
      'oxford_stepcounter_walking',
    );
    expect(detectDataset(datasets)).toBeUndefined();
    return expect(importDataset(datasets, out)).rejects.toThrow(/not a known dataset/);
  });

  it('UCI PTE: 20 sessions, marks at the nominal block starts, 3 × 10 reps, subject 1 with boundaries', async () => {
    const r = results.get('uci_pte_leg_exercises')!;
    expect(r.files).toHaveLength(20);
    for (const f of r.files) {
      // Every file's labels; the full event stream for subject 1 only (parsing all 20 is slow).
      if (!/_s1_/.test(f.name)) {
        const labels = await readLabels(f.labelsPath);
        expect((labels.provenance as Record<string, unknown>).dataset).toBe('uci_pte_leg_exercises');
        expect(labels.sets.every((s) => s.repCount === 10 && s.reps.length === 0)).toBe(true);
        continue;
      }
      const { labels, rec } = await check(f, 'uci_pte_leg_exercises');
      const marks = rec.events.filter((e) => e.type === 'mark');
      expect(marks.map((m) => m.t)).toEqual([0, 100000, 160000]);
      expect(new Set(marks.map((m) => (m.type === 'mark' ? m.activity : '')))).toEqual(
        new Set([rec.header.activity]),
      );
      expect([
        'seated-knee-extension',
        'straight-leg-raise',
        'side-lying-hip-abduction',
        'prone-hip-extension',
      ]).toContain(rec.header.activity);
      expect(rec.header.devices.map((d) => `${d.id}:${d.placement}:${d.side}`)).toEqual([
        'R-shank:shank:right',
        'R-thigh:thigh:right',
        'chest:chest:center',
      ]);
      const devices = new Set(labels.sets.map((s) => s.device));
      expect(devices.has('R-shank')).toBe(true);
      expect(devices.has('R-thigh')).toBe(rec.header.activity !== 'seated-knee-extension');
      for (const s of labels.sets) expect(s.repCount).toBe(10);
      const subject1 = f.name.startsWith('uci-pte_s1_');
      for (const s of labels.sets) expect(s.reps.length).toBe(subject1 ? 10 : 0);
    }
  });

  it('UCI PTE: samples keep the source values (acc m/s², gyro rad/s → deg/s)', async () => {
    const f = results
      .get('uci_pte_leg_exercises')!
      .files.find((x) => x.name === 'uci-pte_s1_e1_seated_knee_extension')!;
    const rec = await readRecording(f.recordingPath);
    const first = rec.events.find((e) => e.type === 'sample' && e.device === 'R-shank');
    // row 1 of s1_e1: acc -9.2683, 2.9811, 0.7382; gyr -0.00840, 0.01070, 0.00765 rad/s
    expect(first?.type === 'sample' && first.acc).toEqual([-9.2683, 2.9811, 0.7382]);
    const g = first?.type === 'sample' ? first.gyro! : [0, 0, 0];
    expect(g[0]).toBeCloseTo((-0.0084 * 180) / Math.PI, 4);
    expect(g[2]).toBeCloseTo((0.00765 * 180) / Math.PI, 4);
    const samples = rec.events.filter((e) => e.type === 'sample' && e.device === 'R-shank');
    expect(samples).toHaveLength(5949);
    expect(samples[1]!.t - samples[0]!.t).toBe(40);
  });

  it('Alcantara: one recording per trial with its force-plate cadence', async () => {
    const r = results.get('alcantara_sacral_running_grf')!;
    expect(r.files).toHaveLength(31);
    const cadenceCsv = readFileSync(
      path.join(datasets, 'alcantara_sacral_running_grf', 'cadence_from_grf.csv'),
      'utf8',
    )
      .trim()
      .split('\n')
      .slice(1);
    for (const f of r.files) {
      const { labels, rec } = await check(f, 'alcantara_sacral_running_grf');
      expect(rec.header.devices[0]!.placement).toBe('pelvis');
      const trial = Number(f.name.replace('alcantara_trial', ''));
      const row = cadenceCsv[trial - 1]!.split(',');
      expect(labels.cadence).toEqual([
        { fromS: Number(row[2]), toS: Number(row[3]), spm: Number(row[6]), device: 'sacrum' },
      ]);
      expect((labels.steps as unknown[]).length).toBe(Number(row[1]));
      expect(rec.events.filter((e) => e.type === 'sample')).toHaveLength(2480);
    }
    // mean vertical ≈ 1 g over whole strides (gravity included)
    const rec = await readRecording(r.files[3]!.recordingPath);
    const v = rec.events.flatMap((e) => (e.type === 'sample' && e.acc ? [e.acc[2]] : []));
    expect(v.reduce((a, b) => a + b, 0) / v.length).toBeGreaterThan(9);
  });

  it('Oxford: six walks with total steps and windowed cadence from the GT device', async () => {
    const r = results.get('oxford_stepcounter_walking')!;
    expect(r.files).toHaveLength(6);
    const summary = readFileSync(path.join(datasets, 'oxford_stepcounter_walking', 'recordings.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    for (const f of r.files) {
      const { labels, rec } = await check(f, 'oxford_stepcounter_walking');
      const row = summary.find((l) => `oxford_${l.split(',')[0]}` === f.name)!.split(',');
      expect(labels.stepCount).toBe(Number(row[5]));
      expect((labels.stepEventsS as number[]).length).toBe(Number(row[5]));
      const cad = labels.cadence!;
      expect(cad.length).toBeGreaterThan(15);
      for (const c of cad) {
        expect(c.toS - c.fromS).toBeCloseTo(10, 6);
        expect(c.spm).toBeGreaterThan(80);
        expect(c.spm).toBeLessThan(140);
      }
      const placement = rec.header.devices[0]!.placement;
      expect(placement).toBe(
        f.name.includes('frontpocket') ? 'thigh' : f.name.includes('backpocket') ? 'pelvis' : 'wrist',
      );
      expect(rec.events.filter((e) => e.type === 'sample').length).toBe(Number(row[2]));
    }
  });
});
