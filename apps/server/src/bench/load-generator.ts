/**
 * The bench's load, in a child process so the server's CPU time is measured alone: N virtual WT901
 * sensors, 4 per session (legs: thighs and shanks), each sending one notification (2 samples) every
 * 20 ms — 100 Hz, the fixture's real bytes. Like the real forwarder (which lingers ~10 ms to batch),
 * each session's daemon socket sends its sensors' notifications of a tick as one batch. One dashboard
 * socket on `/live` watches the wall and some sessions. Send and receive times share this process's
 * clock, so latencies need no clock sync.
 */
import {
  INGEST_NAMESPACE,
  type IngestClientToServerEvents,
  type IngestServerToClientEvents,
  LIVE_NAMESPACE,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
} from '@hamstream/protocol';
import { io, type Socket } from 'socket.io-client';
import { benchSessionIds } from './bench-sessions.js';
import { percentile } from './stats.js';

export { SENSORS_PER_SESSION } from './bench-sessions.js';

export interface LoadConfig {
  url: string;
  sensors: number;
  /** Session views watched by the dashboard socket (the rest only via the wall). */
  watched: number;
  warmupS: number;
  measureS: number;
  characteristic: string;
  /** Notification payloads (hex) to cycle through. */
  packets: string[];
  run: string;
  /** A daemon token bound to every `bench-<run>-<i>` session (created by the parent). */
  ingestToken: string;
  /** A bearer sign-in for the dashboard socket. */
  liveToken: string;
}

export interface LoadResult {
  sensors: number;
  samplesPerS: number;
  /** Event → dashboard, newest event in each session-view update, ms. */
  freshness: { p50: number; p99: number; n: number };
  /** Event → first dashboard update reflecting it (includes display-rate coalescing), ms. */
  staleness: { p50: number; p99: number; n: number };
  /** Event → wall tile, newest event, ms. */
  wall: { p50: number; p99: number; n: number };
  /** socket.io round trip of an empty ingest batch under the same load (transport floor), ms. */
  rtt: { p50: number; p99: number; n: number };
  /** Ingest ack time (includes the disk write), ms. */
  ack: { p50: number; p99: number; n: number };
  sessionUpdates: number;
}

type Ingest = Socket<IngestServerToClientEvents, IngestClientToServerEvents>;
type Live = Socket<LiveServerToClientEvents, LiveClientToServerEvents>;

const connect = <S extends Socket>(s: S): Promise<S> =>
  new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });

const summary = (v: number[]) => ({ p50: percentile(v, 50), p99: percentile(v, 99), n: v.length });

interface Sent {
  t: number[];
  at: number[];
  next: number;
}

export async function runLoad(cfg: LoadConfig): Promise<LoadResult> {
  const base = { transports: ['websocket'], reconnection: false };
  const opts = { ...base, auth: { token: cfg.ingestToken } };
  const liveOpts = { ...base, auth: { token: cfg.liveToken } };
  const devices = (['L-thigh', 'R-thigh', 'L-shank', 'R-shank'] as const).map((id) => ({
    id,
    driver: 'witmotion-wt901',
    placement: id.endsWith('thigh') ? ('thigh' as const) : ('shank' as const),
    side: id.startsWith('L') ? ('left' as const) : ('right' as const),
    config: { rateHz: 100 },
  }));
  const header = {
    type: 'header' as const,
    format: 'hamstream.recording' as const,
    version: 1 as const,
    startedAt: '2026-01-01T00:00:00.000Z',
    activity: 'bridge',
    devices,
  };
  const ids = benchSessionIds(cfg.run, cfg.sensors);
  // One daemon socket per session, as in the field.
  const daemons: Ingest[] = await Promise.all(
    ids.map(() => connect(io(new URL(INGEST_NAMESPACE, cfg.url).href, opts) as Ingest)),
  );
  await Promise.all(
    ids.map((id, i) =>
      daemons[i]!.timeout(10_000).emitWithAck('ingest:hello', { session: id, header, daemonId: id }),
    ),
  );
  const dash = await connect(io(new URL(LIVE_NAMESPACE, cfg.url).href, liveOpts) as Live);
  const sent = new Map<string, Sent>(ids.map((id) => [id, { t: [], at: [], next: 0 }]));
  const freshness: number[] = [];
  const staleness: number[] = [];
  const wall: number[] = [];
  const rtt: number[] = [];
  const ack: number[] = [];
  let measuring = false;
  let sessionUpdates = 0;

  /** Marks events up to tS as reflected; returns the send time of the newest one (or null). */
  const reflect = (id: string, tS: number, collectStaleness: boolean): number | null => {
    const s = sent.get(id);
    if (!s) return null;
    const now = performance.now();
    const limit = tS * 1000 + 1e-6;
    let newest: number | null = null;
    while (s.next < s.t.length && s.t[s.next]! <= limit) {
      if (measuring && collectStaleness) staleness.push(now - s.at[s.next]!);
      newest = s.at[s.next]!;
      s.next++;
    }
    return newest;
  };
  dash.on('live:session', (u, done) => {
    const newest = reflect(u.state.session, u.state.tS, true);
    if (measuring && newest !== null) {
      freshness.push(performance.now() - newest);
      sessionUpdates++;
    }
    done();
  });
  dash.on('live:wall', (u, done) => {
    for (const tile of u.tiles) {
      const s = sent.get(tile.session);
      if (!s || ids.indexOf(tile.session) < cfg.watched) continue;
      // Wall-only sessions: newest event shown on the tile.
      let newest: number | null = null;
      while (s.next < s.t.length && s.t[s.next]! <= tile.tS * 1000 + 1e-6) newest = s.at[s.next++]!;
      if (measuring && newest !== null) wall.push(performance.now() - newest);
    }
    done();
  });
  await dash.timeout(5000).emitWithAck('live:watch', { view: 'wall' });
  for (const id of ids.slice(0, cfg.watched))
    await dash.timeout(5000).emitWithAck('live:watch', { view: 'session', session: id });

  const startedAt = performance.now();
  const seq = new Map<string, number>(ids.map((id) => [id, 0]));
  let tick = 0;
  let samplesSent = 0;
  const timer = setInterval(() => {
    const t = Math.round((performance.now() - startedAt) * 1000) / 1000;
    ids.forEach((id, i) => {
      const first = seq.get(id)! + 1;
      const batch = devices.map((d, k) => ({
        seq: first + k,
        event: {
          type: 'packet' as const,
          t,
          device: d.id,
          characteristic: cfg.characteristic,
          data: cfg.packets[(tick + i * 37 + k * 11) % cfg.packets.length]!,
        },
      }));
      seq.set(id, first + devices.length - 1);
      const s = sent.get(id)!;
      const at = performance.now();
      s.t.push(t);
      s.at.push(at);
      if (measuring) samplesSent += 2 * devices.length;
      daemons[i]!.timeout(10_000).emit('ingest:events', { session: id, batch }, (err) => {
        if (!err && measuring) ack.push(performance.now() - at);
      });
    });
    if (tick % 3 === 0) {
      const at = performance.now();
      daemons[0]!.timeout(10_000).emit('ingest:events', { session: ids[0]!, batch: [] }, (err) => {
        if (!err && measuring) rtt.push(performance.now() - at);
      });
    }
    tick++;
  }, 20);

  await new Promise((r) => setTimeout(r, cfg.warmupS * 1000));
  measuring = true;
  process.send?.({ type: 'measuring' });
  await new Promise((r) => setTimeout(r, cfg.measureS * 1000));
  measuring = false;
  clearInterval(timer);
  dash.disconnect();
  for (const d of daemons) d.disconnect();
  return {
    sensors: cfg.sensors,
    samplesPerS: samplesSent / cfg.measureS,
    freshness: summary(freshness),
    staleness: summary(staleness),
    wall: summary(wall),
    rtt: summary(rtt),
    ack: summary(ack),
    sessionUpdates,
  };
}

// Run as a forked child: config in, result out, then exit.
if (process.send) {
  process.once('message', (cfg: LoadConfig) => {
    runLoad(cfg).then(
      (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
      (e: unknown) =>
        process.send!({ type: 'error', error: e instanceof Error ? e.message : String(e) }, () =>
          process.exit(1),
        ),
    );
  });
}
