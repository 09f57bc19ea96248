/**
 * Hostile socket input: fuzzed payloads (fast-check) for every client→server event of both namespaces,
 * fuzzed handshakes, raw malformed frames and oversized messages. Every message gets an answer or is
 * dropped, the server never throws, the offender alone is disconnected when its frames are broken or
 * too large, and the well-behaved daemon and dashboard running next to it carry on undisturbed (their
 * batches acked, their updates delivered, their recording holding exactly their events).
 */
import { join } from 'node:path';
import { INGEST_NAMESPACE } from '@hamstream/protocol';
import { readRecording } from '@hamstream/recording';
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminBearer,
  connectEvents,
  daemonTokenFor,
  hello,
  type IngestClient,
  ingestClient,
  type ListeningTestServer,
  type LiveClient,
  liveClient,
  sendBatch,
  sequenced,
  startTestServer,
  testHeader,
} from '../testing/harness.js';

const MAX_MESSAGE_BYTES = 64 * 1024;
const RUNS = 120;

let s: ListeningTestServer;
let daemon: IngestClient;
let dashboard: LiveClient;
let attacker: IngestClient;
let viewer: LiveClient;
let nextSeq = 1;
let dashboardUpdates = 0;
const goodEvents = connectEvents(2000);

/** The well-behaved daemon sends its next event; it must be acked as always. */
async function goodBatch(): Promise<void> {
  const ack = await sendBatch(daemon, 'good', sequenced(goodEvents.slice(nextSeq - 1, nextSeq), nextSeq));
  expect(ack).toEqual({ ok: true, ackedSeq: nextSeq });
  nextSeq++;
}

beforeAll(async () => {
  s = await startTestServer({ maxSocketMessageBytes: MAX_MESSAGE_BYTES });
  daemon = await ingestClient(s.url, await daemonTokenFor(s, ['good']));
  expect(await hello(daemon, 'good', testHeader())).toEqual({ ok: true, lastSeq: 0 });
  const admin = await adminBearer(s);
  dashboard = await liveClient(s.url, admin);
  dashboard.on('live:session', (_u, ack) => {
    dashboardUpdates++;
    ack();
  });
  expect(await dashboard.emitWithAck('live:watch', { view: 'session', session: 'good' })).toEqual({
    ok: true,
  });
  // The attacker holds a real token (for its own session) and has said hello: fuzz reaches deep.
  attacker = await ingestClient(s.url, await daemonTokenFor(s, ['mine']));
  expect(await hello(attacker, 'mine', testHeader())).toEqual({ ok: true, lastSeq: 0 });
  viewer = await liveClient(s.url, admin);
}, 30_000);

afterAll(async () => {
  for (const c of [daemon, dashboard, attacker, viewer]) c?.disconnect();
  await s?.dispose();
});

/** Something close to a recording event, or anything at all. */
const eventArb = fc.oneof(
  fc.record({ type: fc.constantFrom('connect', 'disconnect'), t: fc.double(), device: fc.string() }),
  fc.record(
    {
      type: fc.constantFrom('packet', 'sample', 'mark', 'header', 'x'),
      t: fc.oneof(fc.integer(), fc.double(), fc.string()),
      device: fc.constantFrom('R-thigh', 'ghost'),
      characteristic: fc.string(),
      data: fc.string(),
      activity: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);
const sessionArb = fc.oneof(fc.constantFrom('mine', 'good', 'bad id!', ''), fc.string(), fc.anything());
const helloArb = fc.oneof(
  fc.record(
    {
      session: sessionArb,
      header: fc.oneof(
        fc.constant(testHeader()),
        fc.constant({ ...testHeader(), devices: 'x' }),
        fc.anything(),
      ),
      daemonId: fc.oneof(fc.string(), fc.anything()),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);
const eventsArb = fc.oneof(
  fc.record(
    {
      session: sessionArb,
      batch: fc.oneof(
        fc.array(
          fc.record({ seq: fc.oneof(fc.integer(), fc.anything()), event: eventArb }, { requiredKeys: [] }),
          {
            maxLength: 20,
          },
        ),
        fc.anything(),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);
const watchArb = fc.oneof(
  fc.record(
    { view: fc.oneof(fc.constantFrom('wall', 'session'), fc.anything()), session: sessionArb },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

type Answer = { ok: unknown; error?: unknown };
const isAnswer = (a: unknown): a is Answer =>
  typeof a === 'object' &&
  a !== null &&
  typeof (a as Answer).ok === 'boolean' &&
  ((a as Answer).ok === true || typeof (a as Answer).error === 'string');

describe('fuzzed socket payloads', () => {
  it('/ingest: every hello and events payload is answered (a token never writes another session)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ingest:hello', 'ingest:events'),
        fc.oneof(helloArb, eventsArb),
        async (event, payload) => {
          const answer: unknown = await attacker
            .timeout(5000)
            .emitWithAck(event as 'ingest:hello', payload as never);
          expect(isAnswer(answer), JSON.stringify(answer)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
    expect(attacker.connected).toBe(true);
    await goodBatch();
  }, 60_000);

  it('/ingest: messages without an ack, or with extra arguments, are dropped quietly', async () => {
    const raw = attacker as unknown as { emit(event: string, ...args: unknown[]): void };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ingest:hello', 'ingest:events', 'nope', 'disconnect-me'),
        fc.array(fc.anything(), { maxLength: 3 }),
        async (event, args) => {
          raw.emit(event, ...args);
        },
      ),
      { numRuns: RUNS },
    );
    await goodBatch();
    expect(attacker.connected).toBe(true);
  }, 60_000);

  it('/live: every watch and unwatch request is answered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('live:watch', 'live:unwatch'), watchArb, async (event, payload) => {
        const answer: unknown = await viewer
          .timeout(5000)
          .emitWithAck(event as 'live:watch', payload as never);
        expect(isAnswer(answer), JSON.stringify(answer)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(viewer.connected).toBe(true);
    const before = dashboardUpdates;
    await goodBatch();
    await expect.poll(() => dashboardUpdates, { timeout: 5000 }).toBeGreaterThan(before);
  }, 60_000);

  it('refuses fuzzed handshakes on both namespaces', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/ingest', '/live'),
        fc.oneof(fc.anything(), fc.record({ token: fc.anything() })),
        async (nsp, auth) => {
          const c = io(new URL(nsp, s.url).href, {
            transports: ['websocket'],
            reconnection: false,
            auth: (typeof auth === 'object' && auth !== null ? auth : { token: auth }) as Record<
              string,
              unknown
            >,
          });
          // Refused by the access check (connect_error), or, for a handshake socket.io cannot even
          // parse (an array as `auth`), the connection is closed: never connected either way.
          const outcome = await new Promise<string>((resolve) => {
            c.once('connect', () => resolve('connected'));
            c.once('connect_error', () => resolve('refused'));
            c.io.once('close', () => resolve('closed'));
          });
          c.disconnect();
          expect(outcome).not.toBe('connected');
        },
      ),
      { numRuns: 30 },
    );
    await goodBatch();
  }, 60_000);
});

describe('broken and oversized messages', () => {
  it('disconnects a client sending a message over the size limit, and only that client', async () => {
    const big = await ingestClient(s.url, await daemonTokenFor(s, ['big']));
    const gone = new Promise<string>((resolve) => big.once('disconnect', resolve));
    big.emit(
      'ingest:events',
      {
        session: 'big',
        batch: [{ seq: 1, event: { type: 'mark', t: 0, activity: 'x'.repeat(2 * MAX_MESSAGE_BYTES) } }],
      },
      () => {},
    );
    expect(await gone).toMatch(/transport (close|error)/);
    expect(s.registry.get('big')!.appender).toBeNull();
    await goodBatch();
    expect(dashboard.connected && daemon.connected).toBe(true);
  });

  it('disconnects a client sending frames socket.io cannot parse, and only that client', async () => {
    const broken = await ingestClient(s.url, await daemonTokenFor(s, ['broken']));
    const gone = new Promise<string>((resolve) => broken.once('disconnect', resolve));
    // Raw engine.io messages past the socket.io encoder: a packet type that does not exist, bad JSON.
    const engine = (broken as unknown as { io: { engine: { write(msg: string): void } } }).io.engine;
    engine.write(`42${INGEST_NAMESPACE},["ingest:events",{"session":`);
    engine.write('9garbage');
    expect(await gone).toMatch(/transport|parse/);
    await goodBatch();
  });

  it('kept the good daemon’s recording exactly as it sent it', async () => {
    await s.registry.get('good')!.appender!.flush();
    const rec = await readRecording(join(s.dataDir, 'sessions', 'good', 'recording.rec.jsonl'));
    expect(rec.events).toEqual(goodEvents.slice(0, nextSeq - 1));
  });
});
