import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createInfluxClient,
  type InfluxdProcess,
  parseInfluxUrl,
  startInfluxd,
  writeRecentCopy,
} from '@hamstream/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerLocalHistory } from '../storage/history.js';
import { adminApi, createTestServer, fixturePath } from '../testing/harness.js';

/** The server with `--influx`: live sessions feed a real influxd, history comes back from it. */
const NORDIC = fixturePath('nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean');

let influxd: InfluxdProcess;
beforeAll(async () => {
  influxd = await startInfluxd();
}, 30_000);
afterAll(async () => {
  await influxd?.stop();
});

describe('server with InfluxDB', () => {
  it('writes each session’s engine results once and answers history from InfluxDB like the data folder', async () => {
    const url = `${influxd.baseUrl}/clinic`;
    const server = await createTestServer({ influx: { url } });
    try {
      const api = await adminApi(server);
      await api('POST', '/api/subjects', { id: 'athlete-07' });
      for (const id of ['n1', 'n2']) {
        await api('POST', '/api/sessions', { id, subject: 'athlete-07' });
        expect((await server.registry.importRecording(id, NORDIC)).ok).toBe(true);
      }
      const stats = server.influx!.stats;
      const client = createInfluxClient(parseInfluxUrl(url));
      // The fixture was recorded in May: InfluxDB refuses its traces (older than the `traces` retention
      // policy) and takes every result point.
      await expect
        .poll(() => stats().delivered + stats().rejected, { timeout: 15_000 })
        .toBe(stats().accepted);
      expect(stats().delivered).toBeGreaterThan(0);
      const traces = await client.query<{ count: number }>(
        `SELECT count("angle_deg") AS "count" FROM "traces"."angle_trace"`,
      );
      expect(traces).toHaveLength(0);

      const summary = (await api('GET', '/api/sessions/n1/summary')).json<{
        analysis: { sets: { device: string; reps: unknown[] }[] };
      }>();
      const imuReps = summary.analysis.sets
        .filter((s) => s.device === 'R-thigh')
        .reduce((n, s) => n + s.reps.length, 0);
      const reps = await client.query<{ count: number }>(
        `SELECT count("rep_index") AS "count" FROM "reps" WHERE "subject" = 'athlete-07' GROUP BY "session"`,
      );
      // Live updates and the finished analysis land on the same keys: each rep once per session.
      expect(reps.map((r) => r.count)).toEqual([imuReps, imuReps]);
      // The session's subject is the server's, not the one the recording header claims (sim-011).
      const claimed = await client.query(`SELECT * FROM "sessions" WHERE "subject" = 'sim-011'`);
      expect(claimed).toHaveLength(0);

      const res = await api('GET', '/api/subjects/athlete-07/history');
      expect(res.statusCode).toBe(200);
      const fromInflux = res.json<Record<string, unknown>>();
      const fromFolder = await createServerLocalHistory(server.dataDir, server.registry).subjectHistory(
        'athlete-07',
      );
      expect(fromInflux).toMatchObject({ sessions: fromFolder.sessions });
      expect(JSON.parse(JSON.stringify(fromInflux))).toEqual(JSON.parse(JSON.stringify(fromFolder)));
    } finally {
      await server.dispose();
    }
  }, 60_000);

  it('with storeRaw, a live session also stores every sample the engine used, once per sample', async () => {
    // A copy recorded yesterday: raw samples go to the `traces` policy, which refuses month-old points.
    const dataDir = await mkdtemp(join(tmpdir(), 'hamstream-influx-raw-'));
    const rec = join(dataDir, 'nordic-recent.rec.jsonl.gz');
    await writeRecentCopy(NORDIC, rec);

    const url = `${influxd.baseUrl}/raw`;
    const server = await createTestServer({ dataDir, influx: { url, storeRaw: true } });
    try {
      const api = await adminApi(server);
      await api('POST', '/api/subjects', { id: 'athlete-07' });
      await api('POST', '/api/sessions', { id: 'r1', subject: 'athlete-07' });
      expect((await server.registry.importRecording('r1', rec)).ok).toBe(true);
      const stats = server.influx!.stats;
      await expect
        .poll(() => stats().delivered + stats().rejected, { timeout: 15_000 })
        .toBe(stats().accepted);
      expect(stats().rejected).toBe(0);

      const summary = (await api('GET', '/api/sessions/r1/summary')).json<{
        analysis: { quality: { device: string; samples: number }[] };
      }>();
      const samples = Object.fromEntries(summary.analysis.quality.map((q) => [q.device, q.samples]));
      const client = createInfluxClient(parseInfluxUrl(url));
      const imu = await client.query<Record<string, number | string>>(
        'SELECT count(*) FROM "traces"."imu_raw" GROUP BY *',
      );
      expect(imu).toHaveLength(1);
      expect(imu[0]).toMatchObject({
        device: 'R-thigh',
        placement: 'thigh',
        side: 'right',
        session: 'r1',
        subject: 'athlete-07',
        count_acc_x_ms2: samples['R-thigh'],
        count_gyro_z_dps: samples['R-thigh'],
      });
      const force = await client.query<Record<string, number | string>>(
        'SELECT count("force_n") AS "count" FROM "traces"."force_raw" GROUP BY *',
      );
      expect(force).toHaveLength(1);
      expect(force[0]).toMatchObject({ device: 'R-strap', session: 'r1', count: samples['R-strap'] });
      expect(samples['R-strap']).toBeGreaterThan(5_000);
    } finally {
      await server.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('never blocks the live path while InfluxDB is down; the spool delivers after it returns', async () => {
    const url = `${influxd.baseUrl}/outage`;
    const dataDir = await mkdtemp(join(tmpdir(), 'hamstream-influx-live-'));
    const server = await createTestServer({ dataDir, influx: { url, closeTimeoutMs: 200 } });
    await influxd.kill();
    try {
      await server.store.putSubject({
        id: 'p1',
        note: null,
        baselineCadenceSpm: null,
        createdAt: '2026-11-20T09:00:00.000Z',
        therapist: null,
      });
      expect((await server.registry.createSession({ id: 'o1', subject: 'p1' })).ok).toBe(true);
      const started = performance.now();
      expect((await server.registry.importRecording('o1', NORDIC)).ok).toBe(true);
      // As fast as without InfluxDB (the fixture analyses in about a second).
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(server.influx!.stats().delivered).toBe(0);
      expect(server.influx!.stats().accepted).toBeGreaterThan(0);
    } finally {
      await server.dispose();
    }
    // Graceful shutdown left the points in DATA/influx-spool; the next start sends them.
    await influxd.restart();
    const again = await createTestServer({ dataDir, influx: { url } });
    try {
      const client = createInfluxClient(parseInfluxUrl(url));
      await expect
        .poll(
          async () =>
            (
              await client
                .query<{ count: number }>(`SELECT count("set_count") AS "count" FROM "sessions"`)
                .catch(() => [])
            )[0]?.count ?? 0,
          { timeout: 20_000, interval: 200 },
        )
        .toBe(1);
    } finally {
      await again.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
