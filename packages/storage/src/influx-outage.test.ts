import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxSink } from './influx-sink.js';
import { type InfluxdProcess, startInfluxd } from './influxd-process.js';
import { syntheticSession } from './sample-data.js';
import { pointsFromAnalyzeOutput } from './schema.js';
import { clientFor, countPoints, orderedResultPoints, recentStartMs, tracePoints } from './test-influx.js';

/**
 * The acceptance test: kill influxd (SIGKILL, like a crash) in the middle of a stream,
 * keep writing while it is down, restart it, and count: every point arrives exactly once.
 */
let influxd: InfluxdProcess;
let tmp: string;

beforeAll(async () => {
  influxd = await startInfluxd();
  tmp = await mkdtemp(path.join(tmpdir(), 'hamstream-outage-'));
}, 30_000);

afterAll(async () => {
  await influxd?.stop();
  await rm(tmp, { recursive: true, force: true });
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InfluxDB outage', () => {
  it('kill influxd mid-stream, keep writing, restart: every point exactly once', async () => {
    const url = `${influxd.baseUrl}/outage`;
    const spoolDir = path.join(tmp, 'spool');
    const sink = await createInfluxSink({
      url,
      spoolDir,
      batchSize: 200,
      flushIntervalMs: 20,
      retryMinMs: 20,
      retryMaxMs: 200,
      requestTimeoutMs: 2000,
    });
    const all = tracePoints(30_000);
    const chunk = 500;
    let k = 0;
    // Results interleaved with the traces: one analysed session per chunk (distinct session ids),
    // so both the strictly ordered result batches and the overlapping trace batches cross the outage.
    let sessions = 0;
    const writeChunks = async (n: number) => {
      for (let c = 0; c < n && k < all.length; c++, k += chunk) {
        sink.write(all.slice(k, k + chunk));
        const s = syntheticSession({ session: `s${sessions++}` });
        sink.write(pointsFromAnalyzeOutput(s.output, s, Date.parse(s.startedAt)));
        await tick(5);
      }
    };

    await writeChunks(20); // 10 000 points while up
    // Crash with batches in flight (no flush first).
    await influxd.kill();
    await writeChunks(20); // 10 000 points while down
    await sink.flush();
    const down = sink.stats();
    expect(down.mode).toBe('spooling');
    expect(down.spool.points).toBeGreaterThan(0);
    expect((await readdir(spoolDir)).length).toBeGreaterThan(0);

    await influxd.restart();
    await writeChunks(20); // 10 000 points during recovery, queued behind the spool
    expect(k).toBe(all.length);
    expect(await sink.drain(20_000)).toBe(true);
    await sink.close();

    const st = sink.stats();
    const perSession = pointsFromAnalyzeOutput(syntheticSession().output, syntheticSession(), 0).length;
    const total = 30_000 + sessions * perSession;
    expect(sessions).toBe(60);
    expect(st).toMatchObject({ accepted: total, delivered: total, rejected: 0, invalid: 0, mode: 'direct' });
    expect(st.failedRequests).toBeGreaterThan(0);
    expect(st.spool).toMatchObject({ points: 0, droppedPoints: 0, segments: 0 });
    expect(await readdir(spoolDir)).toEqual([]);

    const client = clientFor(url);
    expect(await countPoints(client, 'angle_trace', 'angle_deg', 'traces')).toBe(30_000);
    expect(await countPoints(client, 'reps', 'rep_index')).toBe(60 * 21);
    expect(await countPoints(client, 'cadence', 'spm')).toBe(60 * 60);
    expect(await countPoints(client, 'sessions', 'set_count')).toBe(60);
    // exactly once, point by point: 30 000 distinct timestamps, first and last present
    const span = await client.query<{ first: number; last: number }>(
      'SELECT first("angle_deg"), last("angle_deg") FROM "traces"."angle_trace"',
    );
    expect(span[0]?.first).toBeCloseTo(all[0]?.fields.angle_deg as number, 9);
    expect(span[0]?.last).toBeCloseTo(all[all.length - 1]?.fields.angle_deg as number, 9);
  }, 60_000);

  it('down during a burst past the in-memory bound: the queue goes in front of later batches; once each, in order', async () => {
    const url = `${influxd.baseUrl}/overflow`;
    const sink = await createInfluxSink({
      url,
      spoolDir: path.join(tmp, 'spool-overflow'),
      batchSize: 100,
      maxQueuedPoints: 300,
      retryMinMs: 20,
      retryMaxMs: 200,
      requestTimeoutMs: 2000,
    });
    const results = orderedResultPoints(60, 100, recentStartMs(), 'overflow');
    const traces = tracePoints(6000, recentStartMs(), 'overflow');
    // Schema set up while InfluxDB is there.
    sink.write(traces.slice(0, 1));
    expect(await sink.drain(10_000)).toBe(true);
    await influxd.kill();
    // One burst while nothing answers: the first batches are queued (and fail), the burst overflows
    // the bound, later batches are spooled; the failed ones and the queue must end up in front.
    sink.write(results);
    sink.write(traces.slice(1));
    const burst = sink.stats();
    expect(burst.mode).toBe('spooling');
    expect(burst.queued).toBeGreaterThan(0);
    await sink.flush();
    await tick(100);
    expect(sink.stats()).toMatchObject({ queued: 0, delivered: 1 });
    expect(sink.stats().spool.points).toBe(11_999);
    await influxd.restart();
    expect(await sink.drain(20_000)).toBe(true);
    await sink.close();
    expect(sink.stats()).toMatchObject({ accepted: 12_000, delivered: 12_000, rejected: 0, mode: 'direct' });
    const client = clientFor(url);
    expect(await countPoints(client, 'cadence', 'spm')).toBe(60 * 99);
    expect(await countPoints(client, 'angle_trace', 'angle_deg', 'traces')).toBe(6000);
    // every result batch rewrote one key with its index: the last one written must be the one stored
    const last = await client.query<{ set_count: number }>('SELECT "set_count" FROM "sessions"');
    expect(last.map((r) => r.set_count)).toEqual([59]);
  }, 60_000);
});
