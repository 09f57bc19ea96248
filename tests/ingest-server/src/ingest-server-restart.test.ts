import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordingEvent } from '@hamstream/core';
import { readRecording } from '@hamstream/recording';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real thing, as two processes: `hamstream ingest` (virtual adapter, a fixture at 20×, with a daemon
 * token created over the API for its session) forwards to `hamstream start`; the server is killed
 * (SIGKILL) mid-session and started again on the same port and data folder. When the daemon has finished, the server's copy of the session must hold every event of
 * the daemon's recording exactly once, in order. Runs the built CLI (`npm run build` first).
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'apps/cli/bin/hamstream.js');
const FIXTURE = join(ROOT, 'fixtures/prone-hamstring-curl_witmotion-wt901_shank_clean.rec.jsonl.gz');

let dir: string;
const children = new Set<ChildProcess>();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hamstream-it-'));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function run(args: string[]): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    });
  });
  return { child, exited, output: () => output };
}

async function waitForHealth(port: number, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`server on port ${port} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A JSON API call with a bearer token (API clients need no CSRF header). */
async function api<T>(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * What an operator does on a fresh server: sign in as `admin` with the one-time password the first
 * start printed, change it, create the session and a daemon token bound to it.
 */
async function daemonTokenFromFreshServer(
  port: number,
  startOutput: string,
  session: string,
): Promise<string> {
  const m = /admin account: "admin", one-time password: (\S+)/.exec(startOutput);
  if (!m) throw new Error(`the first start printed no admin password:\n${startOutput}`);
  const login = await api<{ token: string }>(port, 'POST', '/api/auth/login', {
    username: 'admin',
    password: m[1],
    bearer: true,
  });
  await api(
    port,
    'POST',
    '/api/auth/password',
    { currentPassword: m[1], newPassword: 'integration test passphrase' },
    login.token,
  );
  await api(port, 'POST', '/api/sessions', { id: session }, login.token);
  const created = await api<{ secret: string }>(
    port,
    'POST',
    '/api/daemon-tokens',
    { sessions: [session] },
    login.token,
  );
  return created.secret;
}

async function findSessionRecording(dataDir: string, session: string): Promise<string> {
  const path = join(dataDir, 'sessions', session, 'recording.rec.jsonl');
  if (existsSync(path)) return path;
  const found = await readdir(join(dataDir, 'sessions')).catch(() => [] as string[]);
  throw new Error(`no recording for session ${session} in ${dataDir}/sessions (found: ${found.join(', ')})`);
}

describe('ingest daemon → server, server killed and restarted mid-session', () => {
  it('the server ends with every event of the daemon’s recording exactly once', async () => {
    for (const f of [BIN, join(ROOT, 'apps/cli/dist/main.js'), join(ROOT, 'apps/server/dist/index.js')]) {
      expect(existsSync(f), `${f} is missing: run npm run build first`).toBe(true);
    }
    const port = await freePort();
    const dataDir = join(dir, 'data');
    const out = join(dir, 'daemon.rec.jsonl');
    const session = 'it-restart-1';
    const startServer = () =>
      run(['start', '--port', String(port), '--data', dataDir, '--log-level', 'error']);

    let server = startServer();
    await waitForHealth(port);
    // The banner (with the password) is printed once listening: wait for it to arrive.
    for (const t0 = Date.now(); !server.output().includes('hamstream is running'); ) {
      if (Date.now() - t0 > 10_000) throw new Error(`no start banner:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const token = await daemonTokenFromFreshServer(port, server.output(), session);
    // The password is printed once, to the terminal: never into the server's log.
    expect(server.output().match(/one-time password/g)).toHaveLength(1);
    const ingest = run([
      'ingest',
      '--adapter',
      `virtual:${FIXTURE}`,
      '--speed',
      '20',
      '--record',
      out,
      '--server',
      `http://127.0.0.1:${port}`,
      '--token',
      token,
      '--session',
      session,
    ]);

    // Once the server has stored part of the session, kill it hard while the daemon keeps recording.
    const serverCopy = join(dataDir, 'sessions', session, 'recording.rec.jsonl');
    const t0 = Date.now();
    for (;;) {
      const lines = existsSync(serverCopy) ? (await readFile(serverCopy, 'utf8')).split('\n').length : 0;
      if (lines > 300) break;
      if (Date.now() - t0 > 20_000) throw new Error(`the server never stored events: ${ingest.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    server.child.kill('SIGKILL');
    await server.exited;
    await new Promise((r) => setTimeout(r, 700));
    server = startServer();
    await waitForHealth(port);
    // The restarted server knows the accounts: nothing is printed again (the daemon's token still holds).
    expect(server.output()).not.toContain('one-time password');

    const code = await ingest.exited;
    expect(code, ingest.output()).toBe(0);
    expect(ingest.output()).toMatch(/server: (\d+) of \1 events acknowledged/);
    // The outage really happened while the daemon was streaming.
    expect(ingest.output()).toMatch(/forwarder: disconnected/);

    server.child.kill('SIGTERM');
    await server.exited;

    const daemon = await readRecording(out);
    const stored = await readRecording(await findSessionRecording(dataDir, session), { lenient: true });
    const key = (e: RecordingEvent) => JSON.stringify(e);
    const daemonEvents = daemon.events.map(key);
    // The server may add its own events (set marks from the REST API); none were made here.
    const storedEvents = stored.events.map(key);
    expect(storedEvents.length).toBe(daemonEvents.length);
    expect(new Set(storedEvents).size).toBe(storedEvents.length);
    expect(storedEvents).toEqual(daemonEvents);
    expect(stored.header.startedAt).toBe(daemon.header.startedAt);
  }, 60_000);
});
