import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asymmetryPct, factsFromAnalyzeOutput } from './history.js';
import { createLocalStore, UNKNOWN_SUBJECT } from './local-store.js';
import { changeFlag, MDC } from './mdc.js';
import { syntheticSession, writeSessionFolder } from './sample-data.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'hamstream-history-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Four weekly sessions: ROM +3° (below MDC) then +10°, force up 30%, cadence +8 spm in week 4. */
const weeks = [
  { week: 0, romDeg: 80, forceLeftN: 300, forceRightN: 240, breakDeg: 50, cadenceSpm: 160 },
  { week: 1, romDeg: 83, forceLeftN: 310, forceRightN: 260, breakDeg: 52, cadenceSpm: 161 },
  { week: 2, romDeg: 90, forceLeftN: 330, forceRightN: 300, breakDeg: 58, cadenceSpm: 165 },
  { week: 3, romDeg: 91, forceLeftN: 390, forceRightN: 380, breakDeg: 61, cadenceSpm: 168 },
];
const sessionOf = (w: (typeof weeks)[number], subject = 'athlete-07') =>
  syntheticSession({
    subject,
    session: `${subject}-w${w.week}`,
    startedAt: new Date(Date.UTC(2026, 9, 1 + 7 * w.week, 9)).toISOString(),
    ...w,
  });

describe('change flags against the minimal detectable change', () => {
  it('ROM: changes below 5° are "no real change", above are improved/worsened', () => {
    expect(changeFlag('romDeg', 80, 84.9).status).toBe('no-real-change');
    expect(changeFlag('romDeg', 80, 85).status).toBe('improved');
    expect(changeFlag('romDeg', 80, 74).status).toBe('worsened');
    expect(changeFlag('romDeg', 80, 80, true).status).toBe('baseline');
  });
  it('force uses a relative MDC (20% of the baseline)', () => {
    const f = changeFlag('peakForceN', 300, 350);
    expect(f).toMatchObject({ status: 'no-real-change', delta: 50, mdc: 60 });
    expect(f.deltaPct).toBeCloseTo(16.667, 3);
    expect(changeFlag('peakForceN', 300, 361).status).toBe('improved');
  });
  it('asymmetry: lower is better; cadence is neutral (increase/decrease)', () => {
    expect(changeFlag('asymmetryPct', 25, 12).status).toBe('improved');
    expect(changeFlag('asymmetryPct', 10, 15).status).toBe('no-real-change');
    expect(changeFlag('cadenceSpm', 160, 168).status).toBe('increased');
    expect(changeFlag('cadenceSpm', 160, 158).status).toBe('no-real-change');
  });
  it('every MDC has a source, and assumptions say so', () => {
    for (const def of Object.values(MDC)) {
      expect(def.source.length).toBeGreaterThan(40);
      expect(def.source.startsWith('ASSUMPTION')).toBe(def.assumption);
    }
  });
});

describe('facts of one session', () => {
  it('groups by activity and side, force from the gauge, break angle from Nordic reps', () => {
    const s = syntheticSession();
    const f = factsFromAnalyzeOutput(s.session, Date.parse(s.startedAt), s.output, s.devices);
    const curlLeft = f.exercises.find((x) => x.activity === 'prone-hamstring-curl' && x.side === 'left');
    const leftRoms = s.output.sets[0]?.reps.map((r) => r.romDeg as number) ?? [];
    expect(curlLeft?.repCount).toBe(8);
    expect(curlLeft?.romMeanDeg).toBeCloseTo(leftRoms.reduce((a, b) => a + b, 0) / 8, 9);
    expect(curlLeft?.romMaxDeg).toBe(Math.max(...leftRoms));
    const nordic = f.exercises.find((x) => x.activity === 'nordic-curl');
    expect(nordic?.breakDegMean).toBeCloseTo(55, 9);
    const iso = f.exercises.filter((x) => x.activity === 'isometric-hamstring');
    expect(iso.map((x) => [x.side, x.peakForceN, x.romMeanDeg]).sort()).toEqual([
      ['left', 300, null],
      ['right', 250, null],
    ]);
    expect(f.cadenceMeanSpm).toBeCloseTo(165, 0);
    expect(f.cadencePoints).toBe(57); // zeros (no estimate yet) left out
  });
  it('asymmetryPct is (stronger − weaker) / stronger', () => {
    expect(asymmetryPct(300, 240)).toBeCloseTo(20, 9);
    expect(asymmetryPct(240, 300)).toBeCloseTo(20, 9);
    expect(asymmetryPct(0, 0)).toBe(0);
  });
});

describe('local store history (embedded default)', () => {
  it('builds per-subject progress across weeks with MDC-aware flags', async () => {
    for (const w of weeks) await writeSessionFolder(dataDir, sessionOf(w));
    await writeSessionFolder(dataDir, sessionOf(weeks[0] as (typeof weeks)[number], 'someone-else'));
    const store = createLocalStore(dataDir);
    const h = await store.subjectHistory('athlete-07');
    expect(h.sessions.map((s) => s.session)).toEqual([
      'athlete-07-w0',
      'athlete-07-w1',
      'athlete-07-w2',
      'athlete-07-w3',
    ]);
    const romLeft = h.rom.find((s) => s.activity === 'prone-hamstring-curl' && s.side === 'left');
    expect(romLeft?.points.map((p) => p.change.status)).toEqual([
      'baseline',
      'no-real-change',
      'improved',
      'improved',
    ]);
    expect(romLeft?.baseline).toBeCloseTo(80, 0);

    const forceRight = h.peakForce.find((s) => s.activity === 'isometric-hamstring' && s.side === 'right');
    expect(forceRight?.points.map((p) => p.value)).toEqual([240, 260, 300, 380]);
    // 260 vs 240: +8% < 20% MDC; 300: +25% → improved
    expect(forceRight?.points.map((p) => p.change.status)).toEqual([
      'baseline',
      'no-real-change',
      'improved',
      'improved',
    ]);
    const asym = h.asymmetry[0];
    expect(asym?.activity).toBe('isometric-hamstring');
    expect(asym?.points[0]?.value).toBeCloseTo(20, 9);
    expect(asym?.points.at(-1)?.change.status).toBe('improved');

    const nordic = h.nordicBreak[0];
    expect(nordic?.points.map((p) => p.change.status)).toEqual([
      'baseline',
      'no-real-change',
      'improved',
      'improved',
    ]);
    expect(h.cadence?.points.map((p) => p.change.status)).toEqual([
      'baseline',
      'no-real-change',
      'increased',
      'increased',
    ]);
    expect(h.mdc.romDeg.value).toBe(5);
  });

  it('limits to a date range; the first session in range is the baseline', async () => {
    for (const w of weeks) await writeSessionFolder(dataDir, sessionOf(w));
    const store = createLocalStore(dataDir);
    const h = await store.subjectHistory('athlete-07', {
      from: '2026-10-08T00:00:00Z',
      to: '2026-10-16T00:00:00Z',
    });
    expect(h.sessions.map((s) => s.session)).toEqual(['athlete-07-w1', 'athlete-07-w2']);
    const romLeft = h.rom.find((s) => s.side === 'left' && s.activity === 'prone-hamstring-curl');
    expect(romLeft?.points.map((p) => p.change.status)).toEqual(['baseline', 'improved']);
  });

  it('reads the flat summary layout, skips folders without a summary', async () => {
    await writeSessionFolder(dataDir, sessionOf(weeks[0] as (typeof weeks)[number]), 'flat');
    await writeSessionFolder(dataDir, sessionOf(weeks[1] as (typeof weeks)[number]), 'server');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dataDir, 'sessions', 'live-no-summary'), { recursive: true });
    const store = createLocalStore(dataDir);
    expect(await store.sessionIds()).toEqual(['athlete-07-w0', 'athlete-07-w1', 'live-no-summary']);
    const sessions = await store.sessions();
    expect(sessions.map((s) => [s.session, s.subject, s.devices.length])).toEqual([
      ['athlete-07-w0', 'athlete-07', 4],
      ['athlete-07-w1', 'athlete-07', 4],
    ]);
    expect(await store.session('live-no-summary')).toBeNull();
  });

  it('takes the subject from the server’s session.json, never from a header it did not accept', async () => {
    const dir = await writeSessionFolder(dataDir, sessionOf(weeks[0] as (typeof weeks)[number]));
    const metaFile = path.join(dir, 'session.json');
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as Record<string, unknown>;
    // The header (in session.json and the recording) still names athlete-07; the server attached it to nobody.
    await writeFile(metaFile, JSON.stringify({ ...meta, subject: null }));
    const store = createLocalStore(dataDir);
    expect((await store.session('athlete-07-w0'))?.subject).toBe(UNKNOWN_SUBJECT);
    expect((await store.subjectHistory('athlete-07')).sessions).toEqual([]);
    await writeFile(metaFile, JSON.stringify({ ...meta, subject: 'p-9' }));
    expect((await store.session('athlete-07-w0'))?.subject).toBe('p-9');
  });
});
