import type { AnalyzeOutput } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer.js';
import { loadFixture } from '../test-support/fixture.js';
import { roundAnalyzeOutput } from './round.js';

function analyze(name: string): AnalyzeOutput {
  const { header, events } = loadFixture(name);
  const analyzer = createAnalyzer(header, { display: false });
  for (const e of events) analyzer.push(e);
  analyzer.finish();
  return roundAnalyzeOutput(analyzer.output());
}

const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown) => v === null || isNum(v);

/** Every key of `obj` that is not one of the spec's (or a declared extension) fails the test. */
function onlyKeys(obj: object, spec: readonly string[], extensions: readonly string[] = []): void {
  for (const k of Object.keys(obj)) expect([...spec, ...extensions], `unexpected key ${k}`).toContain(k);
  for (const k of spec) expect(obj, `missing key ${k}`).toHaveProperty(k);
}

/** Every number in the document has at most `decimals` places and is finite. */
function walkNumbers(v: unknown, visit: (n: number) => void): void {
  if (typeof v === 'number') visit(v);
  else if (Array.isArray(v)) for (const x of v) walkNumbers(x, visit);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) walkNumbers(x, visit);
}

describe.each([
  'nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean.rec.jsonl.gz',
  'run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_hard.rec.jsonl.gz',
])('analyze output matches spec/analyze-output.md: %s', (name) => {
  const { header } = loadFixture(name);
  const out = analyze(name);

  it('has exactly the spec’s top level and recording block', () => {
    onlyKeys(out, ['recording', 'sets', 'cadence', 'quality'], ['asymmetry']);
    onlyKeys(out.recording, ['startedAt', 'durationS', 'devices']);
    expect(out.recording.startedAt).toBe(header.startedAt);
    expect(isNum(out.recording.durationS) && out.recording.durationS > 0).toBe(true);
    expect(out.recording.devices).toEqual(header.devices.map((d) => d.id));
  });

  it('lists sets with typed fields and reps with number-or-null figures', () => {
    expect(out.sets.length).toBeGreaterThan(0);
    for (const s of out.sets) {
      onlyKeys(s, ['device', 'activity', 'side', 'startS', 'endS', 'repCount', 'reps'], ['summary']);
      expect(out.recording.devices).toContain(s.device);
      expect(typeof s.activity).toBe('string');
      expect([null, 'left', 'right', 'center']).toContain(s.side);
      expect(isNum(s.startS) && isNum(s.endS) && s.endS >= s.startS).toBe(true);
      expect(s.repCount).toBe(s.reps.length);
      for (const r of s.reps) {
        onlyKeys(
          r,
          ['startS', 'endS', 'romDeg', 'peakDeg', 'concentricS', 'eccentricS', 'holdS', 'peakForceN'],
          ['breakDeg', 'rfd100NPerS', 'rfd200NPerS', 'impulseNs'],
        );
        expect(isNum(r.startS) && isNum(r.endS) && r.endS > r.startS).toBe(true);
        for (const k of ['romDeg', 'peakDeg', 'concentricS', 'eccentricS', 'holdS', 'peakForceN'] as const) {
          expect(isNumOrNull(r[k]), k).toBe(true);
        }
      }
      if (s.activity === 'run') expect(s.repCount).toBe(0);
    }
  });

  it('gives cadence points and quality per device', () => {
    for (const c of out.cadence) {
      onlyKeys(c, ['device', 'tS', 'spm'], ['changePct']);
      expect(isNum(c.tS) && isNum(c.spm)).toBe(true);
    }
    expect(out.quality.map((q) => q.device)).toEqual(header.devices.map((d) => d.id));
    for (const q of out.quality) {
      onlyKeys(
        q,
        ['device', 'packets', 'samples', 'gaps', 'lostSamples', 'decodeErrors', 'rateHz'],
        ['disconnects'],
      );
      for (const k of ['packets', 'samples', 'gaps', 'lostSamples', 'decodeErrors'] as const) {
        expect(Number.isInteger(q[k]) && q[k] >= 0, k).toBe(true);
      }
      expect(isNumOrNull(q.rateHz)).toBe(true);
    }
  });

  it('has only finite numbers, rounded to 3 decimals, and survives JSON unchanged', () => {
    walkNumbers(out, (n) => {
      expect(Number.isFinite(n)).toBe(true);
      expect(Math.abs(n * 1000 - Math.round(n * 1000))).toBeLessThan(1e-6);
    });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});

describe('cadence output', () => {
  it('has at least one point per second of run data per device, computed from data up to tS', () => {
    const out = analyze('run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_clean.rec.jsonl.gz');
    for (const device of ['R-shank', 'chest', 'R-foot']) {
      const pts = out.cadence.filter((c) => c.device === device);
      expect(pts.length).toBeGreaterThan(100);
      for (let i = 1; i < pts.length; i++) {
        expect(pts[i]!.tS).toBeGreaterThanOrEqual(pts[i - 1]!.tS);
        expect(pts[i]!.tS - pts[i - 1]!.tS).toBeLessThanOrEqual(1.05);
      }
    }
  });
});
