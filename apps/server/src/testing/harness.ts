import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import {
  INGEST_NAMESPACE,
  type IngestClientToServerEvents,
  type IngestEventsAck,
  type IngestHelloAck,
  type IngestServerToClientEvents,
  LIVE_NAMESPACE,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type SequencedEvent,
} from '@hamstream/protocol';
import type { LightMyRequestResponse } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { type BuildAppOptions, buildApp, type HamstreamServer } from '../app.js';
import type { Role } from '../auth/principal.js';
import { findFixturesDir } from '../demo/demo.js';
import { type RunningServer, startServer } from '../main.js';

/** A fresh data folder per test server. */
export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'hamstream-server-test-'));
}

export interface TestServer extends HamstreamServer {
  dataDir: string;
  dispose(): Promise<void>;
}

/** Cheap password hashing for tests (production: DEFAULT_SCRYPT). */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

/** Test defaults under the caller's options: no logger, no dashboard files, cheap scrypt. */
function testAppOptions(options: Partial<BuildAppOptions>, dataDir: string): BuildAppOptions {
  return {
    dataDir,
    logger: false,
    dashboardDir: null,
    ...options,
    auth: { scrypt: TEST_SCRYPT, ...options.auth },
  };
}

export async function createTestServer(options: Partial<BuildAppOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const server = await buildApp(testAppOptions(options, dataDir));
  return {
    ...server,
    dataDir,
    dispose: async () => {
      await server.app.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ListeningTestServer extends RunningServer {
  dataDir: string;
  dispose(): Promise<void>;
}

export async function startTestServer(
  options: Partial<BuildAppOptions> & { keepData?: boolean } = {},
): Promise<ListeningTestServer> {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const server = await startServer({ host: '127.0.0.1', port: 0, ...testAppOptions(options, dataDir) });
  return {
    ...server,
    dataDir,
    dispose: async () => {
      await server.close();
      if (!options.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A recording of the repository's fixtures/, by name (without .rec.jsonl.gz). */
export function fixturePath(name: string): string {
  const dir = findFixturesDir();
  if (!dir) throw new Error('fixtures/ not found above the server package');
  return join(dir, `${name}.rec.jsonl.gz`);
}

/** A minimal header with one WT901 on the right thigh. */
export function testHeader(overrides: Partial<RecordingHeader> = {}): RecordingHeader {
  return {
    type: 'header',
    format: 'hamstream.recording',
    version: 1,
    startedAt: '2026-11-20T10:00:00.000Z',
    subject: 'athlete-07',
    devices: [
      {
        id: 'R-thigh',
        driver: 'witmotion-wt901',
        placement: 'thigh',
        side: 'right',
        config: { rateHz: 100 },
      },
    ],
    ...overrides,
  };
}

/** Connect events spaced 1 ms apart: cheap, valid events for sequencing tests. */
export function connectEvents(n: number, device = 'R-thigh', t0 = 0): RecordingEvent[] {
  return Array.from({ length: n }, (_, i) => ({ type: 'connect' as const, t: t0 + i, device }));
}

export type IngestClient = Socket<IngestServerToClientEvents, IngestClientToServerEvents>;
export type LiveClient = Socket<LiveServerToClientEvents, LiveClientToServerEvents>;

/** Connects and waits for the connection (rejects on connect_error). */
export function connectClient<S extends Socket>(socket: S): Promise<S> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => reject(e));
  });
}

/** The password every test account gets (long enough for the password rules). */
export const TEST_PASSWORD = 'correct horse battery staple';

/** Creates an account with {@link TEST_PASSWORD} (no one-time password to change) unless it exists. */
export async function ensureAccount(
  server: Pick<HamstreamServer, 'auth'>,
  id: string,
  role: Role,
  subject: string | null = null,
): Promise<void> {
  if (server.auth.getAccount(id)) return;
  const r = await server.auth.createAccount({
    id,
    role,
    subject,
    password: TEST_PASSWORD,
    mustChangePassword: false,
  });
  if (!r.ok) throw new Error(r.error.message);
}

/** A bearer sign-in token for the account (created with {@link ensureAccount} when missing). */
export async function bearerFor(
  server: Pick<HamstreamServer, 'auth'>,
  id: string,
  role: Role = 'admin',
  subject: string | null = null,
): Promise<string> {
  await ensureAccount(server, id, role, subject);
  const r = await server.auth.login({ username: id, password: TEST_PASSWORD, ip: 'test', via: 'bearer' });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.token;
}

/** The test admin `root` (a bearer token): sees and may do everything but ingest. */
export const adminBearer = (server: Pick<HamstreamServer, 'auth'>): Promise<string> =>
  bearerFor(server, 'root');

/** `inject()` as the admin (bearer token): `api('POST', '/api/subjects', { id })`. */
export async function adminApi(
  server: Pick<HamstreamServer, 'auth' | 'app'>,
): Promise<(method: 'GET' | 'POST', path: string, payload?: object) => Promise<LightMyRequestResponse>> {
  const admin = await adminBearer(server);
  return (method, path, payload) =>
    server.app.inject({
      method,
      url: path,
      headers: { authorization: `Bearer ${admin}` },
      ...(payload ? { payload } : {}),
    });
}

/**
 * A daemon token bound to `sessions`, creating the sessions that do not exist yet (owned by `owner`,
 * an admin by default): what a therapist does before starting `hamstream ingest`.
 */
export async function daemonTokenFor(
  server: Pick<HamstreamServer, 'auth' | 'registry'>,
  sessions: readonly string[],
  owner = 'root',
): Promise<string> {
  await ensureAccount(server, owner, 'admin');
  for (const id of sessions) {
    if (!server.registry.get(id)) {
      const r = await server.registry.createSession({ id, owner });
      if (!r.ok) throw new Error(r.error.message);
    }
  }
  const { secret } = await server.auth.createDaemonToken({ sessions, createdBy: owner });
  return secret;
}

export function ingestClient(baseUrl: string, token: string): Promise<IngestClient> {
  const s: IngestClient = io(new URL(INGEST_NAMESPACE, baseUrl).href, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
  });
  return connectClient(s);
}

export function liveClient(baseUrl: string, token: string): Promise<LiveClient> {
  const s: LiveClient = io(new URL(LIVE_NAMESPACE, baseUrl).href, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
  });
  return connectClient(s);
}

export function hello(
  c: IngestClient,
  session: string,
  header: RecordingHeader,
  daemonId = 'daemon-1',
): Promise<IngestHelloAck> {
  return c.timeout(5000).emitWithAck('ingest:hello', { session, header, daemonId });
}

export function sendBatch(
  c: IngestClient,
  session: string,
  batch: SequencedEvent[],
): Promise<IngestEventsAck> {
  return c.timeout(10000).emitWithAck('ingest:events', { session, batch });
}

export const sequenced = (events: readonly RecordingEvent[], firstSeq = 1): SequencedEvent[] =>
  events.map((event, i) => ({ seq: firstSeq + i, event }));
