import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { downsampleTracePoints } from './downsample.js';
import { durationHours } from './influx-setup.js';
import { parseInfluxUrl } from './influx-url.js';
import { escapeTag, lineIdentity, toLine } from './line-protocol.js';
import { syntheticSession } from './sample-data.js';
import { MEASUREMENTS, pointsFromAnalyzeOutput, type StoragePoint, TAG_NAMES, timeUsAt } from './schema.js';
import { tracePoints } from './test-influx.js';

const s = syntheticSession();
const startedAtMs = Date.parse(s.startedAt);

describe('line protocol', () => {
  it('sorted tags, typed fields, microsecond timestamp', () => {
    const line = toLine({
      measurement: 'sets',
      tags: {
        subject: 'a',
        activity: 'bridge',
        device: 'L-shank',
        session: 's1',
        side: 'left',
        placement: 'thigh',
      },
      fields: { rep_count: 10, rom_mean_deg: 42.5, hold_total_s: null, peak_force_n: Number.NaN },
      timeUs: 1_700_000_000_123_456,
    });
    expect(line).toBe(
      'sets,activity=bridge,device=L-shank,placement=thigh,session=s1,side=left,subject=a rep_count=10i,rom_mean_deg=42.5 1700000000123456',
    );
  });

  it('escapes tag values and string fields; newlines cannot break a line', () => {
    expect(escapeTag('a b,c=d\\e')).toBe('a\\ b\\,c\\=d\\\\e');
    const line = toLine({
      measurement: 'asymmetry',
      tags: { subject: 'x y\nz', activity: 'nordic-curl', metric: 'rom_deg', session: 's' },
      fields: { flag: 'say "hi"\n', left: 1 },
      timeUs: 1,
    }) as string;
    expect(line).not.toContain('\n');
    expect(line).toContain('subject=x\\ y\\ z');
    expect(line).toContain('flag="say \\"hi\\" "');
  });

  it('a point with nothing to write, or a bad timestamp, gives null', () => {
    expect(toLine({ measurement: 'cadence', tags: {}, fields: { spm: null }, timeUs: 1 })).toBeNull();
    expect(toLine({ measurement: 'cadence', tags: {}, fields: { spm: 160 }, timeUs: 1.5 })).toBeNull();
  });
});

describe('points from an analysed session', () => {
  const points = pointsFromAnalyzeOutput(s.output, s, startedAtMs);
  const lines = points.map((p) => toLine(p) as string);

  it('are deterministic: the same recording gives byte-identical lines', () => {
    const again = pointsFromAnalyzeOutput(structuredClone(s.output), structuredClone(s), startedAtMs).map(
      toLine,
    );
    expect(again).toEqual(lines);
  });

  it('every point has its own identity (series key + time): nothing overwrites anything else', () => {
    expect(new Set(lines.map(lineIdentity)).size).toBe(lines.length);
    expect(lineIdentity('m,a=b\\ c x=1,y=2 123')).toBe('m,a=b\\ c 123');
  });

  it('timestamps come from startedAt + tS; measurements and tags as documented', () => {
    const rep = points.find((p) => p.measurement === 'reps');
    expect(rep?.timeUs).toBe(timeUsAt(startedAtMs, s.output.sets[0]?.reps[0]?.startS ?? -1));
    expect(rep?.tags).toEqual({
      activity: 'prone-hamstring-curl',
      device: 'L-shank',
      placement: 'shank',
      session: s.session,
      side: 'left',
      subject: 'athlete-07',
    });
    const counts = Object.fromEntries(
      Object.keys(MEASUREMENTS).map((m) => [m, points.filter((p) => p.measurement === m).length]),
    );
    expect(counts).toMatchObject({
      sessions: 1,
      sets: 6,
      reps: 21,
      force_efforts: 6,
      cadence: 60,
      quality: 4,
      asymmetry: 1,
    });
    // Nordic set had no side: the device's side is used
    expect(points.find((p) => p.measurement === 'reps' && p.tags.activity === 'nordic-curl')?.tags.side).toBe(
      'left',
    );
    // cadence carries the activity of the set it falls in
    expect(points.find((p) => p.measurement === 'cadence')?.tags.activity).toBe('run');
  });

  it('every field written is declared with its type in the schema', () => {
    for (const p of points) {
      const def = MEASUREMENTS[p.measurement];
      for (const [name, v] of Object.entries(p.fields)) {
        if (v === null || v === undefined) continue;
        expect(def.fields, `${p.measurement}.${name}`).toHaveProperty(name);
      }
      for (const tag of Object.keys(p.tags)) expect(def.tags as readonly string[]).toContain(tag);
    }
    expect([...TAG_NAMES].sort()).toEqual([...TAG_NAMES]);
    for (const def of Object.values(MEASUREMENTS)) expect([...def.tags].sort()).toEqual([...def.tags]);
  });
});

describe('README documents the schema', () => {
  const readme = readFileSync(
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../README.md'),
    'utf8',
  );
  it('every measurement, its retention policy and every field and tag appear', () => {
    for (const [name, def] of Object.entries(MEASUREMENTS)) {
      const section = readme.split(/^### /m).find((x) => x.startsWith(`\`${name}\``));
      expect(section, `README section for ${name}`).toBeDefined();
      expect(section).toContain(`\`${def.retention}\``);
      for (const field of Object.keys(def.fields))
        expect(section, `${name}.${field}`).toContain(`\`${field}\``);
      for (const tag of def.tags) expect(section, `${name} tag ${tag}`).toContain(tag);
    }
  });
});

describe('small pure helpers', () => {
  it('parses InfluxDB URLs', () => {
    expect(parseInfluxUrl('http://u:p%40ss@10.0.0.5:8087/clinic')).toEqual({
      protocol: 'http',
      host: '10.0.0.5',
      port: 8087,
      database: 'clinic',
      username: 'u',
      password: 'p@ss',
      baseUrl: 'http://10.0.0.5:8087',
    });
    expect(parseInfluxUrl('http://localhost').database).toBe('hamstream');
    expect(() => parseInfluxUrl('localhost:8086')).toThrow(/unsupported protocol|not a URL/);
    expect(() => parseInfluxUrl('http://h/a/b')).toThrow(/one path segment/);
  });

  it('compares retention durations in any spelling', () => {
    expect(durationHours('30d')).toBe(720);
    expect(durationHours('720h0m0s')).toBe(720);
    expect(durationHours('1w')).toBe(168);
    expect(durationHours('INF')).toBe(0);
    expect(durationHours('0s')).toBe(0);
  });

  it('downsamples traces to whole seconds like GROUP BY time(1s), *', () => {
    const pts: StoragePoint[] = tracePoints(120, Date.UTC(2026, 0, 1)); // 50 Hz → 2.4 s
    const out = downsampleTracePoints(pts);
    expect(out.map((p) => p.timeUs)).toEqual([0, 1, 2].map((k) => Date.UTC(2026, 0, 1) * 1000 + k * 1e6));
    const firstSecond = pts.slice(0, 50).map((p) => p.fields.angle_deg as number);
    expect(out[0]?.fields.angle_deg).toBeCloseTo(firstSecond.reduce((a, b) => a + b, 0) / 50, 12);
    expect(out[0]?.fields.angle_min_deg).toBe(Math.min(...firstSecond));
    expect(out[0]?.fields.angle_max_deg).toBe(Math.max(...firstSecond));
    expect(out[0]?.tags).toBe(pts[0]?.tags);
  });
});
