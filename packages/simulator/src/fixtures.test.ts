import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { KNOWN_ACTIVITIES, type RecordingLabels } from '@hamstream/core';
import { readLabels, readRecording } from '@hamstream/recording';
import { KNOWN_DRIVER_IDS } from '@hamstream/sensors';
import { describe, expect, it } from 'vitest';
import { fixturesReadme } from './fixtures-readme.js';
import { generateScenario, SCENARIOS } from './scenarios.js';
import { repoRoot } from './test-paths.js';
import { decodeRecordingEvents, romFromGyro, seriesTimesS } from './verify.js';
import { labelsText, recordingText } from './write.js';

const fixturesDir = path.join(repoRoot(), 'fixtures');
const fixturePath = (name: string): string => path.join(fixturesDir, `${name}.rec.jsonl.gz`);

async function load(name: string) {
  const rec = await readRecording(fixturePath(name), {
    strict: true,
    knownDrivers: new Set(KNOWN_DRIVER_IDS),
  });
  const labels: RecordingLabels = await readLabels(path.join(fixturesDir, `${name}.labels.json`));
  return { ...rec, labels, decoded: decodeRecordingEvents(rec.header, rec.events) };
}

const clean = SCENARIOS.filter((s) => s.difficulty === 'clean').map((s) => s.name);
const all = SCENARIOS.map((s) => s.name);

describe('fixture library', { timeout: 30_000 }, () => {
  it('has every scenario committed, with labels, and nothing else; README lists each; < 20 MB', () => {
    const files = readdirSync(fixturesDir);
    const recs = files.filter((f) => f.endsWith('.rec.jsonl.gz')).map((f) => f.replace('.rec.jsonl.gz', ''));
    expect(recs.sort()).toEqual([...all].sort());
    for (const name of all) expect(files).toContain(`${name}.labels.json`);
    expect(readFileSync(path.join(fixturesDir, 'README.md'), 'utf8')).toBe(fixturesReadme());
    const bytes = files.reduce((s, f) => s + statSync(path.join(fixturesDir, f)).size, 0);
    expect(bytes).toBeLessThan(20e6);
  });

  it('covers every activity of the format and every driver', () => {
    const activities = new Set(SCENARIOS.map((s) => s.activity));
    for (const a of KNOWN_ACTIVITIES) {
      expect(activities).toContain(a);
      expect(SCENARIOS.some((s) => s.activity === a && s.difficulty === 'clean')).toBe(true);
      expect(SCENARIOS.some((s) => s.activity === a && s.difficulty === 'hard')).toBe(true);
      expect(SCENARIOS.some((s) => s.activity === a && s.devices.some((d) => d.kind === 'witmotion'))).toBe(
        true,
      );
    }
    const kinds = new Set(SCENARIOS.flatMap((s) => s.devices.map((d) => d.kind)));
    expect([...kinds].sort()).toEqual(['polar', 'rsc', 'tindeq', 'witmotion']);
  });

  // Regenerating must give the committed bytes: the library is reproducible from code + seeds.
  it.each([
    'standing-hamstring-curl_polar-pmd_shank_clean',
    'standing-hamstring-curl_polar-pmd_shank_hard',
    'prone-hamstring-curl_witmotion-wt901_shank_clean',
  ])('committed %s equals a fresh generation', (name) => {
    const rec = generateScenario(name);
    expect(gunzipSync(readFileSync(fixturePath(name))).toString('utf8')).toBe(recordingText(rec));
    expect(readFileSync(path.join(fixturesDir, `${name}.labels.json`), 'utf8')).toBe(labelsText(rec.labels));
  });

  it.each(clean)('%s: every packet decodes through the real driver without a single error', async (name) => {
    const { decoded, header } = await load(name);
    expect(decoded.size).toBe(header.devices.length);
    for (const d of decoded.values()) {
      expect(d.errors, `${d.device}`).toEqual([]);
      expect(d.decodeErrors).toBe(0);
      expect(d.packets).toBeGreaterThan(10);
      const samples = d.acc.count + d.force.count + d.cadence.count;
      expect(samples, d.device).toBeGreaterThan(50);
    }
  });

  it.each(clean)('%s: integrating the decoded gyro reproduces every labelled ROM within 1°', async (name) => {
    const { decoded, labels } = await load(name);
    let checked = 0;
    for (const d of decoded.values()) {
      if (d.gyro.count === 0) continue;
      const sets = labels.sets.filter((s) => s.device === d.device && s.reps.some((r) => r.romDeg !== null));
      const checks = romFromGyro(d, sets as never);
      for (const c of checks)
        expect(Math.abs(c.gyroRomDeg - c.labelRomDeg), `${d.device} rep at ${c.startS}s`).toBeLessThan(1);
      checked += checks.length;
    }
    const labelled = labels.sets.flatMap((s) => s.reps).filter((r) => r.romDeg !== null).length;
    expect(checked).toBe(labelled);
  });

  it.each(clean)('%s: the accelerometer reads 1 g (9.81 m/s²) while the subject is still', async (name) => {
    const { decoded } = await load(name);
    for (const d of decoded.values()) {
      if (d.acc.count === 0) continue;
      const t = seriesTimesS(d.acc);
      let n = 0;
      let sum = 0;
      for (let i = 0; i < d.acc.count && t[i]! < t[0]! + 1.0; i++) {
        sum += Math.hypot(d.acc.values[3 * i]!, d.acc.values[3 * i + 1]!, d.acc.values[3 * i + 2]!);
        n++;
      }
      expect(n, d.device).toBeGreaterThan(10);
      // within 1 %: a calibrated unit keeps a few mg of bias and ~0.2 % scale error
      expect(Math.abs(sum / n - 9.80665), d.device).toBeLessThan(0.1);
    }
  });

  it.each(clean.filter((n) => n.includes('tindeq')))(
    '%s: the gauge peak in every labelled rep matches peakForceN within 1 %',
    async (name) => {
      const { decoded, labels } = await load(name);
      const sets = labels.sets.filter((s) => s.reps.some((r) => typeof r.peakForceN === 'number'));
      expect(sets.length).toBeGreaterThan(0);
      for (const set of sets) {
        const d = decoded.get(set.device)!;
        const t = seriesTimesS(d.force);
        for (const rep of set.reps) {
          let peak = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < d.force.count; i++)
            if (t[i]! >= rep.startS && t[i]! <= rep.endS) peak = Math.max(peak, d.force.values[i]!);
          expect(Math.abs(peak - (rep.peakForceN as number)) / (rep.peakForceN as number)).toBeLessThan(0.01);
        }
      }
    },
  );

  it('run (clean): the footpod cadence follows the labelled cadence, including the +5 % block', async () => {
    const { decoded, labels } = await load('run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_clean');
    const pod = decoded.get('R-foot')!;
    const segs = labels.cadence!;
    expect(segs).toHaveLength(3);
    expect(segs[1]!.spm / segs[0]!.spm).toBeCloseTo(1.05, 3);
    for (const seg of segs) {
      // steady state: skip the ramp and the pod's averaging window
      const vals = pod.cadence.values.filter(
        (_, i) =>
          pod.cadence.packetTMs[i]! / 1000 > seg.fromS + 10 && pod.cadence.packetTMs[i]! / 1000 < seg.toS,
      );
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      expect(vals.length).toBeGreaterThan(20);
      expect(Math.abs(mean - seg.spm)).toBeLessThan(1);
    }
  });

  it.each(all)(
    '%s: labels are consistent with the recording (sets inside marks, reps inside sets)',
    async (name) => {
      const { events, labels, header } = await load(name);
      const ids = new Set(header.devices.map((d) => d.id));
      const marks = events.filter((e) => e.type === 'mark');
      expect(labels.provenance?.scenario).toBe(name);
      expect(labels.sets.length).toBeGreaterThan(0);
      for (const s of labels.sets) {
        expect(ids.has(s.device)).toBe(true);
        const start = marks.find((m) => Math.abs(m.t / 1000 - s.startS) < 0.002);
        expect(start && start.type === 'mark' ? start.activity : undefined).toBe(s.activity);
        expect(
          marks.some(
            (m) => m.type === 'mark' && m.activity === null && Math.abs(m.t / 1000 - s.endS) < 0.002,
          ),
        ).toBe(true);
        expect(s.repCount).toBe(s.reps.length);
        for (const r of s.reps) {
          expect(r.startS).toBeGreaterThanOrEqual(s.startS);
          expect(r.endS).toBeLessThanOrEqual(s.endS);
          expect(r.endS).toBeGreaterThan(r.startS);
          if (r.romDeg !== null) expect(r.romDeg).toBeGreaterThan(1);
        }
      }
    },
  );
});
