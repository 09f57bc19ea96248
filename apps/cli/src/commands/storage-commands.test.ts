import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalyzeOutput } from '@hamstream/core';
import {
  createInfluxClient,
  type InfluxdProcess,
  parseInfluxUrl,
  startInfluxd,
  syntheticSession,
  writeRecentCopy,
  writeSessionFolder,
} from '@hamstream/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

/** `hamstream backfill` and `hamstream export`, run in-process against a data folder and a real influxd. */
let tmp: string;
let dataDir: string;
let influxd: InfluxdProcess;

const run = runCli;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'hamstream-cli-storage-'));
  dataDir = path.join(tmp, 'data');
  for (const [week, romDeg] of [80, 86, 92].entries()) {
    await writeSessionFolder(
      dataDir,
      syntheticSession({
        session: `w${week}`,
        startedAt: new Date(Date.UTC(2026, 9, 1 + 7 * week, 9)).toISOString(),
        romDeg,
      }),
    );
  }
  influxd = await startInfluxd();
}, 30_000);

afterAll(async () => {
  await influxd?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('hamstream backfill', () => {
  it('loads every session into InfluxDB, and a second run changes no counts', async () => {
    const url = `${influxd.baseUrl}/clinic`;
    const first = await run(['backfill', dataDir, '--influx', url]);
    expect(first.err).toContain('w2:');
    expect(first.out).toMatch(
      /^backfilled 3 session\(s\), \d+ points into http:\/\/127\.0\.0\.1:\d+\/clinic\n$/,
    );
    expect(first.code).toBe(0);
    const client = createInfluxClient(parseInfluxUrl(url));
    const count = async () =>
      (await client.query<{ count: number }>('SELECT count("rep_index") AS "count" FROM "reps"'))[0]?.count;
    expect(await count()).toBe(3 * 21);
    expect((await run(['backfill', dataDir, '--influx', url])).code).toBe(0);
    expect(await count()).toBe(3 * 21);
  }, 30_000);

  it('fails with one clear line without a URL, with a bad URL, or without sessions', async () => {
    const saved = process.env.HAMSTREAM_INFLUX_URL;
    delete process.env.HAMSTREAM_INFLUX_URL;
    try {
      expect(await run(['backfill', dataDir])).toMatchObject({
        code: 1,
        err: 'hamstream: no InfluxDB given: use --influx URL or set HAMSTREAM_INFLUX_URL\n',
      });
    } finally {
      if (saved !== undefined) process.env.HAMSTREAM_INFLUX_URL = saved;
    }
    expect((await run(['backfill', dataDir, '--influx', 'ftp://x/y'])).err).toMatch(
      /^hamstream: unsupported protocol/,
    );
    expect((await run(['backfill', tmp, '--influx', `${influxd.baseUrl}/x`])).err).toMatch(
      /^hamstream: no sessions in /,
    );
  });
});

describe('hamstream analyze --influx', () => {
  const NORDIC = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../../../fixtures/nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean.rec.jsonl.gz',
  );

  it('writes the recording’s results once, however often it runs (flag or env)', async () => {
    const url = `${influxd.baseUrl}/one`;
    const spool = path.join(tmp, 'analyze-spool');
    const json = await run(['analyze', '--json', NORDIC, '--influx', url, '--spool', spool]);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.out) as AnalyzeOutput;
    const imuReps = doc.sets.filter((s) => s.device === 'R-thigh').reduce((n, s) => n + s.reps.length, 0);
    const efforts = doc.sets.filter((s) => s.device === 'R-strap').reduce((n, s) => n + s.reps.length, 0);
    expect(imuReps).toBeGreaterThan(0);
    expect(json.err).toMatch(
      /point\(s\) of session nordic-curl_witmotion-wt901\+tindeq-progressor_thigh\+handle_clean \(subject sim-011\) written to http:\/\/127\.0\.0\.1:\d+\/one\n/,
    );
    const client = createInfluxClient(parseInfluxUrl(url));
    const count = async (measurement: string, field: string) =>
      (
        await client.query<{ count: number }>(
          `SELECT count("${field}") AS "count" FROM "${measurement}" WHERE "subject" = 'sim-011'`,
        )
      )[0]?.count ?? 0;
    expect(await count('reps', 'rep_index')).toBe(imuReps);
    expect(await count('force_efforts', 'rep_index')).toBe(efforts);
    expect(await count('sessions', 'set_count')).toBe(1);
    const breaks = await client.query<{ break_deg: number }>(
      `SELECT "break_deg" FROM "reps" WHERE "subject" = 'sim-011' AND "session" = 'nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean'`,
    );
    expect(breaks.length).toBe(imuReps);

    // Again through the environment, under an explicit session id: the first session's counts stay.
    const saved = process.env.HAMSTREAM_INFLUX_URL;
    process.env.HAMSTREAM_INFLUX_URL = url;
    try {
      const again = await run(['analyze', NORDIC, '--spool', spool]);
      expect(again.code).toBe(0);
      const other = await run(['analyze', NORDIC, '--spool', spool, '--session', 'n2', '--subject', 'p9']);
      expect(other.code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.HAMSTREAM_INFLUX_URL;
      else process.env.HAMSTREAM_INFLUX_URL = saved;
    }
    expect(await count('reps', 'rep_index')).toBe(imuReps);
    expect(await count('sessions', 'set_count')).toBe(1);
    const p9 = await client.query<{ count: number }>(
      `SELECT count("rep_index") AS "count" FROM "reps" WHERE "subject" = 'p9' AND "session" = 'n2'`,
    );
    expect(p9[0]?.count).toBe(imuReps);
  }, 60_000);

  it('refuses a bad URL before analysing', async () => {
    expect((await run(['analyze', NORDIC, '--influx', 'ftp://x/y'])).err).toMatch(
      /^hamstream: --influx: unsupported protocol/,
    );
  });
});

describe('hamstream analyze --influx --store-raw', () => {
  const NORDIC = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../../../fixtures/nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean.rec.jsonl.gz',
  );

  it('stores every sample the engine used once, keyed by device, however often it runs', async () => {
    const rec = path.join(tmp, 'nordic-raw.rec.jsonl.gz');
    await writeRecentCopy(NORDIC, rec);
    const url = `${influxd.baseUrl}/raw`;
    const spool = path.join(tmp, 'raw-spool');
    const first = await run(['analyze', '--json', rec, '--influx', url, '--spool', spool, '--store-raw']);
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.out) as AnalyzeOutput;
    const samples = Object.fromEntries(doc.quality.map((q) => [q.device, q.samples]));
    expect(samples['R-thigh']).toBeGreaterThan(10_000);
    expect(samples['R-strap']).toBeGreaterThan(5_000);
    const rawTotal = (samples['R-thigh'] ?? 0) + (samples['R-strap'] ?? 0);
    expect(first.err).toContain(`(${rawTotal} raw sample(s) among them)`);
    expect(first.err).not.toContain('refused');

    const client = createInfluxClient(parseInfluxUrl(url));
    const counts = async () => ({
      imu: await client.query<Record<string, number | string>>(
        'SELECT count(*) FROM "traces"."imu_raw" GROUP BY *',
      ),
      force: await client.query<Record<string, number | string>>(
        'SELECT count(*) FROM "traces"."force_raw" GROUP BY *',
      ),
    });
    const tags = { session: 'nordic-raw', subject: 'sim-011' };
    const once = await counts();
    expect(once.imu).toHaveLength(1);
    expect(once.imu[0]).toMatchObject({
      ...tags,
      device: 'R-thigh',
      placement: 'thigh',
      side: 'right',
      count_acc_x_ms2: samples['R-thigh'],
      count_acc_z_ms2: samples['R-thigh'],
      count_gyro_y_dps: samples['R-thigh'],
    });
    expect(once.force).toHaveLength(1);
    expect(once.force[0]).toMatchObject({
      ...tags,
      device: 'R-strap',
      placement: 'handle',
      side: 'right',
      count_force_n: samples['R-strap'],
    });
    // Keyed by the recording only: no activity tag (see schema.ts RAW_TAGS).
    const keys = await client.query<{ tagKey: string }>('SHOW TAG KEYS FROM "traces"."imu_raw"');
    expect(keys.map((k) => k.tagKey)).toEqual(['device', 'placement', 'session', 'side', 'subject']);

    // Again: the same keys, nothing duplicated.
    expect((await run(['analyze', rec, '--influx', url, '--spool', spool, '--store-raw'])).code).toBe(0);
    expect(await counts()).toEqual(once);
  }, 60_000);

  it('without InfluxDB, --store-raw is an error that says why (analyze and start)', async () => {
    const saved = process.env.HAMSTREAM_INFLUX_URL;
    delete process.env.HAMSTREAM_INFLUX_URL;
    try {
      const analyze = await run(['analyze', NORDIC, '--store-raw']);
      expect(analyze.code).not.toBe(0);
      expect(analyze.out).toBe('');
      expect(analyze.err).toMatch(/^hamstream: --store-raw needs --influx URL \(or HAMSTREAM_INFLUX_URL\)/);
      const start = await run(['start', '--store-raw', '--data', path.join(tmp, 'no-influx')]);
      expect(start.code).not.toBe(0);
      expect(start.err).toMatch(/^hamstream: --store-raw needs --influx URL/);
    } finally {
      if (saved !== undefined) process.env.HAMSTREAM_INFLUX_URL = saved;
    }
  });
});

describe('hamstream export', () => {
  it('csv, json and fhir to stdout; html with the progress section to a file', async () => {
    const csv = await run(['export', 'w2', '--data', dataDir]);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\r\n')[0]?.startsWith('session,subject,set_index,device')).toBe(true);
    expect(csv.out.trim().split('\r\n')).toHaveLength(1 + 21 + 6);

    const json = JSON.parse((await run(['export', 'w2', '--data', dataDir, '--format', 'json'])).out);
    expect(json).toMatchObject({ format: 'hamstream.session', session: 'w2', subject: 'athlete-07' });

    const fhir = JSON.parse(
      (await run(['export', path.join(dataDir, 'sessions', 'w2'), '--format', 'fhir'])).out,
    );
    expect(fhir).toMatchObject({ resourceType: 'Bundle', type: 'collection' });

    const out = path.join(tmp, 'w2.html');
    expect((await run(['export', 'w2', '--data', dataDir, '--format', 'html', '--out', out])).code).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('Progress since 2026-10-01');
    expect(html).toContain('improved');
  });

  it('prints a PDF through headless Chromium', async () => {
    const out = path.join(tmp, 'w2.pdf');
    const res = await run(['export', 'w2', '--data', dataDir, '--format', 'pdf', '--out', out]);
    expect(res.code).toBe(0);
    expect((await readFile(out)).subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);

  it('fails with one clear line for an unknown session or format', async () => {
    expect((await run(['export', 'nope', '--data', dataDir])).err).toBe(
      `hamstream: session "nope" not found in ${path.join(dataDir, 'sessions')} (or it has no summary.json yet)\n`,
    );
    expect((await run(['export', 'w1', '--data', dataDir, '--format', 'xml'])).err).toBe(
      'hamstream: unknown --format "xml" (use csv, json, fhir, html, pdf)\n',
    );
    expect((await run(['export', 'w1', '--data', dataDir, '--format', 'pdf'])).err).toBe(
      'hamstream: --format pdf needs --out FILE\n',
    );
  });
});
