import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelsFormatError } from './errors.js';
import { labelsPathFor, readLabels } from './labels.js';

const dir = mkdtempSync(join(tmpdir(), 'hamstream-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC_EXAMPLE = {
  sets: [
    {
      device: 'L-shank',
      activity: 'prone-hamstring-curl',
      side: 'left',
      startS: 2.0,
      endS: 41.5,
      reps: [{ startS: 3.1, endS: 5.62, romDeg: 85.2, peakForceN: null }],
    },
  ],
  cadence: [
    { fromS: 0, toS: 60, spm: 162.0 },
    { fromS: 60, toS: 120, spm: 170.1 },
  ],
};

let n = 0;
function labelsFile(content: unknown): string {
  const path = join(dir, `l${n++}.labels.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('labelsPathFor', () => {
  it.each([
    [
      'fixtures/recordings/witmotion-wt901/curl.rec.jsonl',
      'fixtures/recordings/witmotion-wt901/curl.labels.json',
    ],
    ['/a/b/run.rec.jsonl.gz', '/a/b/run.labels.json'],
    ['x.jsonl', 'x.labels.json'],
    ['x', 'x.labels.json'],
  ])('%s -> %s', (rec, labels) => {
    expect(labelsPathFor(rec)).toBe(labels);
  });
});

describe('readLabels', () => {
  it('reads the spec example and keeps extra fields', async () => {
    const doc = { ...SPEC_EXAMPLE, provenance: { simulator: { seed: 7 } } };
    expect(await readLabels(labelsFile(doc))).toEqual(doc);
  });

  it.each<[string, unknown, string]>([
    ['not JSON', '{"sets": [', 'not JSON'],
    ['an array', [], 'expected a JSON object'],
    ['no sets', { cadence: [] }, 'sets: must be an array'],
    [
      'a set without device',
      { sets: [{ ...SPEC_EXAMPLE.sets[0], device: undefined }] },
      'sets[0].device: must be a device id',
    ],
    [
      'a bad side',
      { sets: [{ ...SPEC_EXAMPLE.sets[0], side: 'up' }] },
      'sets[0].side: must be one of left, right, center, got "up"',
    ],
    [
      'an end before the start',
      { sets: [{ ...SPEC_EXAMPLE.sets[0], endS: 1 }] },
      'sets[0].endS: ends before it starts (1 < 2)',
    ],
    [
      'a rep without romDeg',
      { sets: [{ ...SPEC_EXAMPLE.sets[0], reps: [{ startS: 3, endS: 4 }] }] },
      'sets[0].reps[0].romDeg: must be a number, got nothing',
    ],
    [
      'a string peak force',
      { sets: [{ ...SPEC_EXAMPLE.sets[0], reps: [{ startS: 3, endS: 4, romDeg: null, peakForceN: '9' }] }] },
      'sets[0].reps[0].peakForceN: must be a number, got "9"',
    ],
    [
      'a cadence without spm',
      { sets: [], cadence: [{ fromS: 0, toS: 1 }] },
      'cadence[0].spm: must be a number',
    ],
    ['a provenance string', { sets: [], provenance: 'sim' }, 'provenance: must be an object'],
  ])('rejects %s, naming the file and the place', async (_name, content, message) => {
    const path = labelsFile(content);
    const e = await readLabels(path).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(LabelsFormatError);
    expect((e as LabelsFormatError).message.startsWith(`${path}: ${message}`)).toBe(true);
  });

  it('a missing file', async () => {
    const path = join(dir, 'none.labels.json');
    await expect(readLabels(path)).rejects.toThrow(`${path}: cannot read (ENOENT)`);
  });
});
