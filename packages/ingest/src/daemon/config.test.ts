import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';
import { DEFAULT_TUNING, defaultSessionId, parseIngestConfig, sensorsFromDevices } from './config.js';

const sensor = { id: 'L-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'left', name: 'WT901' };

describe('ingest configuration', () => {
  it('accepts a complete configuration and fills the defaults', () => {
    const r = parseIngestConfig({
      session: 'rehab-07',
      subject: 'athlete-07',
      sensors: [
        { ...sensor, config: { rateHz: 100 } },
        {
          id: 'chest',
          driver: 'polar-pmd',
          placement: 'chest',
          side: 'center',
          address: 'A0:9E:1A:8F:93:D2',
        },
      ],
      record: 'out.rec.jsonl',
      server: { url: 'http://127.0.0.1:8080', token: 'abc' },
      tuning: { connectTimeoutMs: 5000, backoff: { initialDelayMs: 500 } },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.sensors[1]!.address).toBe('a0:9e:1a:8f:93:d2');
    expect(r.value.sensors[0]!.config).toEqual({ rateHz: 100 });
    expect(r.value.tuning.connectTimeoutMs).toBe(5000);
    expect(r.value.tuning.backoff).toEqual({ ...DEFAULT_BACKOFF, initialDelayMs: 500 });
    expect(r.value.tuning.silenceTimeoutMs).toBe(DEFAULT_TUNING.silenceTimeoutMs);
    expect(r.value.server).toEqual({ url: 'http://127.0.0.1:8080', token: 'abc' });
  });

  it('reports every problem with the field it is about', () => {
    const r = parseIngestConfig({
      session: 'has space',
      sensors: [
        { ...sensor, side: 'lft' },
        { ...sensor, id: 'x', driver: 'acme-imu', placement: 'knee' },
        { ...sensor, id: 'y', address: 'nope', config: { rateHz: 7 } },
        { ...sensor, id: 'L-shank', colour: 'red' },
      ],
      server: { url: 'ftp://x', token: '' },
      tuning: { backoff: { initialDelayMs: 5000 }, bogus: 1 },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.error.join('\n');
    expect(text).toContain(`session: must be an id of letters, digits, '.', '_' or '-' (got "has space")`);
    expect(text).toContain('sensors[0].side: must be one of left, right, center (got "lft")');
    expect(text).toContain(
      'sensors[1].driver: unknown driver "acme-imu" (known: witmotion-wt901, polar-pmd, tindeq-progressor, ble-rsc)',
    );
    expect(text).toContain(
      'sensors[1].placement: must be one of thigh, shank, foot, pelvis, chest, wrist, handle (got "knee")',
    );
    expect(text).toContain('sensors[2].address: must look like aa:bb:cc:dd:ee:ff (got "nope")');
    expect(text).toMatch(/sensors\[2\]\.config\.rateHz: .*7/);
    expect(text).toContain('sensors[3].colour: unknown field');
    expect(text).toContain('server.url: must be an http(s) URL');
    expect(text).toContain('server.token: required with a server');
    expect(text).toContain('tuning.backoff.initialDelayMs: must be ≤ 1000 ms');
    expect(text).toContain('tuning.bogus: unknown field');
  });

  it('needs somewhere to put the data and at least one sensor', () => {
    const r = parseIngestConfig({ session: 's', sensors: [] });
    expect(r).toEqual({
      ok: false,
      error: [
        'sensors: give at least one sensor {id, driver, placement, side, name or address}',
        'record/server: nothing to do: give a recording path (--record FILE) and/or a server (--server URL)',
      ],
    });
    expect(parseIngestConfig({ session: 's', sensors: [sensor, sensor], record: 'x' })).toMatchObject({
      ok: false,
      error: ['sensors: id "L-shank" is used twice'],
    });
  });

  it('derives sensors from recorded devices with unique ids', () => {
    const d = {
      id: 'L',
      driver: 'witmotion-wt901',
      placement: 'shank' as const,
      side: 'left' as const,
      config: {},
    };
    expect(
      sensorsFromDevices([
        { ...d, address: 'AA:00:00:00:00:01' },
        { ...d, name: 'WT9' },
      ]).map((s) => [s.id, s.address, s.name]),
    ).toEqual([
      ['L', 'aa:00:00:00:00:01', undefined],
      ['L-2', undefined, 'WT9'],
    ]);
    expect(defaultSessionId(new Date('2026-11-20T10:04:05.123Z'))).toBe('session-20261120-100405');
  });
});

describe('reconnect backoff', () => {
  it('starts under a second, doubles and is bounded', () => {
    const delays = Array.from({ length: 10 }, (_, i) => backoffDelayMs(i));
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays.slice(0, 6)).toEqual([250, 500, 1000, 2000, 4000, 8000]);
    expect(Math.max(...delays)).toBe(DEFAULT_BACKOFF.maxDelayMs);
    expect(backoffDelayMs(10_000)).toBe(DEFAULT_BACKOFF.maxDelayMs);
  });
});
