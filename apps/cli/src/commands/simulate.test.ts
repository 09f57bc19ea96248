import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hamstream-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

describe('hamstream simulate', () => {
  it('--list names every scenario, with the demo ones marked', async () => {
    const r = await run(['simulate', '--list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { name: string; demo: boolean; activity: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(16);
    expect(
      rows
        .filter((x) => x.demo)
        .map((x) => x.activity)
        .sort(),
    ).toEqual(['bridge', 'nordic-curl', 'run']);
  });

  it('writes a recording and its labels; the same seed gives the same bytes', async () => {
    const a = join(dir, 'a.rec.jsonl');
    const b = join(dir, 'b.rec.jsonl');
    const r1 = await run([
      'simulate',
      'standing-hamstring-curl_polar-pmd_shank_clean',
      '--seed',
      '5',
      '--duration',
      '40',
      '--out',
      a,
    ]);
    const r2 = await run([
      'simulate',
      'standing-hamstring-curl_polar-pmd_shank_clean',
      '--seed',
      '5',
      '--duration',
      '40',
      '--out',
      b,
    ]);
    expect(r1.code).toBe(0);
    expect(r1.out).toContain('seed 5');
    expect(r2.code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    const labels = JSON.parse(readFileSync(join(dir, 'a.labels.json'), 'utf8')) as {
      sets: unknown[];
      provenance: { seed: number };
    };
    expect(labels.sets.length).toBeGreaterThan(0);
    expect(labels.provenance.seed).toBe(5);
  });

  it('accepts an activity name for its clean scenario', async () => {
    const r = await run([
      'simulate',
      'standing-hamstring-curl',
      '--duration',
      '30',
      '--out',
      join(dir, 'c.rec.jsonl.gz'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('standing-hamstring-curl_witmotion-wt901_shank_clean');
  });

  it('fails with one clear line on bad input', async () => {
    const unknown = await run(['simulate', 'no-such-thing', '--out', join(dir, 'x.rec.jsonl')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^hamstream: unknown scenario "no-such-thing"/);
    expect(unknown.err.trim().split('\n')).toHaveLength(1);
    const noOut = await run(['simulate', 'bridge']);
    expect(noOut.code).toBe(1);
    expect(noOut.err).toContain('--out');
    const badName = await run(['simulate', 'bridge', '--out', join(dir, 'x.json')]);
    expect(badName.err).toContain('.rec.jsonl');
    const badSeed = await run(['simulate', 'bridge', '--seed', 'x', '--out', join(dir, 'x.rec.jsonl')]);
    expect(badSeed.err).toContain('--seed');
  });
});

describe('hamstream import', () => {
  it('refuses a folder that is not a known dataset', async () => {
    const r = await run(['import', dir, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('not a known dataset');
  });

  it('imports a dataset folder (Alcantara: small) with labels', async () => {
    // repository root = four levels above this file; the datasets live beside it in ../shared/datasets
    const repo = fileURLToPath(new URL('../../../../', import.meta.url));
    const root = join(repo, '..', 'shared', 'datasets', 'alcantara_sacral_running_grf');
    if (!existsSync(root)) throw new Error(`real datasets not found at ${root}`);
    const out = join(dir, 'real');
    const r = await run(['import', root, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('alcantara_sacral_running_grf: 31 recording(s)');
    const labels = JSON.parse(
      readFileSync(join(out, 'alcantara_sacral_running_grf', 'alcantara_trial04.labels.json'), 'utf8'),
    ) as {
      cadence: { spm: number }[];
      provenance: { license: string };
    };
    expect(labels.cadence[0]!.spm).toBe(192.57);
    expect(labels.provenance.license).toBe('Apache-2.0');
  });
});
