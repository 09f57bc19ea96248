import type { SessionLiveState, SessionUpdate, WallTile } from '@hamstream/protocol';
import { describe, expect, it } from 'vitest';
import { fmtSignedPct, sensorLevel } from './format.js';
import {
  applySessionUpdate,
  applyWallUpdate,
  displayTimeS,
  emptySessionView,
  sortedTiles,
  TRACE_KEEP_S,
} from './model.js';

const state = (tS: number, spm: number | null = null) =>
  ({
    session: 's',
    tS,
    cadence: spm === null ? null : { device: 'R-shank', tS, spm, changePct: null },
  }) as unknown as SessionLiveState;
const update = (full: boolean, tS: number[], spm: number | null = null): SessionUpdate => ({
  full,
  state: state(tS.at(-1) ?? 0, spm),
  angleDeg: [{ device: 'R-thigh', tS, values: tS.map((t) => t * 10) }],
  forceN: [],
});

describe('session view model', () => {
  it('appends trace chunks, skips repeats after a reconnect, keeps a bounded window', () => {
    const v = emptySessionView();
    applySessionUpdate(v, update(true, [0, 1, 2]), 100);
    applySessionUpdate(v, update(false, [2, 3]), 150); // 2 again: dropped
    expect(v.angle.get('R-thigh')!.tS).toEqual([0, 1, 2, 3]);
    applySessionUpdate(v, update(false, [TRACE_KEEP_S + 2.5]), 200);
    expect(v.angle.get('R-thigh')!.tS).toEqual([3, TRACE_KEEP_S + 2.5]);
    expect(v.receivedAtMs).toBe(200);
    // A full update starts over.
    applySessionUpdate(v, update(true, [50]), 300);
    expect(v.angle.get('R-thigh')!.tS).toEqual([50]);
  });

  it('keeps the cadence history in data order, one point per new reading', () => {
    const v = emptySessionView();
    applySessionUpdate(v, update(true, [1], 160), 0);
    applySessionUpdate(v, update(false, [1], 160), 0);
    applySessionUpdate(v, update(false, [2], 162), 0);
    expect(v.cadence.map((c) => c.spm)).toEqual([160, 162]);
  });

  it('advances the display time smoothly, never far past the data', () => {
    expect(displayTimeS(10, 1000, 1100)).toBeCloseTo(10.1, 9);
    expect(displayTimeS(10, 1000, 5000)).toBe(10.25);
    expect(displayTimeS(10, 1000, 900)).toBe(10);
  });
});

describe('wall model', () => {
  const tile = (session: string, subject: string) => ({ session, subject }) as WallTile;
  it('merges changed tiles, removes ended sessions, replaces on full updates', () => {
    const tiles = new Map<string, WallTile>();
    applyWallUpdate(tiles, { full: true, tiles: [tile('b', 'zed'), tile('a', 'amy')], removed: [] });
    applyWallUpdate(tiles, { full: false, tiles: [tile('c', 'bob')], removed: ['b'] });
    expect(sortedTiles(tiles).map((t) => t.session)).toEqual(['a', 'c']);
    applyWallUpdate(tiles, { full: true, tiles: [tile('d', 'dan')], removed: [] });
    expect([...tiles.keys()]).toEqual(['d']);
  });
});

describe('format', () => {
  it('signs percentages with a real minus', () => {
    expect(fmtSignedPct(5.04)).toBe('+5.0 %');
    expect(fmtSignedPct(-3)).toBe('−3.0 %');
    expect(fmtSignedPct(0.01)).toBe('±0.0 %');
    expect(fmtSignedPct(null)).toBe('–');
  });
  it('grades sensors: lost is bad, low battery or loss is a warning', () => {
    const d = {
      device: 'x',
      driver: 'd',
      placement: 'thigh',
      side: 'left',
      connected: true,
      lost: false,
      batteryPct: 80,
      packetLossPct: 0,
      rateHz: 100,
      lastSeenS: 1,
    } as const;
    expect(sensorLevel(d)).toBe('ok');
    expect(sensorLevel({ ...d, batteryPct: 10 })).toBe('warn');
    expect(sensorLevel({ ...d, packetLossPct: 7 })).toBe('warn');
    expect(sensorLevel({ ...d, lost: true })).toBe('bad');
  });
});
