/**
 * Hardening around the role table: security headers, CORS closed, CSRF on cookie requests, cookie
 * flags, body limits, schemas that refuse unknown fields, sign-in rate limiting over HTTP, and the
 * cookie-authenticated `/live` socket (same origin only, ended by sign-out).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { CSRF_HEADER, LIVE_NAMESPACE } from '@hamstream/protocol';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  adminBearer,
  bearerFor,
  connectClient,
  createTestServer,
  ensureAccount,
  type LiveClient,
  liveClient,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  tempDataDir,
} from './testing/harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function server(opts: Parameters<typeof createTestServer>[0] = {}): Promise<TestServer> {
  const s = await createTestServer(opts);
  cleanups.push(() => s.dispose());
  return s;
}

/** Signs in through HTTP like the dashboard; answers the Cookie header to send back. */
async function cookieFor(
  s: TestServer,
  username: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers,
    payload: { username, password: TEST_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  return String(res.headers['set-cookie']).split(';')[0]!;
}

describe('security headers and CORS', () => {
  it('sends helmet’s headers with a strict CSP on the API and the dashboard', async () => {
    const dashboard = await tempDataDir();
    await mkdir(dashboard, { recursive: true });
    await writeFile(join(dashboard, 'index.html'), '<!doctype html><title>t</title>');
    const s = await server({ dashboardDir: dashboard });
    for (const url of ['/api/health', '/']) {
      const res = await s.app.inject({ url });
      expect(res.statusCode).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      // Plain http on 127.0.0.1 by default: no HSTS (browsers ignore it there anyway).
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('grants no cross-origin access: no CORS headers, preflights refused', async () => {
    const s = await server();
    const token = await adminBearer(s);
    const get = await s.app.inject({
      url: '/api/sessions',
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` },
    });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await s.app.inject({
      method: 'OPTIONS',
      url: '/api/sessions',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': CSRF_HEADER,
      },
    });
    expect(preflight.statusCode).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('turns on HSTS and Secure cookies when told the server is reached over https', async () => {
    const s = await server({ secureCookies: true });
    await ensureAccount(s, 'alice', 'therapist');
    const res = await s.app.inject({ url: '/api/health' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=15552000/);
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    expect(await cookieFor(s, 'alice')).toMatch(/^__Host-hamstream_session=hss_/);
  });
});

describe('cookies and CSRF', () => {
  it('sets an HttpOnly SameSite=Strict cookie, Secure behind an https proxy only when trusted', async () => {
    const direct = await server();
    await ensureAccount(direct, 'alice', 'therapist');
    const forged = await direct.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { username: 'alice', password: TEST_PASSWORD },
    });
    // Not behind a proxy: a client's X-Forwarded-Proto means nothing.
    expect(String(forged.headers['set-cookie'])).toMatch(
      /^hamstream_session=hss_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
    const proxied = await server({ trustProxy: true });
    await ensureAccount(proxied, 'alice', 'therapist');
    const res = await proxied.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
      payload: { username: 'alice', password: TEST_PASSWORD },
    });
    expect(String(res.headers['set-cookie'])).toMatch(
      /^__Host-hamstream_session=hss_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/,
    );
  });

  it('needs the CSRF header and the same origin for changes made with the cookie', async () => {
    const s = await server();
    await ensureAccount(s, 'alice', 'therapist');
    const cookie = await cookieFor(s, 'alice');
    const post = (headers: Record<string, string>) =>
      s.app.inject({
        method: 'POST',
        url: '/api/subjects',
        headers: { cookie, ...headers },
        payload: { id: `p-${Math.random().toString(36).slice(2, 8)}` },
      });
    const bare = await post({});
    expect(bare.statusCode).toBe(403);
    expect(bare.json()).toMatchObject({ code: 'HAMSTREAM_ERR_CSRF' });
    const host = 'localhost:80';
    expect((await post({ [CSRF_HEADER]: '1', origin: 'https://evil.example', host })).json()).toMatchObject({
      code: 'HAMSTREAM_ERR_CSRF',
    });
    expect((await post({ [CSRF_HEADER]: '1', origin: `http://${host}`, host })).statusCode).toBe(201);
    expect((await post({ [CSRF_HEADER]: '1' })).statusCode).toBe(201);
    // Reads need no header; bearer clients need none either (no ambient credential to abuse).
    expect((await s.app.inject({ url: '/api/subjects', headers: { cookie } })).statusCode).toBe(200);
    const bearer = await bearerFor(s, 'alice');
    const api = await s.app.inject({
      method: 'POST',
      url: '/api/subjects',
      headers: { authorization: `Bearer ${bearer}` },
      payload: { id: 'p-api' },
    });
    expect(api.statusCode).toBe(201);
    // Signing in from another site's page is refused too (login CSRF).
    const cross = await s.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example', host },
      payload: { username: 'alice', password: TEST_PASSWORD },
    });
    expect(cross.json()).toMatchObject({ code: 'HAMSTREAM_ERR_CSRF' });
  });

  it('clears a cookie whose sign-in has ended', async () => {
    let nowMs = Date.now();
    const s = await server({ auth: { nowMs: () => nowMs } });
    await ensureAccount(s, 'alice', 'therapist');
    const cookie = await cookieFor(s, 'alice');
    nowMs += 12 * 3_600_000;
    const res = await s.app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(res.statusCode).toBe(401);
    expect(String(res.headers['set-cookie'])).toMatch(/^hamstream_session=; .*Max-Age=0/);
  });

  it('answers too many failed sign-ins with 429 and Retry-After', async () => {
    const s = await server();
    await ensureAccount(s, 'alice', 'therapist');
    const login = (password: string) =>
      s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password } });
    for (let i = 0; i < 5; i++) expect((await login('guess')).statusCode).toBe(401);
    const limited = await login(TEST_PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({
      code: 'HAMSTREAM_ERR_TOO_MANY_REQUESTS',
      error: 'Too Many Requests',
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800);
  });
});

describe('input limits', () => {
  it('refuses unknown fields in every request body schema (generated from the routes)', async () => {
    const s = await server();
    const withBody = s.routes.filter((r) => r.url.startsWith('/api/') && r.bodySchema !== undefined);
    expect(withBody.length).toBeGreaterThanOrEqual(11);
    const open: string[] = [];
    const walk = (schema: unknown, where: string): void => {
      if (typeof schema !== 'object' || schema === null) return;
      const o = schema as Record<string, unknown>;
      if ((o.type === 'object' || o.properties || o.patternProperties) && o.additionalProperties !== false) {
        open.push(where);
      }
      for (const [k, v] of Object.entries(o)) {
        if (Array.isArray(v)) {
          for (const [i, x] of v.entries()) walk(x, `${where}.${k}[${i}]`);
        } else if (typeof v === 'object') walk(v, `${where}.${k}`);
      }
    };
    for (const r of withBody) walk(r.bodySchema, `${r.method} ${r.url}`);
    expect(open).toEqual([]);
  });

  it('limits JSON bodies (413) and uploads (413), with the error shape', async () => {
    const s = await server({ uploadLimits: { maxBytes: 1000 } });
    const token = await adminBearer(s);
    const big = await s.app.inject({
      method: 'POST',
      url: '/api/subjects',
      headers: { authorization: `Bearer ${token}` },
      payload: { id: 'p1', note: 'x'.repeat(200 * 1024) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'HAMSTREAM_ERR_TOO_LARGE', error: 'Payload Too Large' });
    await s.registry.createSession({ id: 'up', owner: 'root' });
    const upload = await s.app.inject({
      method: 'PUT',
      url: '/api/sessions/up/recording',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: 'x'.repeat(5000),
    });
    expect(upload.statusCode).toBe(413);
    expect(upload.json()).toMatchObject({ code: 'HAMSTREAM_ERR_TOO_LARGE' });
    expect(s.store.recordingPath('up')).toBeNull();
  });
});

describe('uploads over a real connection', () => {
  it('answers 413 to an upload past the limit (not a reset), stores nothing, keeps serving', async () => {
    const s = await startTestServer({ uploadLimits: { maxBytes: 100_000 } });
    cleanups.push(() => s.dispose());
    const token = await adminBearer(s);
    await s.registry.createSession({ id: 'up', owner: 'root' });
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        new URL('/api/sessions/up/recording', s.url),
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        },
        (r) => {
          let body = '';
          r.on('data', (d: Buffer) => {
            body += d.toString();
          });
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      // 5 MB offered against a 100 kB limit, as fast as the socket takes it.
      const chunk = Buffer.alloc(64 * 1024, 120);
      let sent = 0;
      const pump = (): void => {
        while (sent < 5_000_000) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'HAMSTREAM_ERR_TOO_LARGE' });
    expect(s.store.recordingPath('up')).toBeNull();
    expect((await fetch(new URL('/api/health', s.url))).status).toBe(200);
  });
});

describe('/live with the session cookie', () => {
  const cookieSocket = (url: string, headers: Record<string, string>): Promise<LiveClient> =>
    connectClient(
      io(new URL(LIVE_NAMESPACE, url).href, {
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: headers,
      }) as LiveClient,
    );

  it('connects same-origin with the cookie, refuses another origin, and ends with the sign-out', async () => {
    const s = await startTestServer();
    cleanups.push(() => s.dispose());
    await ensureAccount(s, 'alice', 'therapist');
    const login = await s.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'alice', password: TEST_PASSWORD },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const origin = new URL(s.url).origin;
    await expect(cookieSocket(s.url, { cookie, origin: 'https://evil.example' })).rejects.toThrow(
      'cross-origin connection refused',
    );
    const c = await cookieSocket(s.url, { cookie, origin });
    cleanups.push(() => {
      c.disconnect();
    });
    expect(await c.timeout(5000).emitWithAck('live:watch', { view: 'wall' })).toEqual({ ok: true });
    const gone = new Promise<string>((resolve) => c.once('disconnect', resolve));
    const out = await s.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, [CSRF_HEADER]: '1' },
    });
    expect(out.statusCode).toBe(204);
    expect(await gone).toBe('io server disconnect');
  });

  it('refuses an account that still has to change its one-time password', async () => {
    const s = await startTestServer();
    cleanups.push(() => s.dispose());
    const created = await s.auth.createAccount({ id: 'newbie', role: 'therapist' });
    if (!created.ok) throw new Error(created.error.message);
    const r = await s.auth.login({
      username: 'newbie',
      password: created.value.oneTimePassword!,
      ip: 'test',
      via: 'bearer',
    });
    if (!r.ok) throw new Error(r.error.message);
    await expect(liveClient(s.url, r.value.token)).rejects.toThrow('change the one-time password first');
  });
});
