import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeToInflux } from './backfill.js';
import { createInfluxSink, inFlightWindow } from './influx-sink.js';
import { freeLoopbackPort, type InfluxdProcess, startInfluxd } from './influxd-process.js';
import { syntheticSession } from './sample-data.js';
import { pointsFromAnalyzeOutput } from './schema.js';
import { clientFor, countPoints, orderedResultPoints, recentStartMs, tracePoints } from './test-influx.js';

let influxd: InfluxdProcess;
let tmp: string;
let dbCounter = 0;
const nextUrl = (): string => `${influxd.baseUrl}/db_${++dbCounter}`;
const spoolDir = (): string => path.join(tmp, `spool-${dbCounter}-${Math.random().toString(36).slice(2)}`);

beforeAll(async () => {
  influxd = await startInfluxd();
  tmp = await mkdtemp(path.join(tmpdir(), 'hamstream-sink-'));
}, 30_000);

afterAll(async () => {
  await influxd?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('test influxd', () => {
  it('without influxd the tests fail (never skip) and say how to install it', async () => {
    await expect(startInfluxd({ binary: '/nonexistent/influxd' })).rejects.toThrow(
      /apt-get install influxdb/,
    );
  });
});

describe('in-flight window', () => {
  const b = (rp: 'autogen' | 'traces', id: number) => ({ rp, id });
  it('overlaps trace batches, never two result batches, always in queue order', () => {
    const ids = (xs: { id: number }[]) => xs.map((x) => x.id);
    expect(ids(inFlightWindow([b('traces', 1), b('traces', 2), b('traces', 3)], 2))).toEqual([1, 2]);
    expect(ids(inFlightWindow([b('autogen', 1), b('traces', 2), b('autogen', 3)], 4))).toEqual([1, 2]);
    expect(ids(inFlightWindow([b('autogen', 1), b('autogen', 2)], 4))).toEqual([1]);
    expect(ids(inFlightWindow([b('traces', 1), b('autogen', 2), b('traces', 3)], 4))).toEqual([1, 2, 3]);
    expect(ids(inFlightWindow([b('traces', 1), b('traces', 2)], 1))).toEqual([1]);
    expect(inFlightWindow([], 2)).toEqual([]);
  });
});

describe('influx sink against a real influxd', () => {
  it('creates the database, the traces retention policy and the continuous queries', async () => {
    const url = nextUrl();
    const sink = await createInfluxSink({ url, spoolDir: spoolDir() });
    sink.write(tracePoints(10));
    expect(await sink.drain(10_000)).toBe(true);
    await sink.close();
    const client = clientFor(url);
    expect(await client.getDatabaseNames()).toContain(`db_${dbCounter}`);
    const rps = await client.showRetentionPolicies();
    const traces = rps.find((r) => r.name === 'traces');
    expect(traces?.duration).toBe('720h0m0s');
    const cqs = (await client.queryRaw('SHOW CONTINUOUS QUERIES')) as {
      results: { series: { name: string; values: string[][] }[] }[];
    };
    const mine = cqs.results[0]?.series.find((s) => s.name === `db_${dbCounter}`);
    expect(mine?.values.map((v) => v[0]).sort()).toEqual(['cq_angle_trace_1s', 'cq_force_trace_1s']);
    expect(await countPoints(client, 'angle_trace', 'angle_deg', 'traces')).toBe(10);
  });

  it('round-trips an analysed session: every point, field values and tags come back', async () => {
    const url = nextUrl();
    const s = syntheticSession();
    const points = pointsFromAnalyzeOutput(s.output, s, Date.parse(s.startedAt));
    const sink = await createInfluxSink({ url, spoolDir: spoolDir() });
    sink.write(points);
    expect(await sink.drain(10_000)).toBe(true);
    await sink.close();
    const client = clientFor(url);
    const expected = (m: string) => points.filter((p) => p.measurement === m).length;
    expect(await countPoints(client, 'reps', 'rep_index')).toBe(expected('reps'));
    expect(await countPoints(client, 'force_efforts', 'rep_index')).toBe(expected('force_efforts'));
    expect(await countPoints(client, 'sets', 'rep_count')).toBe(expected('sets'));
    expect(await countPoints(client, 'cadence', 'spm')).toBe(expected('cadence'));
    expect(await countPoints(client, 'quality', 'packets')).toBe(4);
    expect(await countPoints(client, 'sessions', 'set_count')).toBe(1);
    expect(await countPoints(client, 'asymmetry', 'asymmetry_pct')).toBe(1);

    const reps = await client.query<{ rom_deg: number; side: string; placement: string; time: Date }>(
      `SELECT * FROM reps WHERE device = 'L-shank' ORDER BY time ASC`,
    );
    const first = s.output.sets[0]?.reps[0];
    expect(reps).toHaveLength(8);
    expect(reps[0]?.rom_deg).toBe(first?.romDeg);
    expect(reps[0]?.side).toBe('left');
    expect(reps[0]?.placement).toBe('shank');
    expect(reps[0]?.time.getTime()).toBe(Date.parse(s.startedAt) + (first?.startS ?? 0) * 1000);
    const force = await client.query<{ peak_force_n: number; side: string }>(
      `SELECT max(peak_force_n) AS peak_force_n FROM force_efforts GROUP BY side`,
    );
    expect(force.map((r) => [r.side, r.peak_force_n]).sort()).toEqual([
      ['left', 300],
      ['right', 250],
    ]);
    const asym = await client.query<{ flag: string; asymmetry_pct: number }>('SELECT * FROM asymmetry');
    expect(asym[0]?.flag).toBe('ge15');
    expect(asym[0]?.asymmetry_pct).toBeCloseTo(16.667, 3);
  });

  it('writing the same recording twice stores every point once (deterministic identity)', async () => {
    const url = nextUrl();
    const s = syntheticSession();
    const points = pointsFromAnalyzeOutput(s.output, s, Date.parse(s.startedAt));
    const sink = await createInfluxSink({ url, spoolDir: spoolDir(), batchSize: 50 });
    sink.write(points);
    sink.write(pointsFromAnalyzeOutput(s.output, s, Date.parse(s.startedAt)));
    expect(await sink.drain(10_000)).toBe(true);
    await sink.close();
    expect(sink.stats().delivered).toBe(2 * points.length);
    expect(await countPoints(clientFor(url), 'cadence', 'spm')).toBe(60);
    expect(await countPoints(clientFor(url), 'reps', 'rep_index')).toBe(21);
  });

  it('result updates under one key land in write order (result batches never overlap in flight)', async () => {
    const url = nextUrl();
    const sink = await createInfluxSink({ url, spoolDir: spoolDir(), batchSize: 1, maxInFlight: 4 });
    const tags = { subject: 'a', session: 's', device: 'L-shank', activity: 'bridge', side: 'left' } as const;
    for (let n = 1; n <= 60; n++) {
      // a live set summary rewritten as reps arrive, interleaved with trace batches
      sink.write([{ measurement: 'sets', tags, timeUs: 1_000_000, fields: { rep_count: n } }]);
      sink.write(tracePoints(1, recentStartMs() + n * 1000, 'live'));
    }
    expect(await sink.drain(10_000)).toBe(true);
    await sink.close();
    expect(sink.stats().requests).toBe(120);
    const rows = await clientFor(url).query<{ rep_count: number }>('SELECT "rep_count" FROM "sets"');
    expect(rows.map((r) => r.rep_count)).toEqual([60]);
  });

  it('writeToInflux: one-shot write for commands, complete when InfluxDB took everything', async () => {
    const url = nextUrl();
    const s = syntheticSession();
    const points = pointsFromAnalyzeOutput(s.output, s, Date.parse(s.startedAt));
    const res = await writeToInflux({ url, spoolDir: spoolDir() }, points, 10_000);
    expect(res.complete).toBe(true);
    expect(res.stats.delivered).toBe(points.length);
    const port = await freeLoopbackPort();
    const down = await writeToInflux(
      { url: `http://127.0.0.1:${port}/x`, spoolDir: spoolDir() },
      points,
      200,
    );
    expect(down.complete).toBe(false);
    expect(down.stats.spool.points).toBe(points.length);
  });

  it('batches by size: 1050 points with batchSize 100 → 11 requests', async () => {
    const url = nextUrl();
    const sink = await createInfluxSink({
      url,
      spoolDir: spoolDir(),
      batchSize: 100,
      flushIntervalMs: 60_000,
    });
    sink.write(tracePoints(1050));
    // ten full batches go out at once; the partial one waits for the timer or a flush
    expect(sink.stats().buffered).toBe(50);
    expect(await sink.drain(10_000)).toBe(true);
    expect(sink.stats()).toMatchObject({ requests: 11, delivered: 1050, buffered: 0 });
    await sink.close();
    expect(await countPoints(clientFor(url), 'angle_trace', 'angle_deg', 'traces')).toBe(1050);
  });

  it('batches by time: a partial batch is sent by the flush timer without any call', async () => {
    const url = nextUrl();
    const sink = await createInfluxSink({ url, spoolDir: spoolDir(), batchSize: 1000, flushIntervalMs: 50 });
    sink.write(tracePoints(7));
    expect(sink.stats().delivered).toBe(0);
    const deadline = performance.now() + 10_000;
    while (sink.stats().delivered < 7 && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(sink.stats()).toMatchObject({ delivered: 7, requests: 1 });
    await sink.close();
  });

  it('skips null/NaN fields and counts points that have nothing to write', async () => {
    const url = nextUrl();
    const sink = await createInfluxSink({ url, spoolDir: spoolDir() });
    const [a, b] = tracePoints(2);
    sink.write([
      { ...(a as NonNullable<typeof a>), fields: { angle_deg: Number.NaN } },
      b as NonNullable<typeof b>,
    ]);
    expect(await sink.drain(10_000)).toBe(true);
    await sink.close();
    expect(sink.stats()).toMatchObject({ accepted: 1, invalid: 1, delivered: 1 });
  });

  it('points older than the traces retention policy are refused by InfluxDB: counted as rejected, not retried', async () => {
    const url = nextUrl();
    const sink = await createInfluxSink({ url, spoolDir: spoolDir(), schema: { tracesDuration: '2d' } });
    sink.write(tracePoints(40, recentStartMs() - 10 * 86_400_000, 'old'));
    sink.write(tracePoints(30, recentStartMs(), 'recent'));
    expect(await sink.drain(10_000)).toBe(true);
    await sink.close();
    expect(sink.stats()).toMatchObject({ accepted: 70, delivered: 30, rejected: 40, failedRequests: 0 });
    expect(sink.stats().lastError).toMatch(/retention/);
    expect(await countPoints(clientFor(url), 'angle_trace', 'angle_deg', 'traces')).toBe(30);
  });

  it('InfluxDB slower than the input: the queue is sent from memory first, only later batches are spooled; in order, once', async () => {
    const url = nextUrl();
    const sink = await createInfluxSink({ url, spoolDir: spoolDir(), batchSize: 100, maxQueuedPoints: 500 });
    const results = orderedResultPoints(40, 100);
    const traces = tracePoints(4000);
    // One synchronous burst: far more than the in-memory bound before any request can answer.
    sink.write(results);
    sink.write(traces);
    const burst = sink.stats();
    expect(burst.mode).toBe('spooling');
    expect(burst.queued).toBeGreaterThan(0);
    expect(burst.queued).toBeLessThanOrEqual(500 + 100);
    expect(await sink.drain(20_000)).toBe(true);
    await sink.close();
    const st = sink.stats();
    expect(st).toMatchObject({
      accepted: 8000,
      delivered: 8000,
      rejected: 0,
      failedRequests: 0,
      mode: 'direct',
    });
    // the queue never took the disk detour; everything after the overflow did
    expect(st.spool.spooledPoints).toBeGreaterThan(0);
    expect(st.spool.spooledPoints).toBeLessThanOrEqual(8000 - burst.queued);
    const client = clientFor(url);
    expect(await countPoints(client, 'cadence', 'spm')).toBe(40 * 99);
    expect(await countPoints(client, 'angle_trace', 'angle_deg', 'traces')).toBe(4000);
    const last = await client.query<{ set_count: number }>('SELECT "set_count" FROM "sessions"');
    expect(last.map((r) => r.set_count)).toEqual([39]);
  });

  it('spools while nothing listens, bounded: oldest segments dropped and counted', async () => {
    const port = await freeLoopbackPort(); // nothing listens here
    const dir = spoolDir();
    const sink = await createInfluxSink({
      url: `http://127.0.0.1:${port}/nowhere`,
      spoolDir: dir,
      batchSize: 100,
      spoolMaxBytes: 64 * 1024,
      spoolSegmentBytes: 16 * 1024,
      retryMinMs: 20,
      retryMaxMs: 50,
    });
    const points = tracePoints(5000);
    for (let k = 0; k < points.length; k += 250) sink.write(points.slice(k, k + 250));
    await sink.flush();
    const st = sink.stats();
    expect(st.mode).toBe('spooling');
    expect(st.delivered).toBe(0);
    expect(st.spool.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(st.spool.droppedPoints).toBeGreaterThan(0);
    // every accepted point is either still spooled or counted as dropped
    expect(st.spool.points + st.spool.droppedPoints).toBe(5000);
    await sink.close(200);
    const files = await readdir(dir);
    const sizes = await Promise.all(files.map((f) => stat(path.join(dir, f)).then((x) => x.size)));
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(64 * 1024);
    expect(sink.stats().spool.points + sink.stats().spool.droppedPoints).toBe(5000);
  });

  it('a spool left by a closed sink is delivered by the next sink on the same directory', async () => {
    const port = await freeLoopbackPort();
    const dir = spoolDir();
    const down = await createInfluxSink({ url: `http://127.0.0.1:${port}/x`, spoolDir: dir, batchSize: 100 });
    down.write(tracePoints(730));
    await down.close(100);
    expect(down.stats().spool.points).toBe(730);
    const url = nextUrl();
    const up = await createInfluxSink({ url, spoolDir: dir, batchSize: 100 });
    expect(up.stats().mode).toBe('spooling');
    expect(await up.drain(10_000)).toBe(true);
    await up.close();
    expect(up.stats().delivered).toBe(730);
    expect(up.stats().spool.points).toBe(0);
    expect(await readdir(dir)).toEqual([]);
    expect(await countPoints(clientFor(url), 'angle_trace', 'angle_deg', 'traces')).toBe(730);
  });
});
