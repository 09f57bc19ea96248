import type { RecordingEvent } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { PRONE_CURL, planRepExercise } from './activities/rep-exercises.js';
import { planRun } from './activities/run.js';
import { generateFromDefinition, type ScenarioDefinition } from './scenarios.js';

const curls = (over: Partial<ScenarioDefinition> = {}): ScenarioDefinition => ({
  name: 'variation-test',
  description: 'prone curls with variations',
  activity: 'prone-hamstring-curl',
  difficulty: 'clean',
  defaultSeed: 5,
  plan: (o) => planRepExercise(PRONE_CURL, { ...o, side: 'left', setReps: [4, 4] }),
  devices: [
    { kind: 'witmotion', id: 'L-shank', role: 'shank-left', placement: 'shank', side: 'left', rateHz: 100 },
  ],
  ...over,
});

const packets = (events: readonly RecordingEvent[]) =>
  events.filter((e): e is Extract<RecordingEvent, { type: 'packet' }> => e.type === 'packet');

describe('scenario variations (stress tests)', { timeout: 30_000 }, () => {
  it('marks: set starts only, or none with one merged labelled set per device', () => {
    const all = generateFromDefinition(curls());
    const starts = generateFromDefinition(curls({ marks: 'set-starts', marksWithoutSide: true }));
    const none = generateFromDefinition(curls({ marks: 'none' }));
    const marks = (r: typeof all) => r.events.filter((e) => e.type === 'mark');
    expect(marks(all).filter((m) => m.type === 'mark' && m.activity === null).length).toBeGreaterThan(1);
    expect(marks(starts).every((m) => m.type === 'mark' && (m.activity !== null || m.t === 0))).toBe(true);
    expect(marks(starts).every((m) => m.type === 'mark' && m.side === undefined)).toBe(true);
    expect(marks(none)).toEqual([]);
    expect(none.header.activity).toBe('prone-hamstring-curl');
    expect(none.labels.sets).toHaveLength(1);
    expect(none.labels.sets[0]!.reps).toHaveLength(8);
    // Same truth whatever the marks.
    expect(none.labels.sets[0]!.reps).toEqual(all.labels.sets.flatMap((s) => s.reps));
  });

  it('device variations: bunching, explicit outages, a second sensor on the same segment', () => {
    const rec = generateFromDefinition(
      curls({
        devices: [
          {
            kind: 'witmotion',
            id: 'L-shank',
            role: 'shank-left',
            placement: 'shank',
            side: 'left',
            rateHz: 20,
            variation: {
              recordsPerNotification: 4,
              outages: [{ atS: 20, detectS: 1, reconnectS: 2 }],
              imuErrors: { gyroScale: [1.05, 1.05, 1.05] },
              mount: [1, 0, 0, 0, -1, 0, 0, 0, -1],
            },
          },
          {
            kind: 'witmotion',
            id: 'L-shank-2',
            role: 'shank-left',
            placement: 'shank',
            side: 'left',
            rateHz: 50,
          },
        ],
      }),
    );
    const data = packets(rec.events).filter((p) => p.device === 'L-shank' && p.data.startsWith('5561'));
    // 4 records of 20 bytes per notification (the battery reply aside; the last one of each connection
    // may be short).
    expect(data.filter((p) => p.data.length !== 4 * 40).length).toBeLessThanOrEqual(2);
    expect(data.every((p) => p.data.length <= 4 * 40)).toBe(true);
    const disc = rec.events.find((e) => e.type === 'disconnect' && e.device === 'L-shank');
    expect(disc?.t).toBeCloseTo(21_000, -1);
    expect(rec.labels.sets.filter((s) => s.device === 'L-shank-2')).toHaveLength(2);
  });

  it('a footpod may leave cadenceUnit out of the header; runs have a pelvis segment', () => {
    const rec = generateFromDefinition({
      name: 'run-variation',
      description: 'run',
      activity: 'run',
      difficulty: 'clean',
      defaultSeed: 3,
      plan: (o) => planRun({ ...o, side: 'right', baselineSpm: 182, blockChange: -0.08, durationS: 60 }),
      devices: [
        {
          kind: 'rsc',
          id: 'R-foot',
          role: 'foot-right',
          side: 'right',
          cadenceUnit: 'strides',
          variation: { declareCadenceUnit: false },
        },
        {
          kind: 'polar',
          id: 'pelvis',
          role: 'pelvis',
          model: 'verity-sense',
          placement: 'pelvis',
          side: 'center',
          rateHz: 26,
          measurements: ['acc'],
          accRangeG: 8,
        },
      ],
    });
    expect(rec.header.devices[0]!.config).toEqual({});
    expect(rec.labels.sets.map((s) => s.device).sort()).toEqual(['R-foot', 'pelvis']);
    expect(rec.labels.cadence!.map((c) => c.spm)).toEqual([182, 167.44, 182]);
  });
});
