import type { RecordingEvent } from '@hamstream/core';
import { serializeRecordingLine } from '@hamstream/recording';
import { describe, expect, it } from 'vitest';
import { createRng } from './random.js';
import { formatLabelsJson, serializeLine } from './write.js';

describe('writing', () => {
  it('the sample fast path writes exactly what the recording package writes', () => {
    const rng = createRng('serialize');
    const v = (): [number, number, number] => [
      rng.gauss(0, 9.8),
      Math.round(rng.gauss(0, 100) * 1e4) / 1e4,
      -0,
    ];
    const events: RecordingEvent[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = Math.round(rng.uniform(0, 1e6) * 1000) / 1000;
      const k = i % 4;
      if (k === 0) events.push({ type: 'sample', t, device: 'R-shank', acc: v(), gyro: v() });
      else if (k === 1) events.push({ type: 'sample', t, device: 'phone "x"', acc: v() });
      else if (k === 2) events.push({ type: 'sample', t, device: 'g', gyro: v(), forceN: 3 });
      else events.push({ type: 'sample', t, device: 'g', gyro: [1e-7, 1e21, 5] });
    }
    events.push({ type: 'packet', t: 1, device: 'a', characteristic: '2a53', data: '00' });
    events.push({ type: 'mark', t: 1, activity: null });
    for (const e of events) expect(serializeLine(e)).toBe(serializeRecordingLine(e));
  });

  it('formats labels with scalar-only objects on one line', () => {
    const text = formatLabelsJson({
      sets: [{ device: 'a', reps: [{ startS: 1, endS: 2, romDeg: null }] }],
      cadence: [],
    });
    expect(text).toBe(
      '{\n  "sets": [\n    {\n      "device": "a",\n      "reps": [\n        {"startS":1,"endS":2,"romDeg":null}\n      ]\n    }\n  ],\n  "cadence": []\n}',
    );
    expect(JSON.parse(text)).toEqual({
      sets: [{ device: 'a', reps: [{ startS: 1, endS: 2, romDeg: null }] }],
      cadence: [],
    });
  });
});
