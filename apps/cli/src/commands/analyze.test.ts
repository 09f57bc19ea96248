import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalyzeOutput } from '@hamstream/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures');
const NORDIC = path.join(
  FIXTURES,
  'nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean.rec.jsonl.gz',
);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hamstream-cli-analyze-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = runCli;

describe('hamstream analyze', () => {
  it('prints exactly the analyze document with --json', async () => {
    const { code, out } = await run(['analyze', '--json', NORDIC]);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as AnalyzeOutput;
    expect(Object.keys(doc).sort()).toEqual(['cadence', 'quality', 'recording', 'sets']);
    expect(doc.recording.devices).toEqual(['R-thigh', 'R-strap']);
    const withReps = doc.sets.filter((s) => s.repCount > 0);
    expect(withReps.map((s) => [s.device, s.repCount])).toEqual([
      ['R-thigh', 5],
      ['R-strap', 5],
      ['R-thigh', 5],
      ['R-strap', 5],
    ]);
    expect(withReps[0]!.reps[0]!.breakDeg).toEqual(expect.any(Number));
    expect(withReps[1]!.reps[0]!.peakForceN).toBeGreaterThan(100);
    expect(out).not.toMatch(/NaN|Infinity/);
  });

  it('prints readable tables without --json', async () => {
    const { code, out } = await run(['analyze', NORDIC]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Sets \(\d+\)$/m);
    expect(out).toMatch(/R-thigh\s+nordic-curl\s+right\s+3\.4\s+56\.0\s+5\s/);
    expect(out).toMatch(/^Quality$/m);
  });

  it('names the file and line of a bad line, and exits non-zero', async () => {
    const file = path.join(tmp, 'bad.rec.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ type: 'header', format: 'hamstream.recording', version: 1, startedAt: '2026-01-01T00:00:00.000Z', devices: [] })}\n{"type":"mark","t":1,"activity":null}\nnot json\n`,
    );
    const { code, out, err } = await run(['analyze', '--json', file]);
    expect(code).not.toBe(0);
    expect(out).toBe('');
    expect(err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: `));
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('rejects a nonsensical --baseline-spm with one line', async () => {
    const { code, err } = await run(['analyze', '--baseline-spm', 'fast', NORDIC]);
    expect(code).not.toBe(0);
    expect(err).toMatch(/--baseline-spm/);
  });
});

describe('hamstream evaluate', () => {
  it('scores labelled recordings per activity and driver', async () => {
    const dir = path.join(tmp, 'eval');
    const sub = path.join(dir, 'nested');
    for (const d of [dir, sub]) rmSync(d, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub, { recursive: true });
    copyFileSync(NORDIC, path.join(sub, path.basename(NORDIC)));
    copyFileSync(
      NORDIC.replace('.rec.jsonl.gz', '.labels.json'),
      path.join(sub, path.basename(NORDIC).replace('.rec.jsonl.gz', '.labels.json')),
    );
    // A recording without labels is not evaluated.
    copyFileSync(NORDIC, path.join(dir, 'unlabelled.rec.jsonl.gz'));
    const { code, out } = await run(['evaluate', dir, '--no-datasets', '--json']);
    expect(code).toBe(0);
    const [report] = JSON.parse(out) as {
      recordings: unknown[];
      rows: { activity: string; driver: string; exactPct: number }[];
    }[];
    expect(report!.recordings).toHaveLength(1);
    expect(report!.rows.map((r) => [r.activity, r.driver, r.exactPct])).toEqual([
      ['nordic-curl', 'tindeq-progressor', 100],
      ['nordic-curl', 'witmotion-wt901', 100],
    ]);
    const text = await run(['evaluate', dir, '--no-datasets']);
    expect(text.out).toMatch(/nordic-curl\s+witmotion-wt901\s+1\s+2\s+2\/2\s+100\.0%/);
  });
});
