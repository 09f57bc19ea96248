import {
  LIVE_MAX_RATE_HZ,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type LiveWatchAck,
  type LiveWatchRequest,
  liveWatchRequestSchema,
  type SessionUpdate,
  type WallTile,
  type WallUpdate,
} from '@hamstream/protocol';
import type { Namespace, Socket } from 'socket.io';
import { Compile } from 'typebox/compile';
import type { AccountPrincipal, Principal } from '../auth/principal.js';
import type { ChangeLevel } from '../live/live-session-model.js';
import type { LiveSession, LiveSessionRegistry } from '../live/live-session-registry.js';
import { type Clock, Coalescer, systemClock } from './coalescer.js';

/** Every client→server event the `/live` namespace handles (the role-table test walks them). */
export const LIVE_SOCKET_EVENTS = ['live:watch', 'live:unwatch'] as const;

const isWatchRequest = Compile(liveWatchRequestSchema);

/** What the live fan-out needs to know about who watches. */
export interface LiveGuard {
  /** The principal as of now; null once signed out, expired or disabled. */
  refresh(p: Principal): Principal | null;
  /** May this account see this session (its tile on the wall, its session view)? */
  canSee(p: AccountPrincipal, session: LiveSession): boolean;
}

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
  /** The signed-in account (set by the handshake check; refreshed before every send). */
  principal: AccountPrincipal;
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
  guard: LiveGuard,
  options: LiveFanoutOptions = {},
): () => void {
  const clock = options.clock ?? systemClock;
  const sessionIntervalMs = 1000 / (options.sessionRateHz ?? LIVE_MAX_RATE_HZ);
  const wallIntervalMs = 1000 / (options.wallRateHz ?? 10);
  const newsMs = options.newsMinIntervalMs ?? 10;
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;

  /** The socket's account as of now; a socket whose sign-in ended is disconnected. */
  const current = (socket: LiveSocket): AccountPrincipal | null => {
    if (socket.disconnected) return null;
    const p = guard.refresh(socket.data.principal);
    if (p === null || p.kind !== 'account') {
      socket.disconnect(true);
      return null;
    }
    socket.data.principal = p;
    return p;
  };

  function dropSessionWatch(socket: LiveSocket, id: string): void {
    socket.data.sessions.get(id)?.coalescer.dispose();
    socket.data.sessions.delete(id);
    void socket.leave(sessionRoom(id));
  }

  function flushSession(socket: LiveSocket, id: string, done: () => void): void {
    const watch = socket.data.sessions.get(id);
    const session = registry.get(id);
    const p = current(socket);
    if (!watch || !session || !p) {
      done();
      return;
    }
    // The relation is checked again before every send: a subject handed to another therapist, or an
    // account changed, stops the stream at once.
    if (!guard.canSee(p, session)) {
      done();
      dropSessionWatch(socket, id);
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
    const p = current(socket);
    if (!watch || !p) {
      done();
      return;
    }
    let update: WallUpdate;
    if (watch.full) {
      // Only the sessions this account may see: the wall of one therapist is not another's.
      const tiles = registry
        .liveSessions()
        .filter((s) => guard.canSee(p, s))
        .map((s) => s.model.tile());
      watch.shown = new Set(tiles.map((t) => t.session));
      update = { full: true, tiles, removed: [] };
    } else {
      const tiles: WallTile[] = [];
      const removed: string[] = [];
      for (const id of watch.dirty) {
        const s = registry.get(id);
        if (s && s.meta.status !== 'ended' && guard.canSee(p, s)) {
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

  function watch(socket: LiveSocket, req: LiveWatchRequest, p: AccountPrincipal): LiveWatchAck {
    if (req.view === 'wall') {
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
    if (req.view === 'session') {
      const id = req.session;
      const session = registry.get(id);
      // The same answer for "does not exist" and "not yours": a refusal tells nothing about others.
      if (!session || !guard.canSee(p, session)) return { ok: false, error: `no session ${id}` };
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
    if (req.view === 'wall' && socket.data.wall) {
      socket.data.wall.coalescer.dispose();
      socket.data.wall = null;
      void socket.leave(WALL_ROOM);
    } else if (req.view === 'session') {
      dropSessionWatch(socket, req.session);
    }
    return { ok: true };
  }

  const handlers: Record<
    (typeof LIVE_SOCKET_EVENTS)[number],
    (socket: LiveSocket, req: LiveWatchRequest, p: AccountPrincipal) => LiveWatchAck
  > = {
    'live:watch': watch,
    'live:unwatch': (socket, req) => unwatch(socket, req),
  };

  nsp.on('connection', (socket: LiveSocket) => {
    socket.data.sessions = new Map();
    socket.data.wall = null;
    for (const name of LIVE_SOCKET_EVENTS) {
      const handle = handlers[name];
      (socket as unknown as Socket).on(name, (req: unknown, ack: unknown) => {
        const answer = typeof ack === 'function' ? (ack as (res: LiveWatchAck) => void) : () => {};
        try {
          if (!isWatchRequest.Check(req)) {
            answer({ ok: false, error: `malformed ${name}: {view:"wall"} or {view:"session", session}` });
            return;
          }
          const p = current(socket);
          if (!p) return;
          answer(handle(socket, req as LiveWatchRequest, p));
        } catch {
          // Whatever a client sends, the server and the other clients carry on.
          answer({ ok: false, error: 'server error' });
        }
      });
    }
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
    const session = registry.get(id);
    for (const sid of rooms.get(WALL_ROOM) ?? []) {
      const socket = nsp.sockets.get(sid);
      const wall = socket?.data.wall;
      if (!socket || !wall) continue;
      // Another therapist's session never wakes this wall (a tile it shows is removed at the flush).
      if (session && !guard.canSee(socket.data.principal, session) && !wall.shown.has(id)) continue;
      wall.dirty.add(id);
      wall.coalescer.notify(urgency);
    }
  };
  return registry.onChange(onChange);
}
