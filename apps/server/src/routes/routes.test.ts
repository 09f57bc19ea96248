import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '@hamstream/core';
import type {
  SessionDto,
  SessionLiveState,
  SessionSummaryDto,
  SubjectDto,
  TargetsDto,
} from '@hamstream/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problem } from '../errors.js';
import { connectEvents, createTestServer, type TestServer, testHeader } from '../testing/harness.js';

let server: TestServer;
beforeEach(async () => {
  server = await createTestServer();
});
afterEach(async () => {
  await server.dispose();
});

const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
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
    const res = await inject('GET', '/api/health');
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
    await inject('POST', '/api/sessions', { id: 'a', subject: 'p1' });
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
    const res = await inject('POST', '/api/sessions', { subject: 'p1' });
    expect(res.statusCode).toBe(201);
    const s = res.json<SessionDto>();
    expect(s).toMatchObject({ subject: 'p1', status: 'created', eventCount: 0, ingestOnline: false });
    expect(s.id).toMatch(/^s-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect((await inject('POST', '/api/sessions', { id: s.id })).statusCode).toBe(409);
    const meta = JSON.parse(await readFile(join(server.dataDir, 'sessions', s.id, 'session.json'), 'utf8'));
    expect(meta).toMatchObject({ id: s.id, status: 'created' });
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
};

describe('REST routes (inject)', () => {
  it('every /api route declares its access and has a test case', async () => {
    const apiRoutes = server.routes.filter((r) => r.url.startsWith('/api/'));
    expect(apiRoutes.length).toBeGreaterThanOrEqual(17);
    for (const r of apiRoutes) {
      expect(r.access, `${r.method} ${r.url}`).toBeDefined();
      expect(Object.keys(cases), `${r.method} ${r.url} has no test case`).toContain(`${r.method} ${r.url}`);
    }
    // Only health is public.
    expect(apiRoutes.filter((r) => r.access === 'public').map((r) => r.url)).toEqual(['/api/health']);
  });

  for (const [name, run] of Object.entries(cases)) it(name, run);

  it('answers unknown /api paths with the error shape', async () => {
    const res = await inject('GET', '/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      statusCode: 404,
      code: 'HAMSTREAM_ERR_NOT_FOUND',
      error: 'Not Found',
      message: 'no route GET /api/nope',
    });
  });
});

describe('access control seam', () => {
  it('protects every route but health when the access control says no', async () => {
    const locked = await createTestServer({
      accessControl: {
        authenticate: ({ token }) =>
          token === 'secret'
            ? ok({ id: 't1', roles: ['therapist'] })
            : err(problem('UNAUTHORIZED', 'token required')),
      },
    });
    try {
      expect((await locked.app.inject({ url: '/api/health' })).statusCode).toBe(200);
      const denied = await locked.app.inject({ url: '/api/sessions' });
      expect(denied.statusCode).toBe(401);
      expect(denied.json()).toMatchObject({ code: 'HAMSTREAM_ERR_UNAUTHORIZED', message: 'token required' });
      const allowed = await locked.app.inject({
        url: '/api/sessions',
        headers: { authorization: 'Bearer secret' },
      });
      expect(allowed.statusCode).toBe(200);
    } finally {
      await locked.dispose();
    }
  });

  it('refuses a principal without the role a route needs', async () => {
    const ingestOnly = await createTestServer({
      accessControl: { authenticate: () => ok({ id: 'daemon', roles: ['ingest'] }) },
    });
    try {
      const res = await ingestOnly.app.inject({ url: '/api/subjects' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'HAMSTREAM_ERR_FORBIDDEN' });
    } finally {
      await ingestOnly.dispose();
    }
  });
});
