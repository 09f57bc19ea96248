import type { RecordingLabels } from '@hamstream/core';
import type { SessionUpdate, WallUpdate } from '@hamstream/protocol';
import { generateScenario } from '@hamstream/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  adminBearer,
  daemonTokenFor,
  hello,
  ingestClient,
  type ListeningTestServer,
  type LiveClient,
  liveClient,
  sendBatch,
  sequenced,
  startTestServer,
} from '../testing/harness.js';

const BRIDGE = 'bridge_witmotion-wt901_thigh_clean';
const labeledReps = (labels: RecordingLabels) => labels.sets.reduce((n, s) => n + s.reps.length, 0);

/** Collects what a dashboard receives; `autoAck: false` plays a client that stopped reading. */
function record(c: LiveClient, autoAck = true) {
  const sessions: SessionUpdate[] = [];
  const walls: WallUpdate[] = [];
  const pendingAcks: Array<() => void> = [];
  c.on('live:session', (u, ack) => {
    sessions.push(u);
    if (autoAck) ack();
    else pendingAcks.push(ack);
  });
  c.on('live:wall', (u, ack) => {
    walls.push(u);
    if (autoAck) ack();
    else pendingAcks.push(ack);
  });
  return { sessions, walls, pendingAcks };
}

describe('/live namespace with the real engine', () => {
  const scenario = generateScenario(BRIDGE);
  const batches = sequenced(scenario.events);
  let server: ListeningTestServer;
  let fast: LiveClient;
  let slow: LiveClient;
  let fastLog: ReturnType<typeof record>;
  let slowLog: ReturnType<typeof record>;
  let ingestAcks: Array<{ ok: boolean }>;

  beforeAll(async () => {
    server = await startTestServer();
    const daemon = await ingestClient(server.url, await daemonTokenFor(server, ['bridge']));
    expect(await hello(daemon, 'bridge', scenario.header)).toEqual({ ok: true, lastSeq: 0 });
    const admin = await adminBearer(server);
    fast = await liveClient(server.url, admin);
    slow = await liveClient(server.url, admin);
    fastLog = record(fast);
    slowLog = record(slow, false);
    expect(await fast.emitWithAck('live:watch', { view: 'session', session: 'bridge' })).toEqual({
      ok: true,
    });
    expect(await fast.emitWithAck('live:watch', { view: 'wall' })).toEqual({ ok: true });
    expect(await slow.emitWithAck('live:watch', { view: 'session', session: 'bridge' })).toEqual({
      ok: true,
    });
    // The whole 2.5-minute session as fast as the socket takes it, 200 events per batch.
    ingestAcks = [];
    for (let i = 0; i < batches.length; i += 200) {
      ingestAcks.push(await sendBatch(daemon, 'bridge', batches.slice(i, i + 200)));
    }
    daemon.disconnect();
    await vi.waitFor(() => expect(fastLog.sessions.at(-1)?.state.ingestOnline).toBe(false), {
      timeout: 5000,
    });
  }, 60_000);

  afterAll(async () => {
    fast?.disconnect();
    slow?.disconnect();
    await server?.dispose();
  });

  it('stores everything and acks every batch, whatever the dashboards do', () => {
    expect(ingestAcks.every((a) => a.ok)).toBe(true);
    expect(server.registry.get('bridge')!.appender!.daemonEventCount).toBe(scenario.events.length);
  });

  it('counts the labelled reps live', () => {
    const last = fastLog.sessions.at(-1)!.state;
    expect(last.repTotal).toBe(labeledReps(scenario.labels));
    expect(last.setCount).toBe(scenario.labels.sets.length);
    expect(last.lastRomDeg).toBeGreaterThan(20);
    expect(last.tS).toBeCloseTo(scenario.events.at(-1)!.t / 1000, 6);
  });

  it('starts with a full update, then sends increments with trace points', () => {
    const [first, ...rest] = fastLog.sessions;
    expect(first!.full).toBe(true);
    expect(rest.every((u) => !u.full)).toBe(true);
    const angles = fastLog.sessions.flatMap((u) => u.angleDeg.filter((c) => c.device === 'R-thigh'));
    const tS = angles.flatMap((c) => c.tS);
    // Trace chunks arrive in order without repeats.
    for (let i = 1; i < tS.length; i++) expect(tS[i]!).toBeGreaterThan(tS[i - 1]!);
    expect(tS.length).toBeGreaterThan(100);
  });

  it('keeps a client that does not ack at one update in flight', () => {
    expect(slowLog.sessions).toHaveLength(1);
    expect(fastLog.sessions.length).toBeGreaterThan(1);
  });

  it('gives a slow client the latest state once it acks, with the trace bounded to the window', async () => {
    slowLog.pendingAcks.shift()!();
    await expect.poll(() => slowLog.sessions.length).toBe(2);
    const caughtUp = slowLog.sessions[1]!;
    expect(caughtUp.state.repTotal).toBe(labeledReps(scenario.labels));
    const chunk = caughtUp.angleDeg.find((c) => c.device === 'R-thigh')!;
    // Only what the ring still holds: the newest points, never the whole session.
    expect(chunk.tS.length).toBeLessThanOrEqual(4096);
    const fastLast = fastLog.sessions
      .flatMap((u) => u.angleDeg)
      .at(-1)!
      .tS.at(-1);
    expect(chunk.tS.at(-1)).toBe(fastLast);
  });

  it('sends the wall in full first, then changed tiles only', () => {
    const [first, ...rest] = fastLog.walls;
    expect(first).toMatchObject({ full: true, removed: [] });
    expect(first!.tiles.map((t) => t.session)).toEqual(['bridge']);
    const lastTile = rest.flatMap((u) => u.tiles).at(-1)!;
    expect(lastTile).toMatchObject({
      session: 'bridge',
      kind: 'reps',
      repTotal: labeledReps(scenario.labels),
    });
  });

  it('answers watch requests for unknown sessions with a reason, and removes ended sessions from the wall', async () => {
    expect(await fast.emitWithAck('live:watch', { view: 'session', session: 'ghost' })).toEqual({
      ok: false,
      error: 'no session ghost',
    });
    const before = fastLog.walls.length;
    await server.registry.endSession('bridge');
    await expect.poll(() => fastLog.walls.slice(before).some((u) => u.removed.includes('bridge'))).toBe(true);
    expect(await fast.emitWithAck('live:unwatch', { view: 'wall' })).toEqual({ ok: true });
  });
});
