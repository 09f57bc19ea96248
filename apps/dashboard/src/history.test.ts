import { describe, expect, it } from 'vitest';
import { changeText, changeTone, historyCharts, type SubjectHistoryDto } from './history.js';

const point = (
  session: string,
  startedAt: string,
  value: number,
  status: 'baseline' | 'no-real-change' | 'improved',
) => ({
  session,
  startedAt,
  value,
  change: { status, delta: 0, deltaPct: 0, mdc: 5 },
});

const history: SubjectHistoryDto = {
  subject: 'athlete-07',
  range: { from: null, to: null },
  sessions: [
    { session: 'w0', startedAt: '2026-10-01T09:00:00.000Z' },
    { session: 'w1', startedAt: '2026-10-08T09:00:00.000Z' },
    { session: 'run', startedAt: '2026-10-09T09:00:00.000Z' },
  ],
  rom: [
    {
      metric: 'romDeg',
      activity: 'prone-hamstring-curl',
      side: 'left',
      unit: 'deg',
      baseline: 80,
      points: [
        point('w0', '2026-10-01T09:00:00.000Z', 80, 'baseline'),
        point('w1', '2026-10-08T09:00:00.000Z', 83, 'no-real-change'),
      ],
    },
    {
      metric: 'romDeg',
      activity: 'prone-hamstring-curl',
      side: 'right',
      unit: 'deg',
      baseline: 70,
      points: [point('w1', '2026-10-08T09:00:00.000Z', 70, 'baseline')],
    },
  ],
  peakForce: [],
  asymmetry: [],
  nordicBreak: [],
  cadence: null,
  mdc: {
    romDeg: { value: 5, relative: false, unit: 'deg', better: 'higher', source: 'x', assumption: false },
  },
};

describe('historyCharts', () => {
  it('aligns every series on the sessions that measured the metric, with the latest flag', () => {
    const charts = historyCharts(history);
    expect(charts.map((c) => c.key)).toEqual(['rom']);
    const rom = charts[0]!;
    expect(rom.sessions).toEqual(['w0', 'w1']);
    expect(rom.xS).toEqual([Date.UTC(2026, 9, 1, 9) / 1000, Date.UTC(2026, 9, 8, 9) / 1000]);
    expect(rom.lines.map((l) => [l.label, l.values])).toEqual([
      ['prone hamstring curl · left', [80, 83]],
      ['prone hamstring curl · right', [null, 70]],
    ]);
    expect(rom.lines[0]!.latest?.change.status).toBe('no-real-change');
    expect(rom.mdcNote).toBe('changes under 5 deg (minimal detectable change) count as no real change');
  });

  it('says a change under the MDC in words, and colours only real changes', () => {
    expect(changeText('no-real-change')).toBe('no real change');
    expect(changeTone('no-real-change')).toBeNull();
    expect(changeTone('improved')).toBe('ok');
    expect(changeTone('worsened')).toBe('bad');
  });

  it('has no charts without data', () => {
    expect(historyCharts({ ...history, rom: [] })).toEqual([]);
  });
});
