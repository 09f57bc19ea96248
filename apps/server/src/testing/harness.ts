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
import { io, type Socket } from 'socket.io-client';
import { type BuildAppOptions, buildApp, type HamstreamServer } from '../app.js';
import { type RunningServer, startServer } from '../main.js';

/** A fresh data folder per test server. */
export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'hamstream-server-test-'));
}

export interface TestServer extends HamstreamServer {
  dataDir: string;
  dispose(): Promise<void>;
}

export async function createTestServer(options: Partial<BuildAppOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const server = await buildApp({ dataDir, logger: false, dashboardDir: null, ...options });
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
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: false,
    dashboardDir: null,
    ...options,
  });
  return {
    ...server,
    dataDir,
    dispose: async () => {
      await server.close();
      if (!options.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
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

export function ingestClient(baseUrl: string, token = 'test'): Promise<IngestClient> {
  const s: IngestClient = io(new URL(INGEST_NAMESPACE, baseUrl).href, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
  });
  return connectClient(s);
}

export function liveClient(baseUrl: string, token = 'test'): Promise<LiveClient> {
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
