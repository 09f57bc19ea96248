import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type {
  AccountDto,
  AccountResult,
  DaemonTokenCreated,
  DaemonTokenDto,
  LoginResult,
  MeDto,
  SessionDto,
  SessionLiveState,
  SessionSummaryDto,
  SubjectDto,
  TargetsDto,
} from '@hamstream/protocol';
import type { SubjectHistory } from '@hamstream/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  adminBearer,
  bearerFor,
  connectEvents,
  createTestServer,
  fixturePath,
  TEST_PASSWORD,
  type TestServer,
  testHeader,
} from '../testing/harness.js';

/** A real recording (Nordic curls: thigh IMU + force gauge), stored through the same path as an upload. */
const NORDIC_FIXTURE = fixturePath('nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_clean');

let server: TestServer;
let admin: string;
beforeEach(async () => {
  server = await createTestServer();
  admin = await adminBearer(server);
});
afterEach(async () => {
  await server.dispose();
});

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** A request as the test admin (or as `token`). */
const inject = (method: Method, url: string, payload?: object, token = admin) =>
  server.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
/** A request without credentials (sign-in). */
const anonymous = (method: Method, url: string, payload?: object) =>
  server.app.inject({ method, url, ...(payload ? { payload } : {}) });

/** A session fed by a (pretend) daemon: hello + a few events through the same registry calls as /ingest. */
async function liveSession(id = 'sess-1'): Promise<void> {
  const hello = await server.registry.ingestHello(
    { session: id, header: testHeader(), daemonId: 'd1' },
    'conn-1',
  );
  expect(hello).toEqual({ ok: true, lastSeq: 0 });
  const batch = connectEvents(3).map((event, i) => ({ seq: i + 1, event }));
  expect(await server.registry.ingestEvents({ session: id, batch }, 'conn-1')).toEqual({
    ok: true,
    ackedSeq: 3,
  });
}

/** One case per route; the table test below fails when a route has none. */
const cases: Record<string, () => Promise<void>> = {
  'GET /api/health': async () => {
    const res = await anonymous('GET', '/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', version: '0.1.0', liveSessions: 0 });
  },
  'GET /api/subjects': async () => {
    expect((await inject('GET', '/api/subjects')).json()).toEqual([]);
    await inject('POST', '/api/subjects', { id: 'b-2' });
    await inject('POST', '/api/subjects', { id: 'a-1' });
    expect((await inject('GET', '/api/subjects')).json<SubjectDto[]>().map((s) => s.id)).toEqual([
      'a-1',
      'b-2',
    ]);
  },
  'POST /api/subjects': async () => {
    const res = await inject('POST', '/api/subjects', { id: 'athlete-07', baselineCadenceSpm: 162 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: 'athlete-07', note: null, baselineCadenceSpm: 162 });
    const again = await inject('POST', '/api/subjects', { id: 'athlete-07' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'HAMSTREAM_ERR_CONFLICT' });
    const bad = await inject('POST', '/api/subjects', { id: 'has space' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'HAMSTREAM_ERR_BAD_REQUEST' });
    const extra = await inject('POST', '/api/subjects', { id: 'x', name: 'Real Name' });
    expect(extra.statusCode).toBe(400);
    const stored = JSON.parse(await readFile(join(server.dataDir, 'subjects.json'), 'utf8')) as SubjectDto[];
    expect(stored.map((s) => s.id)).toEqual(['athlete-07']);
  },
  'GET /api/subjects/:id': async () => {
    expect((await inject('GET', '/api/subjects/nobody')).statusCode).toBe(404);
    await inject('POST', '/api/subjects', { id: 'p1', note: 'left ACL' });
    expect((await inject('GET', '/api/subjects/p1')).json()).toMatchObject({ id: 'p1', note: 'left ACL' });
  },
  'GET /api/subjects/:id/history': async () => {
    await inject('POST', '/api/subjects', { id: 'athlete-07' });
    await inject('POST', '/api/subjects', { id: 'sim-011' });
    const empty = (await inject('GET', '/api/subjects/athlete-07/history')).json();
    expect(empty).toMatchObject({ subject: 'athlete-07', sessions: [], rom: [], cadence: null });
    for (const id of ['n1', 'n2']) {
      await inject('POST', '/api/sessions', { id, subject: 'athlete-07' });
      expect((await server.registry.importRecording(id, NORDIC_FIXTURE)).ok).toBe(true);
    }
    // A live (not ended) session of the subject is not a progress point yet.
    await inject('POST', '/api/sessions', { id: 'n3', subject: 'athlete-07' });
    await liveSession('n3');
    const res = await inject('GET', '/api/subjects/athlete-07/history');
    expect(res.statusCode).toBe(200);
    const h = res.json<SubjectHistory>();
    expect(h.sessions.map((s) => s.session)).toEqual(['n1', 'n2']);
    expect(h.sessions[0]!.startedAt).toBe('2026-05-01T20:49:00.000Z');
    const summary = (await inject('GET', '/api/sessions/n1/summary')).json<SessionSummaryDto>();
    const thighReps = summary.analysis.sets.filter((x) => x.device === 'R-thigh').flatMap((x) => x.reps);
    const meanBreak = thighReps.reduce((a, r) => a + (r.breakDeg ?? 0), 0) / thighReps.length;
    expect(h.nordicBreak).toHaveLength(1);
    expect(h.nordicBreak[0]).toMatchObject({ metric: 'breakDeg', side: 'right', unit: 'deg' });
    expect(h.nordicBreak[0]!.baseline).toBeCloseTo(meanBreak, 6);
    // The same recording twice: the second session shows no real change against the first.
    expect(h.nordicBreak[0]!.points.map((p) => p.change.status)).toEqual(['baseline', 'no-real-change']);
    expect(h.peakForce.map((x) => x.activity)).toEqual(['nordic-curl']);
    expect(h.peakForce[0]!.baseline).toBeGreaterThan(300);
    expect(h.mdc.romDeg.value).toBe(5);
    // The recording header names sim-011: a claim, not the session's subject.
    expect((await inject('GET', '/api/subjects/sim-011/history')).json()).toMatchObject({ sessions: [] });
    // Range: inclusive bounds on the session start.
    const late = await inject('GET', '/api/subjects/athlete-07/history?from=2026-05-01T20:49:00.001Z');
    expect(late.json()).toMatchObject({
      sessions: [],
      range: { from: '2026-05-01T20:49:00.001Z', to: null },
    });
    const within = await inject(
      'GET',
      '/api/subjects/athlete-07/history?from=2026-05-01T00:00:00Z&to=2026-05-01T20:49:00Z',
    );
    expect(within.json<SubjectHistory>().sessions).toHaveLength(2);
    // Bad ranges and unknown parameters are refused; an unknown subject is 404.
    for (const q of ['from=yesterday', 'to=2026-05-01T00:00:00Z&from=2026-05-02T00:00:00Z', 'limit=3']) {
      const bad = await inject('GET', `/api/subjects/athlete-07/history?${q}`);
      expect(bad.statusCode, q).toBe(400);
    }
    expect((await inject('GET', '/api/subjects/nobody/history')).statusCode).toBe(404);
  },
  'PATCH /api/subjects/:id': async () => {
    expect((await inject('PATCH', '/api/subjects/p1', { note: 'x' })).statusCode).toBe(404);
    await inject('POST', '/api/subjects', { id: 'p1', note: 'a' });
    const res = await inject('PATCH', '/api/subjects/p1', { baselineCadenceSpm: 158 });
    expect(res.json()).toMatchObject({ id: 'p1', note: 'a', baselineCadenceSpm: 158 });
    expect((await inject('PATCH', '/api/subjects/p1', { note: null })).json()).toMatchObject({ note: null });
  },
  'GET /api/targets': async () => {
    expect((await inject('GET', '/api/targets')).json()).toEqual([]);
    await inject('PUT', '/api/targets/default', { romDeg: { bridge: 30 }, cadence: null });
    expect((await inject('GET', '/api/targets')).json<TargetsDto[]>().map((t) => t.subject)).toEqual([
      'default',
    ]);
  },
  'GET /api/targets/:subject': async () => {
    // Built-in default: +5 % ± 2 % cadence, no ROM targets.
    expect((await inject('GET', '/api/targets/default')).json()).toEqual({
      subject: 'default',
      romDeg: {},
      cadence: { baselineSpm: null, changePct: 5, tolerancePct: 2 },
    });
    expect((await inject('GET', '/api/targets/ghost')).statusCode).toBe(404);
    await inject('POST', '/api/subjects', { id: 'p1' });
    await inject('PUT', '/api/targets/default', { romDeg: { bridge: 30 }, cadence: null });
    // A subject without its own targets gets `default`'s.
    expect((await inject('GET', '/api/targets/p1')).json()).toEqual({
      subject: 'p1',
      romDeg: { bridge: 30 },
      cadence: null,
    });
  },
  'PUT /api/targets/:subject': async () => {
    expect((await inject('PUT', '/api/targets/p1', { romDeg: {}, cadence: null })).statusCode).toBe(404);
    await inject('POST', '/api/subjects', { id: 'p1' });
    const body = {
      romDeg: { 'prone-hamstring-curl': 95 },
      cadence: { baselineSpm: 160, changePct: 5, tolerancePct: 2 },
    };
    const res = await inject('PUT', '/api/targets/p1', body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ subject: 'p1', ...body });
    expect((await inject('GET', '/api/targets/p1')).json()).toEqual({ subject: 'p1', ...body });
    const bad = await inject('PUT', '/api/targets/p1', { romDeg: { x: -5 }, cadence: null });
    expect(bad.statusCode).toBe(400);
  },
  'GET /api/sessions': async () => {
    expect((await inject('GET', '/api/sessions')).json()).toEqual([]);
    await inject('POST', '/api/subjects', { id: 'p1' });
    expect((await inject('POST', '/api/sessions', { id: 'a', subject: 'p1' })).statusCode).toBe(201);
    await liveSession('b');
    const all = (await inject('GET', '/api/sessions')).json<SessionDto[]>();
    expect(all.map((s) => s.id).sort()).toEqual(['a', 'b']);
    expect((await inject('GET', '/api/sessions?status=live')).json<SessionDto[]>().map((s) => s.id)).toEqual([
      'b',
    ]);
    expect((await inject('GET', '/api/sessions?subject=p1')).json<SessionDto[]>().map((s) => s.id)).toEqual([
      'a',
    ]);
    expect((await inject('GET', '/api/sessions?status=bogus')).statusCode).toBe(400);
  },
  'POST /api/sessions': async () => {
    // The subject must exist (a session for a subject someone creates later would change hands).
    expect((await inject('POST', '/api/sessions', { subject: 'p1' })).statusCode).toBe(404);
    await inject('POST', '/api/subjects', { id: 'p1' });
    const res = await inject('POST', '/api/sessions', { subject: 'p1' });
    expect(res.statusCode).toBe(201);
    const s = res.json<SessionDto>();
    expect(s).toMatchObject({
      subject: 'p1',
      status: 'created',
      eventCount: 0,
      ingestOnline: false,
      owner: 'root',
    });
    expect(s.id).toMatch(/^s-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect((await inject('POST', '/api/sessions', { id: s.id })).statusCode).toBe(409);
    const meta = JSON.parse(await readFile(join(server.dataDir, 'sessions', s.id, 'session.json'), 'utf8'));
    expect(meta).toMatchObject({ id: s.id, status: 'created', owner: 'root' });
  },
  'GET /api/sessions/:id': async () => {
    expect((await inject('GET', '/api/sessions/none')).statusCode).toBe(404);
    await liveSession();
    expect((await inject('GET', '/api/sessions/sess-1')).json()).toMatchObject({
      id: 'sess-1',
      subject: 'athlete-07',
      status: 'live',
      ingestOnline: true,
      eventCount: 3,
      startedAt: '2026-11-20T10:00:00.000Z',
      devices: [{ id: 'R-thigh', driver: 'witmotion-wt901', placement: 'thigh', side: 'right' }],
    });
  },
  'POST /api/sessions/:id/sets/start': async () => {
    await inject('POST', '/api/sessions', { id: 'quiet' });
    // No daemon yet: nothing to write the mark into.
    const early = await inject('POST', '/api/sessions/quiet/sets/start', { activity: 'bridge' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'HAMSTREAM_ERR_SESSION_NOT_LIVE' });
    await liveSession();
    const res = await inject('POST', '/api/sessions/sess-1/sets/start', {
      activity: 'bridge',
      side: 'right',
    });
    expect(res.statusCode).toBe(200);
    // The mark takes the data time of the newest event (t = 2 ms), never the wall clock.
    expect(res.json()).toEqual({
      session: 'sess-1',
      mark: { type: 'mark', t: 2, activity: 'bridge', side: 'right' },
    });
    const live = (await inject('GET', '/api/sessions/sess-1/live')).json<SessionLiveState>();
    expect(live).toMatchObject({ activity: 'bridge', side: 'right' });
    await server.registry.get('sess-1')!.appender!.flush();
    const lines = (await readFile(join(server.dataDir, 'sessions', 'sess-1', 'recording.rec.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      type: 'mark',
      t: 2,
      activity: 'bridge',
      side: 'right',
      source: 'server',
    });
    expect((await inject('POST', '/api/sessions/sess-1/sets/start', { activity: '' })).statusCode).toBe(400);
    expect(
      (await inject('POST', '/api/sessions/sess-1/sets/start', { activity: 'run', side: 'up' })).statusCode,
    ).toBe(400);
  },
  'POST /api/sessions/:id/sets/stop': async () => {
    expect((await inject('POST', '/api/sessions/none/sets/stop')).statusCode).toBe(404);
    await liveSession();
    const res = await inject('POST', '/api/sessions/sess-1/sets/stop');
    expect(res.json()).toEqual({ session: 'sess-1', mark: { type: 'mark', t: 2, activity: null } });
    expect((await inject('GET', '/api/sessions/sess-1/live')).json<SessionLiveState>().activity).toBeNull();
  },
  'POST /api/sessions/:id/end': async () => {
    await liveSession();
    const res = await inject('POST', '/api/sessions/sess-1/end');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'sess-1', status: 'ended', ingestOnline: false });
    expect(res.json<SessionDto>().endedAt).not.toBeNull();
    // Ending twice is harmless; ingest and marks are refused afterwards.
    expect((await inject('POST', '/api/sessions/sess-1/end')).statusCode).toBe(200);
    expect((await inject('POST', '/api/sessions/sess-1/sets/stop')).json()).toMatchObject({
      code: 'HAMSTREAM_ERR_SESSION_ENDED',
    });
    const hello = await server.registry.ingestHello(
      { session: 'sess-1', header: testHeader(), daemonId: 'd1' },
      'c2',
    );
    expect(hello).toEqual({ ok: false, error: 'session sess-1 has ended' });
    const summary = JSON.parse(
      await readFile(join(server.dataDir, 'sessions', 'sess-1', 'summary.json'), 'utf8'),
    );
    expect(summary).toMatchObject({ session: 'sess-1', provisional: false });
    expect(summary.analysis.recording.devices).toEqual(['R-thigh']);
  },
  'GET /api/sessions/:id/summary': async () => {
    await liveSession();
    const live = (await inject('GET', '/api/sessions/sess-1/summary')).json<SessionSummaryDto>();
    expect(live.provisional).toBe(true);
    expect(live.session.id).toBe('sess-1');
    expect(live.analysis.recording.startedAt).toBe('2026-11-20T10:00:00.000Z');
    await inject('POST', '/api/sessions/sess-1/end');
    const final = (await inject('GET', '/api/sessions/sess-1/summary')).json<SessionSummaryDto>();
    expect(final.provisional).toBe(false);
    expect(final.analysis.quality.map((q) => q.device)).toEqual(['R-thigh']);
  },
  'GET /api/sessions/:id/live': async () => {
    expect((await inject('GET', '/api/sessions/x/live')).statusCode).toBe(404);
    await liveSession();
    const state = (await inject('GET', '/api/sessions/sess-1/live')).json<SessionLiveState>();
    expect(state).toMatchObject({
      session: 'sess-1',
      status: 'live',
      ingestOnline: true,
      repCount: 0,
      tS: 0.002,
    });
    expect(state.devices.map((d) => d.device)).toEqual(['R-thigh']);
  },
  'GET /api/sessions/:id/recording': async () => {
    await inject('POST', '/api/sessions', { id: 'empty' });
    expect((await inject('GET', '/api/sessions/empty/recording')).statusCode).toBe(404);
    await liveSession();
    const res = await inject('GET', '/api/sessions/sess-1/recording');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'header', startedAt: '2026-11-20T10:00:00.000Z' });
    expect(lines.slice(1)).toEqual(connectEvents(3));
  },
  'GET /api/wall': async () => {
    expect((await inject('GET', '/api/wall')).json()).toEqual([]);
    await liveSession();
    const tiles = (await inject('GET', '/api/wall')).json<Array<{ session: string; kind: string }>>();
    expect(tiles).toMatchObject([{ session: 'sess-1', kind: 'idle' }]);
  },
  'PUT /api/sessions/:id/recording': async () => {
    await inject('POST', '/api/subjects', { id: 'athlete-07' });
    await inject('POST', '/api/sessions', { id: 'offline', subject: 'athlete-07' });
    const upload = (id: string, body: string | Buffer, type = 'application/x-ndjson') =>
      server.app.inject({
        method: 'PUT',
        url: `/api/sessions/${id}/recording`,
        headers: { authorization: `Bearer ${admin}`, 'content-type': type },
        payload: body,
      });
    const lines = [testHeader(), ...connectEvents(5)].map((l) => JSON.stringify(l));
    // Validated whole before anything is stored: a bad line 4 stores nothing and is named.
    const bad = [...lines.slice(0, 3), '{"type":"connect","t":"soon","device":"R-thigh"}', ...lines.slice(3)];
    const refused = await upload('offline', `${bad.join('\n')}\n`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'HAMSTREAM_ERR_BAD_RECORDING',
      message: expect.stringMatching(/^line 4: /),
    });
    expect(server.store.recordingPath('offline')).toBeNull();
    const cut = await upload('offline', `${lines.join('\n')}\n{"type":"conn`);
    expect(cut.json()).toMatchObject({
      code: 'HAMSTREAM_ERR_BAD_RECORDING',
      message: expect.stringContaining('cut off'),
    });
    expect((await upload('offline', '')).statusCode).toBe(400);
    // Gzip is recognised by its bytes; the session ends with its final summary.
    const res = await upload('offline', gzipSync(`${lines.join('\n')}\n`), 'application/gzip');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'offline',
      status: 'ended',
      eventCount: 5,
      subject: 'athlete-07',
    });
    const summary = (await inject('GET', '/api/sessions/offline/summary')).json<SessionSummaryDto>();
    expect(summary.provisional).toBe(false);
    expect(summary.analysis.recording.devices).toEqual(['R-thigh']);
    const stored = (await inject('GET', '/api/sessions/offline/recording')).body.trim().split('\n');
    expect(stored.map((l) => JSON.parse(l))).toEqual([testHeader(), ...connectEvents(5)]);
    // A session that has data takes no file.
    expect((await upload('offline', `${lines.join('\n')}\n`)).statusCode).toBe(409);
    await liveSession();
    expect((await upload('sess-1', `${lines.join('\n')}\n`)).statusCode).toBe(409);
    expect((await upload('nope', `${lines.join('\n')}\n`)).statusCode).toBe(404);
  },
  'POST /api/auth/login': async () => {
    const cookie = await anonymous('POST', '/api/auth/login', { username: 'root', password: TEST_PASSWORD });
    expect(cookie.statusCode).toBe(200);
    expect(cookie.json<LoginResult>()).toMatchObject({
      account: { id: 'root', role: 'admin', demo: false, mustChangePassword: false },
    });
    expect(cookie.json<LoginResult>().token).toBeUndefined();
    expect(cookie.headers['set-cookie']).toMatch(
      /^hamstream_session=hss_[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(cookie.headers['cache-control']).toBe('no-store');
    const bearer = await anonymous('POST', '/api/auth/login', {
      username: 'Root ',
      password: TEST_PASSWORD,
      bearer: true,
    });
    expect(bearer.headers['set-cookie']).toBeUndefined();
    const token = bearer.json<LoginResult>().token!;
    expect((await inject('GET', '/api/auth/me', undefined, token)).json()).toMatchObject({ id: 'root' });
    const wrong = await anonymous('POST', '/api/auth/login', { username: 'root', password: 'nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({
      code: 'HAMSTREAM_ERR_UNAUTHORIZED',
      message: 'wrong user name or password',
    });
    // An unknown account gets the same answer.
    expect((await anonymous('POST', '/api/auth/login', { username: 'ghost', password: 'x' })).json()).toEqual(
      wrong.json(),
    );
    expect(
      (await anonymous('POST', '/api/auth/login', { username: 'root', password: 'x', extra: 1 })).statusCode,
    ).toBe(400);
  },
  'POST /api/auth/demo': async () => {
    // Without --demo there is no demo key: every key is wrong.
    expect((await anonymous('POST', '/api/auth/demo', { key: 'anything' })).statusCode).toBe(401);
    const key = await server.auth.enableDemo();
    const res = await anonymous('POST', '/api/auth/demo', { key });
    expect(res.statusCode).toBe(200);
    expect(res.json<LoginResult>().account).toEqual({
      id: 'demo',
      role: 'therapist',
      subject: null,
      demo: true,
      mustChangePassword: false,
    });
    expect(res.headers['set-cookie']).toMatch(/^hamstream_session=hss_/);
    // The demo user has no password: it signs in with the key only.
    expect((await anonymous('POST', '/api/auth/login', { username: 'demo', password: '' })).statusCode).toBe(
      400,
    );
    expect((await anonymous('POST', '/api/auth/login', { username: 'demo', password: 'x' })).statusCode).toBe(
      401,
    );
  },
  'GET /api/auth/me': async () => {
    expect((await inject('GET', '/api/auth/me')).json<MeDto>()).toEqual({
      id: 'root',
      role: 'admin',
      subject: null,
      demo: false,
      mustChangePassword: false,
    });
  },
  'POST /api/auth/logout': async () => {
    const token = await bearerFor(server, 'root');
    expect((await inject('POST', '/api/auth/logout', undefined, token)).statusCode).toBe(204);
    expect((await inject('GET', '/api/auth/me', undefined, token)).statusCode).toBe(401);
    // Other sign-ins of the account stay.
    expect((await inject('GET', '/api/auth/me')).statusCode).toBe(200);
  },
  'POST /api/auth/password': async () => {
    const other = await bearerFor(server, 'root');
    const change = (currentPassword: string, newPassword: string) =>
      inject('POST', '/api/auth/password', { currentPassword, newPassword });
    expect((await change('wrong', 'a new long passphrase')).statusCode).toBe(401);
    expect((await change(TEST_PASSWORD, 'short')).statusCode).toBe(400);
    expect((await change(TEST_PASSWORD, TEST_PASSWORD)).statusCode).toBe(400);
    expect((await change(TEST_PASSWORD, 'root is my passphrase')).statusCode).toBe(400);
    const res = await change(TEST_PASSWORD, 'a new long passphrase');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'root', mustChangePassword: false });
    // This sign-in stays, every other one ends; the new password works, the old does not.
    expect((await inject('GET', '/api/auth/me')).statusCode).toBe(200);
    expect((await inject('GET', '/api/auth/me', undefined, other)).statusCode).toBe(401);
    expect(
      (await anonymous('POST', '/api/auth/login', { username: 'root', password: TEST_PASSWORD })).statusCode,
    ).toBe(401);
    expect(
      (await anonymous('POST', '/api/auth/login', { username: 'root', password: 'a new long passphrase' }))
        .statusCode,
    ).toBe(200);
  },
  'GET /api/accounts': async () => {
    const ids = (await inject('GET', '/api/accounts')).json<AccountDto[]>().map((a) => a.id);
    // `admin` from the first start, `root` from the test.
    expect(ids).toEqual(['admin', 'root']);
    expect(JSON.stringify((await inject('GET', '/api/accounts')).json())).not.toContain('scrypt');
  },
  'POST /api/accounts': async () => {
    const res = await inject('POST', '/api/accounts', { id: 'alice', role: 'therapist' });
    expect(res.statusCode).toBe(201);
    const { account, oneTimePassword } = res.json<AccountResult>();
    expect(account).toMatchObject({
      id: 'alice',
      role: 'therapist',
      mustChangePassword: true,
      disabled: false,
    });
    expect(oneTimePassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect((await inject('POST', '/api/accounts', { id: 'alice', role: 'therapist' })).statusCode).toBe(409);
    // Runners are linked to an existing subject; others to none.
    expect((await inject('POST', '/api/accounts', { id: 'run1', role: 'runner' })).statusCode).toBe(400);
    expect(
      (await inject('POST', '/api/accounts', { id: 'run1', role: 'runner', subject: 'p9' })).statusCode,
    ).toBe(400);
    await inject('POST', '/api/subjects', { id: 'p9' });
    expect(
      (await inject('POST', '/api/accounts', { id: 'run1', role: 'runner', subject: 'p9' })).statusCode,
    ).toBe(201);
    expect(
      (await inject('POST', '/api/accounts', { id: 'x2', role: 'admin', subject: 'p9' })).statusCode,
    ).toBe(400);
    expect((await inject('POST', '/api/accounts', { id: 'Bad Id', role: 'admin' })).statusCode).toBe(400);
    expect(
      (await inject('POST', '/api/accounts', { id: 'x3', role: 'admin', password: 'mine' })).statusCode,
    ).toBe(400);
    // The one-time password signs in, and then only the password change is open.
    const login = await anonymous('POST', '/api/auth/login', {
      username: 'alice',
      password: oneTimePassword,
      bearer: true,
    });
    const token = login.json<LoginResult>().token!;
    const blocked = await inject('GET', '/api/subjects', undefined, token);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ code: 'HAMSTREAM_ERR_PASSWORD_CHANGE_REQUIRED' });
    expect((await inject('GET', '/api/auth/me', undefined, token)).json()).toMatchObject({
      mustChangePassword: true,
    });
    expect(
      (
        await inject(
          'POST',
          '/api/auth/password',
          { currentPassword: oneTimePassword, newPassword: 'my own long passphrase 1' },
          token,
        )
      ).statusCode,
    ).toBe(200);
    expect((await inject('GET', '/api/subjects', undefined, token)).statusCode).toBe(200);
  },
  'GET /api/accounts/:id': async () => {
    expect((await inject('GET', '/api/accounts/root')).json()).toMatchObject({ id: 'root', role: 'admin' });
    expect((await inject('GET', '/api/accounts/nobody')).statusCode).toBe(404);
  },
  'PATCH /api/accounts/:id': async () => {
    const alice = await bearerFor(server, 'alice', 'therapist');
    // Disabling ends the account's sign-ins at once.
    expect((await inject('PATCH', '/api/accounts/alice', { disabled: true })).json()).toMatchObject({
      account: { id: 'alice', disabled: true },
    });
    expect((await inject('GET', '/api/auth/me', undefined, alice)).statusCode).toBe(401);
    const reset = (
      await inject('PATCH', '/api/accounts/alice', { disabled: false, resetPassword: true })
    ).json<AccountResult>();
    expect(reset.account).toMatchObject({ disabled: false, mustChangePassword: true });
    expect(reset.oneTimePassword).toMatch(/^[a-z2-9-]{23}$/);
    expect((await inject('PATCH', '/api/accounts/alice', { role: 'runner' })).statusCode).toBe(400);
    expect((await inject('PATCH', '/api/accounts/nobody', { disabled: true })).statusCode).toBe(404);
    // Never without an enabled admin: `admin` can go, then `root` is the last one.
    expect((await inject('PATCH', '/api/accounts/admin', { disabled: true })).statusCode).toBe(200);
    const last = await inject('PATCH', '/api/accounts/root', { role: 'therapist' });
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({ message: expect.stringContaining('last enabled admin') });
  },
  'GET /api/daemon-tokens': async () => {
    expect((await inject('GET', '/api/daemon-tokens')).json()).toEqual([]);
    await inject('POST', '/api/sessions', { id: 's1' });
    await inject('POST', '/api/daemon-tokens', { sessions: ['s1'], label: 'clinic laptop' });
    const list = (await inject('GET', '/api/daemon-tokens')).json<DaemonTokenDto[]>();
    expect(list).toMatchObject([{ sessions: ['s1'], label: 'clinic laptop', createdBy: 'root' }]);
    // Never the secret, nor its hash.
    expect(Object.keys(list[0]!).sort()).toEqual([
      'createdAt',
      'createdBy',
      'expiresAt',
      'id',
      'label',
      'sessions',
    ]);
  },
  'POST /api/daemon-tokens': async () => {
    expect((await inject('POST', '/api/daemon-tokens', { sessions: ['nope'] })).statusCode).toBe(404);
    expect((await inject('POST', '/api/daemon-tokens', { sessions: [] })).statusCode).toBe(400);
    await inject('POST', '/api/sessions', { id: 's1' });
    const res = await inject('POST', '/api/daemon-tokens', { sessions: ['s1'], ttlHours: 2 });
    expect(res.statusCode).toBe(201);
    const created = res.json<DaemonTokenCreated>();
    expect(created.secret).toMatch(/^hsd_[0-9a-f]{16}_[\w-]{43}$/);
    expect(created.secret).toContain(created.token.id);
    expect(Date.parse(created.token.expiresAt) - Date.parse(created.token.createdAt)).toBe(2 * 3_600_000);
    // Stored as a hash only (0600 file).
    const file = await readFile(join(server.dataDir, 'accounts.json'), 'utf8');
    expect(file).toContain(created.token.id);
    expect(file).not.toContain(created.secret.slice(-43));
    // A daemon token is for /ingest: REST refuses it.
    expect((await inject('GET', '/api/sessions', undefined, created.secret)).statusCode).toBe(403);
    await inject('POST', '/api/sessions/s1/end');
    expect((await inject('POST', '/api/daemon-tokens', { sessions: ['s1'] })).statusCode).toBe(409);
  },
  'DELETE /api/daemon-tokens/:id': async () => {
    await inject('POST', '/api/sessions', { id: 's1' });
    const { token } = (
      await inject('POST', '/api/daemon-tokens', { sessions: ['s1'] })
    ).json<DaemonTokenCreated>();
    expect((await inject('DELETE', `/api/daemon-tokens/${token.id}`)).statusCode).toBe(204);
    expect((await inject('GET', '/api/daemon-tokens')).json()).toEqual([]);
    expect((await inject('DELETE', `/api/daemon-tokens/${token.id}`)).statusCode).toBe(404);
  },
};

describe('REST routes (inject)', () => {
  it('every /api route declares its access and has a test case', async () => {
    const apiRoutes = server.routes.filter((r) => r.url.startsWith('/api/'));
    expect(apiRoutes.length).toBeGreaterThanOrEqual(30);
    for (const r of apiRoutes) {
      expect(r.access, `${r.method} ${r.url}`).toBeDefined();
      expect(Object.keys(cases), `${r.method} ${r.url} has no test case`).toContain(`${r.method} ${r.url}`);
    }
    // Only health is public.
    expect(apiRoutes.filter((r) => r.access === 'public').map((r) => r.url)).toEqual(['/api/health']);
  });

  for (const [name, run] of Object.entries(cases)) it(name, run);

  it('answers unknown /api paths with the error shape', async () => {
    const res = await anonymous('GET', '/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      statusCode: 404,
      code: 'HAMSTREAM_ERR_NOT_FOUND',
      error: 'Not Found',
      message: 'no route GET /api/nope',
    });
  });
});
