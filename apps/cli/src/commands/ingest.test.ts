import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecording } from '@hamstream/recording';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hamstream-ingest-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIXTURE = fileURLToPath(
  new URL('../../../../fixtures/standing-hamstring-curl_polar-pmd_shank_clean.rec.jsonl.gz', import.meta.url),
);

const run = runCli;

describe('hamstream ingest', () => {
  it('without Bluetooth: one clear line saying what is missing and how to fix it, non-zero exit', async () => {
    const { code, err, out } = await run(['ingest']);
    expect(code).not.toBe(0);
    expect(out).toBe('');
    const lines = err.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hamstream: .*Bluetooth.*/);
    expect(lines[0]).toMatch(/virtual:/);
  });

  it('replays a recording through the virtual adapter and records the same packets', async () => {
    const out = join(dir, 'replay.rec.jsonl');
    const { code, out: stdout } = await run([
      'ingest',
      '--adapter',
      `virtual:${FIXTURE}`,
      '--speed',
      '100',
      '--record',
      out,
      '--quiet',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/stopped: source ended/);
    const original = await readRecording(FIXTURE);
    const recorded = await readRecording(out);
    const packets = (events: typeof original.events) =>
      events.flatMap((e) => (e.type === 'packet' ? [`${e.device}/${e.characteristic}/${e.data}`] : []));
    expect(packets(recorded.events)).toEqual(packets(original.events));
    expect(recorded.header.devices.map((d) => [d.id, d.driver, d.placement, d.side])).toEqual(
      original.header.devices.map((d) => [d.id, d.driver, d.placement, d.side]),
    );
    // Never overwrites a recording silently.
    const again = await run(['ingest', '--adapter', `virtual:${FIXTURE}`, '--record', out]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /exists: choose another --record path, add --resume to continue it, or --overwrite/,
    );
  }, 20_000);

  it('names the field of an invalid configuration', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(
      config,
      JSON.stringify({
        session: 'x',
        sensors: [{ id: 'L-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'lft', name: 'WT' }],
      }),
    );
    const { code, err } = await run([
      'ingest',
      '--adapter',
      `virtual:${FIXTURE}`,
      '--config',
      config,
      '--record',
      join(dir, 'never.rec.jsonl'),
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/sensors\[0\]\.side: must be one of left, right, center \(got "lft"\)/);
  });

  it('documents itself', async () => {
    const { code, out } = await run(['ingest', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--adapter',
      '--speed',
      '--loop',
      '--drop',
      '--disconnect-every',
      '--record',
      '--server',
      '--token',
      '--session',
    ]) {
      expect(out).toContain(flag);
    }
    expect(out).toMatch(/Examples:/);
  });
});

describe('hamstream scan', () => {
  it('lists the supported sensors the adapter sees', async () => {
    const { code, out } = await run([
      'scan',
      '--adapter',
      `virtual:${FIXTURE}`,
      '--duration',
      '0.3',
      '--json',
    ]);
    expect(code).toBe(0);
    const entries = JSON.parse(out) as { driver: string; name: string; address: string; rssi: number }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ driver: 'polar-pmd', address: 'a0:9e:1a:d5:b8:31' });
    expect(entries[0]!.name).toMatch(/^Polar/);
    expect(entries[0]!.rssi).toBeLessThan(0);
  });

  it('without Bluetooth: one clear line, non-zero exit', async () => {
    const { code, err } = await run(['scan', '--duration', '1']);
    expect(code).toBe(1);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(/Bluetooth/);
  });
});
