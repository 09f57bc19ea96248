import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from './backfill.js';
import { downsampleTracePoints } from './downsample.js';
import { createInfluxHistoryStore } from './influx-history.js';
import { downsampleTraces } from './influx-setup.js';
import { createInfluxSink } from './influx-sink.js';
import { type InfluxdProcess, startInfluxd } from './influxd-process.js';
import { createLocalStore } from './local-store.js';
import { syntheticSession, writeSessionFolder } from './sample-data.js';
import { MEASUREMENTS, pointsFromForceTrace } from './schema.js';
import { clientFor, countPoints, tracePoints } from './test-influx.js';

let influxd: InfluxdProcess;
let tmp: string;
let dataDir: string;
let url: string;
/** Traces of these Oct 2026 sessions are older than the default 30-day traces policy: keep them. */
const schema = { tracesDuration: 'INF' };

const weeks = [80, 83, 90, 91].map((romDeg, week) =>
  syntheticSession({
    session: `w${week}`,
    startedAt: new Date(Date.UTC(2026, 9, 1 + 7 * week, 9)).toISOString(),
    romDeg,
    forceLeftN: 300 + 30 * week,
    forceRightN: 240 + 45 * week,
    breakDeg: 50 + 4 * week,
    cadenceSpm: 160 + 3 * week,
  }),
);

beforeAll(async () => {
  influxd = await startInfluxd();
  tmp = await mkdtemp(path.join(tmpdir(), 'hamstream-ihist-'));
  dataDir = path.join(tmp, 'data');
  for (const s of weeks) await writeSessionFolder(dataDir, s);
  await writeSessionFolder(dataDir, syntheticSession({ subject: 'other', session: 'o1', romDeg: 60 }));
  await mkdir(path.join(dataDir, 'sessions', 'not-analysed-yet'), { recursive: true });
  url = `${influxd.baseUrl}/clinic`;
  const sink = await createInfluxSink({ url, spoolDir: path.join(tmp, 'spool'), schema });
  const result = await backfill(createLocalStore(dataDir), sink);
  expect(result.sessions).toBe(5);
  expect(result.skipped).toEqual(['not-analysed-yet']);
  expect(await sink.drain(15_000)).toBe(true);
  await sink.close();
}, 30_000);

afterAll(async () => {
  await influxd?.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** Deep copy with floats rounded: InfluxDB's mean() sums in another order than ours. */
function rounded(v: unknown): unknown {
  if (typeof v === 'number') return Math.round(v * 1e6) / 1e6;
  if (Array.isArray(v)) return v.map(rounded);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}

describe('history: InfluxDB answers exactly like the local data folder', () => {
  it('same subject history from both stores (all time)', async () => {
    const local = await createLocalStore(dataDir).subjectHistory('athlete-07');
    const influx = await createInfluxHistoryStore(url).subjectHistory('athlete-07');
    expect(local.sessions).toHaveLength(4);
    expect(local.rom.length).toBeGreaterThanOrEqual(3);
    expect(local.peakForce.length).toBe(2);
    expect(local.cadence?.points).toHaveLength(4);
    expect(rounded(influx)).toEqual(rounded(local));
  });

  it('same history for a date range, and for another subject', async () => {
    const range = { from: '2026-10-08T00:00:00.000Z', to: '2026-10-20T00:00:00.000Z' };
    const local = await createLocalStore(dataDir).subjectHistory('athlete-07', range);
    const influx = await createInfluxHistoryStore(url).subjectHistory('athlete-07', range);
    expect(local.sessions.map((s) => s.session)).toEqual(['w1', 'w2']);
    expect(rounded(influx)).toEqual(rounded(local));
    const other = await createInfluxHistoryStore(url).subjectHistory('other');
    expect(rounded(other)).toEqual(rounded(await createLocalStore(dataDir).subjectHistory('other')));
    expect(other.sessions).toHaveLength(1);
  });

  it('a subject name with quotes cannot break out of the query', async () => {
    const h = await createInfluxHistoryStore(url).subjectHistory("x' OR subject =~ /.*/ --");
    expect(h.sessions).toEqual([]);
  });
});

describe('backfill', () => {
  it('is idempotent: a second run overwrites, counts stay the same', async () => {
    const client = clientFor(url);
    const before = await countPoints(client, 'reps', 'rep_index');
    expect(before).toBe(5 * (8 + 8 + 5));
    const sink = await createInfluxSink({ url, spoolDir: path.join(tmp, 'spool2'), schema });
    await backfill(createLocalStore(dataDir), sink);
    expect(await sink.drain(15_000)).toBe(true);
    await sink.close();
    expect(await countPoints(client, 'reps', 'rep_index')).toBe(before);
    expect(await countPoints(client, 'sessions', 'set_count')).toBe(5);
    expect(await countPoints(client, 'cadence', 'spm')).toBe(5 * 60);
  });
});

describe('Grafana dashboard', () => {
  const file = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../grafana/hamstream-dashboard.json',
  );

  it('every panel query runs on the documented schema and the progress panels have data', async () => {
    // traces for the session panels, and their 1 s downsample (what the continuous query keeps)
    const w0 = weeks[0];
    const sink = await createInfluxSink({ url, spoolDir: path.join(tmp, 'spool3'), schema });
    const startedAtMs = Date.parse(w0?.startedAt ?? '');
    const angles = tracePoints(500, startedAtMs, 'w0');
    sink.write(angles);
    const gauge = w0?.devices.find((d) => d.placement === 'handle');
    if (!gauge) throw new Error('no gauge');
    sink.write(
      pointsFromForceTrace(
        { subject: 'athlete-07', session: 'w0', device: gauge, activity: 'isometric-hamstring', startedAtMs },
        [110, 110.02, 110.04],
        [10, 200, 290],
      ),
    );
    expect(await sink.drain(10_000)).toBe(true);
    await sink.close();
    const client = clientFor(url);
    await downsampleTraces(client, 'clinic', { fromMs: startedAtMs, toMs: startedAtMs + 3_600_000 });
    expect(await countPoints(client, 'angle_trace_1s', 'angle_deg')).toBe(10);
    // the client-side downsample (for recordings older than the traces policy) matches the
    // continuous query's SELECT … INTO, value for value, and lands on the same keys
    const server = await client.query<{ angle_deg: number; angle_min_deg: number; angle_max_deg: number }>(
      'SELECT * FROM "angle_trace_1s" ORDER BY time ASC',
    );
    const local = downsampleTracePoints(angles).sort((a, b) => a.timeUs - b.timeUs);
    expect(local).toHaveLength(10);
    local.forEach((p, k) => {
      expect(server[k]?.angle_deg).toBeCloseTo(p.fields.angle_deg as number, 9);
      expect(server[k]?.angle_min_deg).toBe(p.fields.angle_min_deg);
      expect(server[k]?.angle_max_deg).toBe(p.fields.angle_max_deg);
    });
    const again = await createInfluxSink({ url, spoolDir: path.join(tmp, 'spool4'), schema });
    again.write(local);
    expect(await again.drain(10_000)).toBe(true);
    await again.close();
    expect(await countPoints(client, 'angle_trace_1s', 'angle_deg')).toBe(10);

    const dashboard = JSON.parse(await readFile(file, 'utf8')) as {
      panels: { type: string; title: string; targets?: { query: string }[] }[];
      templating: { list: { name: string; query: string }[] };
    };
    const substitute = (q: string) =>
      q
        .replaceAll('$subject', 'athlete-07')
        .replaceAll('$session', 'w0')
        .replaceAll('$activity', '.*')
        .replaceAll('$timeFilter', 'time >= 0ms')
        .replaceAll('$__interval', '1s');
    const queries = [
      ...dashboard.templating.list.map((v) => ({ title: `variable ${v.name}`, query: v.query })),
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, query: t.query }))),
    ];
    expect(queries.length).toBeGreaterThan(12);
    const empty: string[] = [];
    for (const { title, query } of queries) {
      const res = (await client.queryRaw(substitute(query))) as {
        results: { error?: string; series?: unknown[] }[];
      };
      expect(res.results[0]?.error, `${title}: ${query}`).toBeUndefined();
      if (!res.results[0]?.series?.length) empty.push(title);
    }
    expect(empty).toEqual([]);

    // measurements and fields named in the queries exist in schema.ts
    const known = new Set(Object.keys(MEASUREMENTS));
    for (const { query } of queries) {
      for (const m of query.matchAll(/FROM (?:"(?:autogen|traces)"\.)?"([a-z_0-9]+)"/g)) {
        expect(known.has(m[1] as string), `${m[1]} in ${query}`).toBe(true);
        const fields = Object.keys(MEASUREMENTS[m[1] as keyof typeof MEASUREMENTS].fields);
        for (const f of query.matchAll(
          /(?:mean|max|min|last|count)\("([a-z_0-9]+)"\)|SELECT "([a-z_0-9]+)"/g,
        )) {
          const name = (f[1] ?? f[2]) as string;
          expect(fields, `${name} in ${query}`).toContain(name);
        }
      }
    }
  });
});
