import type { RecordingEvent, RecordingHeader, RecordingLine } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { canonicalJson, serializeRecordingLine } from './serialize.js';
import { curlHeader } from './test-support/curl-header.js';

const header: RecordingHeader = curlHeader();

describe('serializeRecordingLine', () => {
  it('writes the header in the spec order, type first', () => {
    expect(serializeRecordingLine(header)).toBe(
      '{"type":"header","format":"hamstream.recording","version":1,"startedAt":"2026-11-20T10:00:00.000Z",' +
        '"subject":"athlete-07","activity":"prone-hamstring-curl","devices":[{"id":"L-shank",' +
        '"driver":"witmotion-wt901","placement":"shank","side":"left","name":"WT901BLE67",' +
        '"address":"c1:22:33:44:55:66","config":{"rateHz":100}}]}',
    );
  });

  it.each<[RecordingEvent, string]>([
    [
      { data: 'ff', characteristic: 'ffe4', device: 'L-shank', t: 1.25, type: 'packet' },
      '{"type":"packet","t":1.25,"device":"L-shank","characteristic":"ffe4","data":"ff"}',
    ],
    [
      { reason: 'timeout', device: 'L-shank', type: 'disconnect', t: 2 },
      '{"type":"disconnect","t":2,"device":"L-shank","reason":"timeout"}',
    ],
    [{ type: 'connect', t: 0, device: 'L-shank' }, '{"type":"connect","t":0,"device":"L-shank"}'],
    [
      { side: 'left', activity: null, t: 3, type: 'mark' },
      '{"type":"mark","t":3,"activity":null,"side":"left"}',
    ],
    [
      { forceN: 12.5, acc: [0, -1.5, 9.81], t: 4, device: 'x', type: 'sample', sensorT: 99 },
      '{"type":"sample","t":4,"device":"x","acc":[0,-1.5,9.81],"forceN":12.5,"sensorT":99}',
    ],
  ])('writes %j in the spec order', (event, line) => {
    expect(serializeRecordingLine(event)).toBe(line);
    expect(JSON.parse(line)).toEqual(event);
  });

  it('gives the same bytes whatever the key insertion order', () => {
    const a = {
      type: 'packet',
      t: 1,
      device: 'd',
      characteristic: 'ffe4',
      data: '00',
      zeta: 1,
      alpha: { b: 2, a: 1 },
    };
    const b = {
      alpha: { a: 1, b: 2 },
      zeta: 1,
      data: '00',
      characteristic: 'ffe4',
      device: 'd',
      t: 1,
      type: 'packet',
    };
    const sa = serializeRecordingLine(a as unknown as RecordingLine);
    expect(sa).toBe(serializeRecordingLine(b as unknown as RecordingLine));
    expect(sa).toBe(
      '{"type":"packet","t":1,"device":"d","characteristic":"ffe4","data":"00","alpha":{"a":1,"b":2},"zeta":1}',
    );
  });

  it('skips undefined optional fields and escapes strings', () => {
    const e: RecordingEvent = { type: 'connect', t: 1, device: 'a"b\n', reason: undefined };
    expect(serializeRecordingLine(e)).toBe('{"type":"connect","t":1,"device":"a\\"b\\n"}');
  });

  it('keeps unknown record types, type first', () => {
    const line = { t: 5, type: 'battery', percent: 80 } as unknown as RecordingLine;
    expect(serializeRecordingLine(line)).toBe('{"type":"battery","percent":80,"t":5}');
  });

  it('sorts nested objects in canonical JSON and follows JSON for the rest', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: undefined }], a: null, n: Number.NaN })).toBe(
      '{"a":null,"b":[1,{"d":1}],"n":null}',
    );
    expect(canonicalJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });
});
