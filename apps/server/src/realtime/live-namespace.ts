import {
  LIVE_MAX_RATE_HZ,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type LiveWatchAck,
  type LiveWatchRequest,
  type SessionUpdate,
  type WallTile,
  type WallUpdate,
} from '@hamstream/protocol';
import type { Namespace, Socket } from 'socket.io';
import type { ChangeLevel } from '../live/live-session-model.js';
import type { LiveSessionRegistry } from '../live/live-session-registry.js';
import { type Clock, Coalescer, systemClock } from './coalescer.js';

export const WALL_ROOM = 'wall';
export const sessionRoom = (id: string): string => `session:${id}`;

export interface LiveFanoutOptions {
  /** Display-rate cap per client for a session view, Hz (default LIVE_MAX_RATE_HZ). */
  sessionRateHz?: number;
  /** Cap for the wall, Hz (default 10). */
  wallRateHz?: number;
  /** Spacing for news (reps, sets, alerts), ms (default 10). */
  newsMinIntervalMs?: number;
  /** A client that does not ack within this is sent the next update anyway, ms. */
  ackTimeoutMs?: number;
  clock?: Clock;
}

type LiveSocket = Socket<
  LiveClientToServerEvents,
  LiveServerToClientEvents,
  Record<never, never>,
  LiveSocketData
>;
export type LiveNamespace = Namespace<
  LiveClientToServerEvents,
  LiveServerToClientEvents,
  Record<never, never>,
  LiveSocketData
>;

interface SessionWatch {
  coalescer: Coalescer;
  full: boolean;
  angle: Map<string, number>;
  force: Map<string, number>;
}

interface WallWatch {
  coalescer: Coalescer;
  full: boolean;
  dirty: Set<string>;
  removed: Set<string>;
  /** Sessions this client has on its wall. */
  shown: Set<string>;
}

export interface LiveSocketData {
  sessions: Map<string, SessionWatch>;
  wall: WallWatch | null;
}

/**
 * The `/live` namespace: dashboards join the `wall` room or `session:<id>` rooms; each client gets its
 * own coalescer per stream, so what it receives is paced by its own acks and the display-rate cap,
 * never by ingest. Rooms are the index from a session to its watchers (and the seam for a Redis adapter).
 */
export function setUpLiveNamespace(
  nsp: LiveNamespace,
  registry: LiveSessionRegistry,
  options: LiveFanoutOptions = {},
): () => void {
  const clock = options.clock ?? systemClock;
  const sessionIntervalMs = 1000 / (options.sessionRateHz ?? LIVE_MAX_RATE_HZ);
  const wallIntervalMs = 1000 / (options.wallRateHz ?? 10);
  const newsMs = options.newsMinIntervalMs ?? 10;
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;

  const wallTiles = (): WallTile[] => registry.liveSessions().map((s) => s.model.tile());

  function flushSession(socket: LiveSocket, id: string, done: () => void): void {
    const watch = socket.data.sessions.get(id);
    const session = registry.get(id);
    if (!watch || !session || socket.disconnected) {
      done();
      return;
    }
    const full = watch.full;
    watch.full = false;
    const update: SessionUpdate = {
      full,
      state: session.model.state(),
      angleDeg: session.model.traceSince('angle', watch.angle, full),
      forceN: session.model.traceSince('force', watch.force, full),
    };
    socket.timeout(ackTimeoutMs).emit('live:session', update, () => done());
  }

  function flushWall(socket: LiveSocket, done: () => void): void {
    const watch = socket.data.wall;
    if (!watch || socket.disconnected) {
      done();
      return;
    }
    let update: WallUpdate;
    if (watch.full) {
      const tiles = wallTiles();
      watch.shown = new Set(tiles.map((t) => t.session));
      update = { full: true, tiles, removed: [] };
    } else {
      const tiles: WallTile[] = [];
      const removed: string[] = [];
      for (const id of watch.dirty) {
        const s = registry.get(id);
        if (s && s.meta.status !== 'ended') {
          tiles.push(s.model.tile());
          watch.shown.add(id);
        } else if (watch.shown.delete(id)) {
          removed.push(id);
        }
      }
      update = { full: false, tiles, removed };
    }
    watch.full = false;
    watch.dirty.clear();
    socket.timeout(ackTimeoutMs).emit('live:wall', update, () => done());
  }

  function watch(socket: LiveSocket, req: LiveWatchRequest): LiveWatchAck {
    if (req?.view === 'wall') {
      if (!socket.data.wall) {
        const w: WallWatch = {
          full: true,
          dirty: new Set(),
          removed: new Set(),
          shown: new Set(),
          coalescer: new Coalescer({
            minIntervalMs: wallIntervalMs,
            newsMinIntervalMs: newsMs,
            clock,
            flush: (done) => flushWall(socket, done),
          }),
        };
        socket.data.wall = w;
        void socket.join(WALL_ROOM);
      }
      socket.data.wall.full = true;
      socket.data.wall.coalescer.notify(2);
      return { ok: true };
    }
    if (req?.view === 'session' && typeof req.session === 'string') {
      const id = req.session;
      if (!registry.get(id)) return { ok: false, error: `no session ${id}` };
      let w = socket.data.sessions.get(id);
      if (!w) {
        w = {
          full: true,
          angle: new Map(),
          force: new Map(),
          coalescer: new Coalescer({
            minIntervalMs: sessionIntervalMs,
            newsMinIntervalMs: newsMs,
            clock,
            flush: (done) => flushSession(socket, id, done),
          }),
        };
        socket.data.sessions.set(id, w);
        void socket.join(sessionRoom(id));
      }
      w.full = true;
      w.coalescer.notify(2);
      return { ok: true };
    }
    return { ok: false, error: 'watch {view:"wall"} or {view:"session", session}' };
  }

  function unwatch(socket: LiveSocket, req: LiveWatchRequest): LiveWatchAck {
    if (req?.view === 'wall' && socket.data.wall) {
      socket.data.wall.coalescer.dispose();
      socket.data.wall = null;
      void socket.leave(WALL_ROOM);
    } else if (req?.view === 'session' && typeof req.session === 'string') {
      socket.data.sessions.get(req.session)?.coalescer.dispose();
      socket.data.sessions.delete(req.session);
      void socket.leave(sessionRoom(req.session));
    }
    return { ok: true };
  }

  nsp.on('connection', (socket: LiveSocket) => {
    socket.data.sessions = new Map();
    socket.data.wall = null;
    socket.on('live:watch', (req, ack) => {
      const res = watch(socket, req);
      if (typeof ack === 'function') ack(res);
    });
    socket.on('live:unwatch', (req, ack) => {
      const res = unwatch(socket, req);
      if (typeof ack === 'function') ack(res);
    });
    socket.on('disconnect', () => {
      for (const w of socket.data.sessions.values()) w.coalescer.dispose();
      socket.data.sessions.clear();
      socket.data.wall?.coalescer.dispose();
      socket.data.wall = null;
    });
  });

  const onChange = (id: string, level: ChangeLevel): void => {
    if (level === 0) return;
    const urgency = level === 2 ? 2 : 1;
    const rooms = nsp.adapter.rooms;
    for (const sid of rooms.get(sessionRoom(id)) ?? []) {
      nsp.sockets.get(sid)?.data.sessions.get(id)?.coalescer.notify(urgency);
    }
    for (const sid of rooms.get(WALL_ROOM) ?? []) {
      const wall = nsp.sockets.get(sid)?.data.wall;
      if (!wall) continue;
      wall.dirty.add(id);
      wall.coalescer.notify(urgency);
    }
  };
  return registry.onChange(onChange);
}
