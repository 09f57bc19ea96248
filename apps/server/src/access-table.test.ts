/**
 * The role table: every registered /api route and every socket.io event the server handles, × every
 * kind of caller, asserting allow or deny. The rows are generated from what the server registered
 * (fastify's route table, the server-side sockets' listeners): a new route or event without a rule
 * here fails the test, and so does a rule for something that no longer exists.
 *
 * Callers: anonymous; an expired sign-in; a daemon token for the session under test (own) and one for
 * another session (other); the runner who is the subject under test (self) and another runner; the
 * subject's therapist (own) and another therapist (other); an admin. Resources under test belong to
 * therapist `alice`: subject `p-own`, its live session `s-own`, alice's daemon token.
 *
 * Deny means 401 (no or expired credentials) or 403 (not allowed) on REST, a refused handshake or an
 * `ok: false` acknowledgement on sockets. Allow means anything else (the request reached its handler).
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearerFor,
  connectEvents,
  ensureAccount,
  type IngestClient,
  ingestClient,
  type ListeningTestServer,
  type LiveClient,
  liveClient,
  startTestServer,
  TEST_PASSWORD,
  testHeader,
} from './testing/harness.js';

const ROLES = [
  'anonymous',
  'expired',
  'daemon-own',
  'daemon-other',
  'runner-self',
  'runner-other',
  'therapist-own',
  'therapist-other',
  'admin',
] as const;
type Role = (typeof ROLES)[number];
type Verdict = 'allow' | 'deny';
type Rule = Record<Role, Verdict>;

const only = (...allowed: Role[]): Rule =>
  Object.fromEntries(ROLES.map((r) => [r, allowed.includes(r) ? 'allow' : 'deny'])) as Rule;
const ACCOUNTS: Role[] = ['runner-self', 'runner-other', 'therapist-own', 'therapist-other', 'admin'];
const EVERYONE = only(...ROLES);
const ANY_ACCOUNT = only(...ACCOUNTS);
/** Reads of alice's subject or session: its runner, its therapist, admins. */
const OWN_READERS = only('runner-self', 'therapist-own', 'admin');
const STAFF = only('therapist-own', 'therapist-other', 'admin');
/** Changes to alice's subject or session: its therapist and admins. */
const OWN_STAFF = only('therapist-own', 'admin');
const ADMINS = only('admin');
const NOBODY = only();

/** The account behind each account role. */
const ACCOUNT_OF: Partial<Record<Role, string>> = {
  expired: 'alice',
  'runner-self': 'runner-self',
  'runner-other': 'runner-other',
  'therapist-own': 'alice',
  'therapist-other': 'bob',
  admin: 'root',
};

interface Fixture {
  server: ListeningTestServer;
  /** The credential each role holds (a bearer secret), null for anonymous. */
  creds: Record<Role, string | null>;
  /** A fresh number (fresh resources for requests that change things). */
  n(): number;
}

const HEADER = testHeader({ subject: 'p-own' });

async function buildFixture(): Promise<Fixture> {
  let nowMs = Date.now();
  const server = await startTestServer({ auth: { nowMs: () => nowMs } });
  const { store, registry, auth } = server;
  await ensureAccount(server, 'root', 'admin');
  await ensureAccount(server, 'alice', 'therapist');
  await ensureAccount(server, 'bob', 'therapist');
  await ensureAccount(server, 'carol', 'therapist');
  const createdAt = '2026-11-20T09:00:00.000Z';
  await store.putSubject({
    id: 'p-own',
    note: null,
    baselineCadenceSpm: null,
    createdAt,
    therapist: 'alice',
  });
  await store.putSubject({
    id: 'p-other',
    note: null,
    baselineCadenceSpm: null,
    createdAt,
    therapist: 'bob',
  });
  await store.putTargets({ subject: 'p-own', romDeg: { bridge: 30 }, cadence: null });
  for (const [id, subject, owner] of [
    ['s-own', 'p-own', 'alice'],
    ['s-other', 'p-other', 'bob'],
  ] as const) {
    expect((await registry.createSession({ id, subject, owner })).ok).toBe(true);
    expect(
      await registry.ingestHello({ session: id, header: HEADER, daemonId: 'fixture' }, 'fixture'),
    ).toMatchObject({
      ok: true,
    });
    const batch = connectEvents(3).map((event, i) => ({ seq: i + 1, event }));
    expect(await registry.ingestEvents({ session: id, batch }, 'fixture')).toMatchObject({ ok: true });
  }
  registry.ingestDisconnected('fixture');
  const own = await auth.createDaemonToken({ sessions: ['s-own'], createdBy: 'alice' });
  const other = await auth.createDaemonToken({ sessions: ['s-other'], createdBy: 'bob' });
  // A sign-in made 13 hours ago: its 12 hours are over.
  nowMs -= 13 * 3_600_000;
  const expired = await bearerFor(server, 'alice');
  nowMs += 13 * 3_600_000;
  await auth.enableDemo();
  let counter = 0;
  return {
    server,
    creds: {
      anonymous: null,
      expired,
      'daemon-own': own.secret,
      'daemon-other': other.secret,
      'runner-self': await bearerFor(server, 'runner-self', 'runner', 'p-own'),
      'runner-other': await bearerFor(server, 'runner-other', 'runner', 'p-other'),
      'therapist-own': await bearerFor(server, 'alice'),
      'therapist-other': await bearerFor(server, 'bob'),
      admin: await bearerFor(server, 'root'),
    },
    n: () => ++counter,
  };
}

// --- REST -----------------------------------------------------------------------------------------

type Req = Omit<InjectOptions, 'headers'> & { headers?: Record<string, string> };
interface RestCase {
  rule: Rule;
  /** The request (resources belong to alice); may create fresh ones for requests that change things. */
  request(f: Fixture, role: Role): Req | Promise<Req>;
  /** The body carries the credentials (sign-in): no Authorization header is sent. */
  credentialsInBody?: boolean;
}

const get = (url: string): Req => ({ method: 'GET', url });
const send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object): Req => ({
  method,
  url,
  ...(payload ? { payload } : {}),
});

/** A fresh session of alice's subject with no data (for requests that end or fill it). */
async function freshOwnSession(f: Fixture): Promise<string> {
  const id = `s-own-${f.n()}`;
  const r = await f.server.registry.createSession({ id, subject: 'p-own', owner: 'alice' });
  if (!r.ok) throw new Error(r.error.message);
  return id;
}

const REST: Record<string, RestCase> = {
  'GET /api/health': { rule: EVERYONE, request: () => get('/api/health') },
  'POST /api/auth/login': {
    // Each role signs in with what it has: account roles their password, the others a guess.
    rule: only('expired', ...ACCOUNTS),
    credentialsInBody: true,
    request: (f, role) =>
      send('POST', '/api/auth/login', {
        username: ACCOUNT_OF[role] ?? 'alice',
        password: ACCOUNT_OF[role] ? TEST_PASSWORD : (f.creds[role] ?? 'guess'),
      }),
  },
  'POST /api/auth/demo': {
    // Nobody here holds the demo key; a sign-in or token does not open it.
    rule: NOBODY,
    credentialsInBody: true,
    request: (f, role) => send('POST', '/api/auth/demo', { key: f.creds[role] ?? 'guess' }),
  },
  'GET /api/auth/me': { rule: ANY_ACCOUNT, request: () => get('/api/auth/me') },
  'POST /api/auth/logout': {
    rule: ANY_ACCOUNT,
    // Each role signs out a sign-in of its own made for this request (see credentialFor).
    request: () => send('POST', '/api/auth/logout'),
  },
  'POST /api/auth/password': {
    rule: ANY_ACCOUNT,
    // Allowed callers get past access control to the password rules (the same password is refused: 400).
    request: () =>
      send('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }),
  },
  'GET /api/accounts': { rule: ADMINS, request: () => get('/api/accounts') },
  'POST /api/accounts': {
    rule: ADMINS,
    request: (f) => send('POST', '/api/accounts', { id: `new-${f.n()}`, role: 'therapist' }),
  },
  'GET /api/accounts/:id': { rule: ADMINS, request: () => get('/api/accounts/carol') },
  'PATCH /api/accounts/:id': {
    rule: ADMINS,
    request: () => send('PATCH', '/api/accounts/carol', { disabled: false }),
  },
  'GET /api/daemon-tokens': { rule: STAFF, request: () => get('/api/daemon-tokens') },
  'POST /api/daemon-tokens': {
    rule: OWN_STAFF,
    request: () => send('POST', '/api/daemon-tokens', { sessions: ['s-own'] }),
  },
  'DELETE /api/daemon-tokens/:id': {
    rule: OWN_STAFF,
    request: async (f) => {
      const { token } = await f.server.auth.createDaemonToken({ sessions: ['s-own'], createdBy: 'alice' });
      return send('DELETE', `/api/daemon-tokens/${token.id}`);
    },
  },
  'GET /api/subjects': { rule: ANY_ACCOUNT, request: () => get('/api/subjects') },
  'POST /api/subjects': {
    rule: STAFF,
    request: (f) => send('POST', '/api/subjects', { id: `new-${f.n()}` }),
  },
  'GET /api/subjects/:id': { rule: OWN_READERS, request: () => get('/api/subjects/p-own') },
  'GET /api/subjects/:id/history': {
    rule: OWN_READERS,
    request: () => get('/api/subjects/p-own/history?from=2026-01-01T00:00:00.000Z'),
  },
  'PATCH /api/subjects/:id': {
    rule: OWN_STAFF,
    request: () => send('PATCH', '/api/subjects/p-own', { note: 'knee ok' }),
  },
  'GET /api/targets': { rule: ANY_ACCOUNT, request: () => get('/api/targets') },
  'GET /api/targets/:subject': { rule: OWN_READERS, request: () => get('/api/targets/p-own') },
  'PUT /api/targets/:subject': {
    rule: OWN_STAFF,
    request: () => send('PUT', '/api/targets/p-own', { romDeg: { bridge: 32 }, cadence: null }),
  },
  'GET /api/sessions': { rule: ANY_ACCOUNT, request: () => get('/api/sessions') },
  'POST /api/sessions': {
    rule: OWN_STAFF,
    request: () => send('POST', '/api/sessions', { subject: 'p-own' }),
  },
  'GET /api/sessions/:id': { rule: OWN_READERS, request: () => get('/api/sessions/s-own') },
  'POST /api/sessions/:id/sets/start': {
    rule: OWN_STAFF,
    request: () => send('POST', '/api/sessions/s-own/sets/start', { activity: 'bridge', side: 'left' }),
  },
  'POST /api/sessions/:id/sets/stop': {
    rule: OWN_STAFF,
    request: () => send('POST', '/api/sessions/s-own/sets/stop'),
  },
  'POST /api/sessions/:id/end': {
    rule: OWN_STAFF,
    request: async (f) => send('POST', `/api/sessions/${await freshOwnSession(f)}/end`),
  },
  'GET /api/sessions/:id/summary': { rule: OWN_READERS, request: () => get('/api/sessions/s-own/summary') },
  'GET /api/sessions/:id/live': { rule: OWN_READERS, request: () => get('/api/sessions/s-own/live') },
  'GET /api/sessions/:id/recording': {
    rule: OWN_READERS,
    request: () => get('/api/sessions/s-own/recording'),
  },
  'PUT /api/sessions/:id/recording': {
    rule: OWN_STAFF,
    request: async (f) => ({
      method: 'PUT',
      url: `/api/sessions/${await freshOwnSession(f)}/recording`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: `${[HEADER, ...connectEvents(2)].map((l) => JSON.stringify(l)).join('\n')}\n`,
    }),
  },
  'GET /api/wall': { rule: ANY_ACCOUNT, request: () => get('/api/wall') },
};

/** The credential sent: sign-outs get a sign-in of their own, so the role's main one stays. */
async function credentialFor(f: Fixture, role: Role, routeKey: string): Promise<string | null> {
  const account = ACCOUNT_OF[role];
  if (routeKey === 'POST /api/auth/logout' && account && role !== 'expired')
    return bearerFor(f.server, account);
  return f.creds[role];
}

describe('role table', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildFixture();
  }, 30_000);
  afterAll(async () => {
    await f?.server.dispose();
  });

  it('has a rule for every registered /api route, and none for routes that do not exist', () => {
    const registered = f.server.routes
      .filter((r) => r.url.startsWith('/api/'))
      .map((r) => `${r.method} ${r.url}`);
    for (const key of registered)
      expect(Object.keys(REST), `${key} has no rule in the role table`).toContain(key);
    for (const key of Object.keys(REST)) expect(registered, `rule for unknown route ${key}`).toContain(key);
  });

  it('answers only GET /api/health without credentials', () => {
    const open = Object.entries(REST)
      .filter(([, c]) => c.rule.anonymous === 'allow')
      .map(([k]) => k);
    expect(open).toEqual(['GET /api/health']);
  });

  for (const [key, c] of Object.entries(REST)) {
    it(`REST ${key}`, async () => {
      const got: Partial<Record<Role, Verdict>> = {};
      const statuses: Partial<Record<Role, number>> = {};
      for (const role of ROLES) {
        const req = await c.request(f, role);
        const cred = c.credentialsInBody ? null : await credentialFor(f, role, key);
        const res = await f.server.app.inject({
          ...req,
          headers: { ...req.headers, ...(cred ? { authorization: `Bearer ${cred}` } : {}) },
        } as InjectOptions);
        statuses[role] = res.statusCode;
        got[role] = res.statusCode === 401 || res.statusCode === 403 ? 'deny' : 'allow';
        expect(res.statusCode, `${key} as ${role}: ${res.body}`).toBeLessThan(500);
        if (got[role] === 'deny' && !c.credentialsInBody) {
          // No or expired credentials: 401; known but not allowed: 403.
          expect(res.statusCode, `${key} as ${role}`).toBe(
            role === 'anonymous' || role === 'expired' ? 401 : 403,
          );
        }
      }
      expect(got, JSON.stringify(statuses)).toEqual(c.rule);
    });
  }

  // --- sockets ------------------------------------------------------------------------------------

  type Conn = { ingest: IngestClient | null; live: LiveClient | null };
  const conns = new Map<Role, Conn>();
  const tryConnect = async <T>(connect: () => Promise<T>): Promise<T | null> => {
    try {
      return await connect();
    } catch {
      return null;
    }
  };
  const connFor = async (role: Role): Promise<Conn> => {
    let c = conns.get(role);
    if (!c) {
      const cred = f.creds[role] ?? '';
      c = {
        ingest: await tryConnect(() => ingestClient(f.server.url, cred)),
        live: await tryConnect(() => liveClient(f.server.url, cred)),
      };
      conns.set(role, c);
    }
    return c;
  };
  afterAll(() => {
    for (const c of conns.values()) {
      c.ingest?.disconnect();
      c.live?.disconnect();
    }
  });

  interface SocketCase {
    name: string;
    rule: Rule;
    run(c: Conn): Promise<boolean>;
  }
  const ack = (r: unknown): boolean => (r as { ok?: unknown }).ok === true;
  const helloOwn = (s: IngestClient) =>
    s.timeout(5000).emitWithAck('ingest:hello', { session: 's-own', header: HEADER, daemonId: 'table' });

  /** Cases per handled event; the connection itself is checked as `connect <namespace>`. */
  const SOCKETS: Record<string, SocketCase[]> = {
    'connect /ingest': [
      { name: 'handshake', rule: only('daemon-own', 'daemon-other'), run: async (c) => c.ingest !== null },
    ],
    'connect /live': [{ name: 'handshake', rule: ANY_ACCOUNT, run: async (c) => c.live !== null }],
    'ingest:hello': [
      {
        name: 'session s-own',
        rule: only('daemon-own'),
        run: async (c) => (c.ingest ? ack(await helloOwn(c.ingest)) : false),
      },
    ],
    'ingest:events': [
      {
        name: 'session s-own (after hello)',
        rule: only('daemon-own'),
        run: async (c) => {
          if (!c.ingest) return false;
          const hello = (await helloOwn(c.ingest)) as { ok: boolean; lastSeq?: number };
          const seq = (hello.lastSeq ?? 3) + 1;
          const batch = [{ seq, event: { type: 'connect' as const, t: 1000 + seq, device: 'R-thigh' } }];
          return ack(await c.ingest.timeout(5000).emitWithAck('ingest:events', { session: 's-own', batch }));
        },
      },
    ],
    'live:watch': [
      {
        name: 'session s-own',
        rule: OWN_READERS,
        run: async (c) =>
          c.live
            ? ack(await c.live.timeout(5000).emitWithAck('live:watch', { view: 'session', session: 's-own' }))
            : false,
      },
      {
        name: 'wall (filtered to what the account may see)',
        rule: ANY_ACCOUNT,
        run: async (c) =>
          c.live ? ack(await c.live.timeout(5000).emitWithAck('live:watch', { view: 'wall' })) : false,
      },
    ],
    'live:unwatch': [
      {
        name: 'session s-own',
        rule: ANY_ACCOUNT,
        run: async (c) =>
          c.live
            ? ack(
                await c.live.timeout(5000).emitWithAck('live:unwatch', { view: 'session', session: 's-own' }),
              )
            : false,
      },
    ],
  };

  it('has a rule for every socket event the server handles, and none for events it does not', async () => {
    const own = await connFor('daemon-own');
    const admin = await connFor('admin');
    expect(own.ingest && admin.live).toBeTruthy();
    const handled = (nsp: string) => {
      const socket = [...f.server.app.io.of(nsp).sockets.values()][0]!;
      // socket.io's reserved events are lifecycle, not messages a client can send.
      const reserved = new Set([
        'connect',
        'connect_error',
        'disconnect',
        'disconnecting',
        'error',
        'newListener',
        'removeListener',
      ]);
      return socket
        .eventNames()
        .map(String)
        .filter((e) => !reserved.has(e));
    };
    const registered = [...handled('/ingest'), ...handled('/live'), 'connect /ingest', 'connect /live'];
    for (const e of registered) expect(Object.keys(SOCKETS), `socket event ${e} has no rule`).toContain(e);
    for (const e of Object.keys(SOCKETS)) expect(registered, `rule for unhandled event ${e}`).toContain(e);
  });

  for (const [event, cases] of Object.entries(SOCKETS)) {
    for (const c of cases) {
      it(`socket ${event}: ${c.name}`, async () => {
        const got: Partial<Record<Role, Verdict>> = {};
        for (const role of ROLES) got[role] = (await c.run(await connFor(role))) ? 'allow' : 'deny';
        expect(got).toEqual(c.rule);
      });
    }
  }

  it('shows each account only its own sessions, subjects and wall tiles', async () => {
    const list = async (role: Role, url: string, field: string) => {
      const res = await f.server.app.inject({ url, headers: { authorization: `Bearer ${f.creds[role]}` } });
      // The fixture's own resources (requests above created more, each visible by the same rules).
      const fixture = ['s-own', 's-other', 'p-own', 'p-other'];
      return (res.json() as Array<Record<string, string>>)
        .map((x) => x[field]!)
        .filter((x) => fixture.includes(x));
    };
    const expected: Array<[Role, string[], string[]]> = [
      ['runner-self', ['s-own'], ['p-own']],
      ['runner-other', ['s-other'], ['p-other']],
      ['therapist-own', ['s-own'], ['p-own']],
      ['therapist-other', ['s-other'], ['p-other']],
    ];
    for (const [role, sessions, subjects] of expected) {
      expect((await list(role, '/api/sessions', 'id')).sort(), role).toEqual(sessions);
      expect((await list(role, '/api/wall', 'session')).sort(), role).toEqual(sessions);
      expect(await list(role, '/api/subjects', 'id'), role).toEqual(subjects);
    }
    expect((await list('admin', '/api/sessions', 'id')).sort()).toEqual(['s-other', 's-own']);
    // The wall socket too: another therapist's session never shows, not even when it changes.
    const bob = await liveClient(f.server.url, f.creds['therapist-other']!);
    const tiles = new Set<string>();
    bob.on('live:wall', (u, ack) => {
      for (const t of u.tiles) tiles.add(t.session);
      ack();
    });
    expect(await bob.timeout(5000).emitWithAck('live:watch', { view: 'wall' })).toEqual({ ok: true });
    await expect.poll(() => tiles.has('s-other')).toBe(true);
    await f.server.app.inject({
      method: 'POST',
      url: '/api/sessions/s-own/sets/start',
      headers: { authorization: `Bearer ${f.creds['therapist-own']}` },
      payload: { activity: 'bridge' },
    });
    await new Promise((r) => setTimeout(r, 300));
    bob.disconnect();
    expect([...tiles].filter((t) => t.startsWith('s-own'))).toEqual([]);
    // Targets: `default` is for staff; runners see their own subject's only.
    expect(await list('runner-self', '/api/targets', 'subject')).toEqual(['p-own']);
    expect(await list('therapist-other', '/api/targets', 'subject')).toEqual([]);
  });
});
