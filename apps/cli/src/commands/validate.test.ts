import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingHeader } from '@hamstream/core';
import { createRecordingWriter } from '@hamstream/recording';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hamstream-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

const header: RecordingHeader = {
  type: 'header',
  format: 'hamstream.recording',
  version: 1,
  startedAt: '2026-11-20T10:00:00.000Z',
  activity: 'prone-hamstring-curl',
  devices: [
    { id: 'L-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'left', config: { rateHz: 100 } },
    { id: 'pod', driver: 'ble-rsc', placement: 'foot', side: 'right', config: {} },
  ],
};
const H = JSON.stringify(header);
const P = (t: number, data = '5561') =>
  JSON.stringify({ type: 'packet', t, device: 'L-shank', characteristic: 'ffe4', data });

let good = '';
let goodGz = '';
beforeAll(async () => {
  good = join(dir, 'good.rec.jsonl');
  goodGz = join(dir, 'good.rec.jsonl.gz');
  for (const path of [good, goodGz]) {
    const w = await createRecordingWriter(path, header);
    w.write({ type: 'connect', t: 0, device: 'L-shank' });
    w.write({ type: 'mark', t: 2000, activity: 'prone-hamstring-curl', side: 'left' });
    for (let i = 0; i < 50; i++)
      w.write({ type: 'packet', t: 2000 + i * 10, device: 'L-shank', characteristic: 'ffe4', data: '5561' });
    w.write({ type: 'sample', t: 2600, device: 'pod', cadenceSpm: 170 });
    w.write({ type: 'mark', t: 41_500, activity: null });
    await w.close();
  }
});

function text(name: string, lines: string[], end = '\n'): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + end);
  return path;
}

describe('hamstream validate', () => {
  it('summarises valid recordings, plain and gzip', async () => {
    const { code, out, err } = await run(['validate', good, goodGz]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`${good}: ok\n`);
    expect(out).toContain(`${goodGz}: ok (gzip)\n`);
    expect(out).toContain(
      'started 2026-11-20T10:00:00.000Z, duration 41.500 s, activity prone-hamstring-curl',
    );
    expect(out).toContain('55 lines, 54 events, 2 device(s)');
    expect(out).toMatch(/L-shank\s+witmotion-wt901\s+shank\/left\s+connect 1, packet 50/);
    expect(out).toMatch(/pod\s+ble-rsc\s+foot\/right\s+sample 1/);
    expect(out).toContain('marks: 2');
    expect(out).toMatch(/2\.000 s {2}prone-hamstring-curl \(left\)/);
    expect(out).toMatch(/41\.500 s {2}rest/);
    expect(out).toContain('truncated: no');
  });

  it('stops at the first error with FILE:LINE: reason and a non-zero exit', async () => {
    const bad = text('bad-hex.rec.jsonl', [H, P(0), P(1), P(2, '55zz'), P(3, 'zz')]);
    const { code, out, err } = await run(['validate', good, bad]);
    expect(code).toBe(1);
    expect(out).toContain(`${good}: ok`);
    expect(err).toBe(`hamstream: ${bad}:4: bad hex in "data": not hex: "55zz"\n`);
  });

  it('reports a bad header on line 1', async () => {
    const bad = text('no-header.rec.jsonl', [P(0)]);
    const { code, err } = await run(['validate', bad]);
    expect(code).toBe(1);
    expect(err).toBe(`hamstream: ${bad}:1: missing header: line 1 is a "packet" event\n`);
  });

  it('--lenient counts and skips bad lines and exits 0', async () => {
    const bad = text('lenient.rec.jsonl', [H, P(0), 'oops', P(2, '55zz'), P(3), P(1), P(4)]);
    const { code, out } = await run(['validate', '--lenient', bad]);
    expect(code).toBe(0);
    expect(out).toContain(`${bad}: ok with 3 bad line(s) skipped`);
    expect(out).toContain('skipped: 3 line(s) (not-json 1, bad-hex 1, t-backwards 1)');
    expect(out).toMatch(/first at line 3: not JSON/);
  });

  it('--strict makes unknown event types errors', async () => {
    const path = text('ext.rec.jsonl', [
      H,
      P(0),
      JSON.stringify({ type: 'battery', t: 1, device: 'pod', percent: 50 }),
    ]);
    const relaxed = await run(['validate', path]);
    expect(relaxed.code).toBe(0);
    expect(relaxed.out).toContain('ignored: 1 event(s) of unknown types (battery 1)');
    const strict = await run(['validate', '--strict', path]);
    expect(strict.code).toBe(1);
    expect(strict.err).toBe(`hamstream: ${path}:3: unknown event type "battery"\n`);
  });

  it('--known-drivers rejects other drivers', async () => {
    const { code, err } = await run(['validate', '--known-drivers', 'witmotion-wt901, polar-pmd', good]);
    expect(code).toBe(1);
    expect(err).toBe(
      `hamstream: ${good}:1: device "pod": unknown driver "ble-rsc" (known: polar-pmd, witmotion-wt901)\n`,
    );
  });

  it('reports a truncated last line without failing', async () => {
    const path = text('cut.rec.jsonl', [H, P(0), P(1).slice(0, 30)], '');
    const { code, out } = await run(['validate', path]);
    expect(code).toBe(0);
    expect(out).toMatch(/truncated: yes, at line 3: the last line is cut off/);
  });

  it('--json prints one array, including the failing file', async () => {
    const bad = text('json-bad.rec.jsonl', [H, P(5), P(4)]);
    const { code, out, err } = await run(['validate', '--json', good, bad]);
    expect(code).toBe(1);
    expect(err).toBe(`hamstream: ${bad}:3: "t" goes backwards: 4 after 5\n`);
    const doc = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(doc).toHaveLength(2);
    expect(doc[0]).toMatchObject({
      path: good,
      ok: true,
      durationS: 41.5,
      stats: { events: 54, gzip: false },
    });
    expect(doc[1]).toMatchObject({ path: bad, ok: false, error: { line: 3, reasonCode: 't-backwards' } });
  });

  it('names a missing file', async () => {
    const path = join(dir, 'nope.rec.jsonl');
    const { code, err } = await run(['validate', path]);
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`^hamstream: ${path}: cannot open \\(ENOENT`));
  });

  it('has a useful --help', async () => {
    const { code, out } = await run(['validate', '--help']);
    expect(code).toBe(0);
    for (const s of [
      '<recording...>',
      '--lenient',
      '--strict',
      '--json',
      '--known-drivers',
      'default: false',
      'Examples:',
    ]) {
      expect(out).toContain(s);
    }
  });
});
