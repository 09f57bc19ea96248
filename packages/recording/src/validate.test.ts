import type { RecordingHeader } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { curlHeader } from './test-support/curl-header.js';
import { classifyEventObject, parseEventObject, parseHeaderObject } from './validate.js';

/** A fresh, mutable copy per test (negative tests edit it). */
const header = (): Record<string, unknown> => ({ ...curlHeader() });

const knownDevices = new Set(['L-shank']);

describe('parseEventObject', () => {
  it('accepts every event type of the spec and returns the object itself', () => {
    const events = [
      { type: 'packet', t: 0.5, device: 'L-shank', characteristic: 'ffe4', data: '5561ff00' },
      {
        type: 'packet',
        t: 1,
        device: 'L-shank',
        characteristic: 'fb005c8002e7f3871cad8acd2d8df0c8',
        data: '',
      },
      { type: 'connect', t: 1, device: 'L-shank' },
      { type: 'disconnect', t: 2, device: 'L-shank', reason: 'link lost' },
      { type: 'mark', t: 3, activity: 'nordic-curl', side: 'right' },
      { type: 'mark', t: 4, activity: null },
      { type: 'mark', t: 4, activity: 'some-imported-activity' },
      { type: 'sample', t: 5, device: 'L-shank', acc: [0, 0, 9.81], gyro: [1, 2, 3], sensorT: 12 },
      { type: 'sample', t: 6, device: 'L-shank', forceN: 312.5 },
      { type: 'sample', t: 7, device: 'L-shank', cadenceSpm: 170 },
    ];
    for (const e of events) {
      const r = parseEventObject(e, { knownDevices });
      expect(r).toEqual({ ok: true, value: e });
      if (r.ok) expect(r.value).toBe(e);
    }
  });

  it('keeps unknown fields without interpreting them', () => {
    const e = { type: 'packet', t: 1, device: 'L-shank', characteristic: 'ffe4', data: '00', rssi: -60 };
    expect(parseEventObject(e)).toEqual({ ok: true, value: e });
  });

  it.each([
    ['not-object', [1, 2], /expected a JSON object/],
    ['not-object', null, /expected a JSON object/],
    ['missing-type', { t: 1 }, /missing "type"/],
    ['unexpected-header', header(), /second header/],
    ['bad-t', { type: 'mark', activity: null }, /"t" must be a finite number/],
    ['bad-t', { type: 'mark', t: '1', activity: null }, /"t" must be a finite number/],
    ['bad-t', { type: 'mark', t: null, activity: null }, /"t" must be a finite number/],
    ['bad-device', { type: 'connect', t: 1 }, /"device" must be a device id/],
    ['bad-device', { type: 'sample', t: 1, device: '', forceN: 1 }, /"device" must be a device id/],
    ['unknown-device', { type: 'connect', t: 1, device: 'R-shank' }, /device "R-shank" is not declared/],
    ['bad-field', { type: 'connect', t: 1, device: 'L-shank', reason: 3 }, /"reason" must be a string/],
    [
      'bad-characteristic',
      { type: 'packet', t: 1, device: 'L-shank', characteristic: '2A53', data: '00' },
      /noble UUID/,
    ],
    [
      'bad-characteristic',
      {
        type: 'packet',
        t: 1,
        device: 'L-shank',
        characteristic: '0000ffe5-0000-1000-8000-00805f9a34fb',
        data: '00',
      },
      /noble UUID/,
    ],
    [
      'bad-hex',
      { type: 'packet', t: 1, device: 'L-shank', characteristic: 'ffe4', data: 'abc' },
      /odd number/,
    ],
    ['bad-hex', { type: 'packet', t: 1, device: 'L-shank', characteristic: 'ffe4', data: 'AB' }, /uppercase/],
    ['bad-hex', { type: 'packet', t: 1, device: 'L-shank', characteristic: 'ffe4', data: '0g' }, /not hex/],
    [
      'bad-hex',
      { type: 'packet', t: 1, device: 'L-shank', characteristic: 'ffe4', data: '00 11' },
      /not hex/,
    ],
    [
      'bad-hex',
      { type: 'packet', t: 1, device: 'L-shank', characteristic: 'ffe4' },
      /"data" must be a hex string/,
    ],
    ['bad-field', { type: 'mark', t: 1 }, /"activity" must be an activity name or null/],
    ['bad-field', { type: 'mark', t: 1, activity: '' }, /"activity"/],
    [
      'bad-field',
      { type: 'mark', t: 1, activity: null, side: 'up' },
      /"side" must be one of left, right, center/,
    ],
    ['bad-field', { type: 'sample', t: 1, device: 'L-shank', acc: [1, 2] }, /"acc" must be \[x, y, z\]/],
    ['bad-field', { type: 'sample', t: 1, device: 'L-shank', gyro: [1, 2, '3'] }, /"gyro" must be/],
    [
      'bad-field',
      { type: 'sample', t: 1, device: 'L-shank', forceN: 'x' },
      /"forceN" must be a finite number/,
    ],
    ['bad-field', { type: 'sample', t: 1, device: 'L-shank' }, /needs at least one of/],
  ])('rejects %s: %j', (code, value, message) => {
    const c = classifyEventObject(value, { knownDevices });
    expect(c.kind).toBe('invalid');
    if (c.kind === 'invalid') {
      expect(c.issue.code).toBe(code);
      expect(c.issue.message).toMatch(message);
    }
    const r = parseEventObject(value, { knownDevices });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('treats unknown types as ignorable, unless strict', () => {
    const e = { type: 'battery', t: 1, device: 'L-shank', percent: 80 };
    expect(classifyEventObject(e)).toEqual({ kind: 'unknown-type', type: 'battery' });
    const strict = classifyEventObject(e, { strict: true });
    expect(strict.kind === 'invalid' && strict.issue.code).toBe('unknown-type');
    // parseEventObject has no typed event to return either way
    expect(parseEventObject(e)).toEqual({ ok: false, error: 'unknown event type "battery"' });
  });

  it('accepts any device when no device list is given', () => {
    expect(parseEventObject({ type: 'connect', t: 1, device: 'anything' }).ok).toBe(true);
  });

  it('cuts long values short in messages', () => {
    const r = parseEventObject({
      type: 'packet',
      t: 1,
      device: 'd',
      characteristic: 'ffe4',
      data: 'x'.repeat(10_000),
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeLessThan(120);
  });
});

describe('parseHeaderObject', () => {
  it('accepts the spec example and keeps unknown fields', () => {
    const h = { ...header(), sessionNote: 'kept' };
    const r = parseHeaderObject(h);
    expect(r).toEqual({ ok: true, value: h });
  });

  it('fills a missing device config with {} without touching the input', () => {
    const h = header();
    const devices = h.devices as Record<string, unknown>[];
    delete devices[0]!.config;
    const r = parseHeaderObject(h);
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.value as RecordingHeader).devices[0]!.config).toEqual({});
    expect(devices[0]!.config).toBeUndefined();
  });

  it('checks drivers only when a driver list is given', () => {
    const knownDrivers = new Set(['polar-pmd', 'ble-rsc']);
    const r = parseHeaderObject(header(), { knownDrivers });
    expect(r).toEqual({
      ok: false,
      error: 'device "L-shank": unknown driver "witmotion-wt901" (known: ble-rsc, polar-pmd)',
    });
    expect(parseHeaderObject(header(), { knownDrivers: new Set(['witmotion-wt901']) }).ok).toBe(true);
  });

  const withDevice = (patch: Record<string, unknown>) => {
    const h = header();
    const d = (h.devices as Record<string, unknown>[])[0]!;
    Object.assign(d, patch);
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete d[k];
    return h;
  };

  it.each([
    ['an event', { type: 'packet', t: 0 }, /missing header: line 1 is a "packet" event/],
    ['no type', { format: 'hamstream.recording' }, /missing header/],
    ['an array', [], /expected the header object/],
    ['another format', { ...header(), format: 'other' }, /"format" must be "hamstream.recording"/],
    ['version 2', { ...header(), version: 2 }, /unsupported version 2/],
    [
      'a local time',
      { ...header(), startedAt: '2026-11-20T10:00:00' },
      /"startedAt" must be an ISO 8601 UTC/,
    ],
    ['a date only', { ...header(), startedAt: '2026-11-20' }, /"startedAt"/],
    ['an impossible date', { ...header(), startedAt: '2026-13-45T10:00:00Z' }, /"startedAt"/],
    ['a numeric subject', { ...header(), subject: 7 }, /"subject" must be a string/],
    ['an empty activity', { ...header(), activity: '' }, /"activity"/],
    ['no devices', { ...header(), devices: undefined }, /"devices" must be an array/],
    ['a device that is not an object', { ...header(), devices: ['x'] }, /devices\[0\] must be an object/],
    ['a device without id', withDevice({ id: undefined }), /devices\[0\]\.id/],
    ['a device without driver', withDevice({ driver: undefined }), /device "L-shank": "driver"/],
    ['a bad placement', withDevice({ placement: 'knee' }), /"placement" must be one of thigh, shank/],
    ['a bad side', withDevice({ side: 'both' }), /"side" must be one of left, right, center/],
    ['a numeric name', withDevice({ name: 5 }), /"name" must be a string/],
    ['a config array', withDevice({ config: [] }), /"config" must be an object/],
    ['a zero rate', withDevice({ config: { rateHz: 0 } }), /config\.rateHz must be a positive number/],
    ['a bad cadence unit', withDevice({ config: { cadenceUnit: 'feet' } }), /config\.cadenceUnit/],
    ['bad measurements', withDevice({ config: { measurements: 'acc' } }), /config\.measurements/],
  ])('rejects %s', (_name, value, message) => {
    const r = parseHeaderObject(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('rejects duplicate device ids', () => {
    const h = header();
    const d = (h.devices as Record<string, unknown>[])[0]!;
    h.devices = [d, { ...d, side: 'right' }];
    expect(parseHeaderObject(h)).toEqual({ ok: false, error: 'device "L-shank": duplicate device id' });
  });
});
